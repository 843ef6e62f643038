package io.coderunner.core;

import java.util.Objects;
import java.util.Set;

/**
 * Who is calling: an authenticated user or service.
 *
 * @param id stable user id (the JWT {@code sub}); non-blank
 * @param username display name; non-blank
 * @param roles role names such as {@code deployer} or {@code admin}; copied, unmodifiable
 */
public record Principal(String id, String username, Set<String> roles) {
  /** The role that may see and manage every deployment. */
  public static final String ADMIN = "admin";

  /** The role that may create deployments and run and change its own. */
  public static final String DEPLOYER = "deployer";

  /**
   * Validates and copies the components.
   *
   * @param id stable user id; not blank
   * @param username display name; not blank
   * @param roles role names; copied, none blank
   * @throws NullPointerException if {@code id}, {@code username} or {@code roles} is null
   * @throws IllegalArgumentException if the id, the username or a role name is blank
   */
  public Principal {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(username, "username");
    if (id.isBlank()) {
      throw new IllegalArgumentException("principal id must not be blank");
    }
    if (username.isBlank()) {
      throw new IllegalArgumentException("principal username must not be blank");
    }
    roles = Set.copyOf(roles);
    for (String role : roles) {
      if (role.isBlank()) {
        throw new IllegalArgumentException("role names must not be blank");
      }
    }
  }

  /**
   * Whether this principal has {@code role}.
   *
   * @param role a role name, compared exactly (case-sensitive)
   * @return {@code true} if {@link #roles()} contains it
   */
  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  /**
   * Whether this principal has the {@link #ADMIN} role.
   *
   * @return {@code true} for an admin
   */
  public boolean isAdmin() {
    return roles.contains(ADMIN);
  }
}
