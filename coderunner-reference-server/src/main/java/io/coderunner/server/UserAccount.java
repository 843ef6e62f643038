package io.coderunner.server;

import java.util.Objects;
import java.util.Set;

/**
 * A user who may log in.
 *
 * @param username the login name, 1 to 64 characters, not blank
 * @param id the stable user id that becomes the token's {@code sub} and owns deployments
 * @param roles role names, such as {@code deployer} or {@code admin}
 * @param passwordHash the password as {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} (see the
 *     {@code hash-password} command); a password is never kept in clear
 */
public record UserAccount(String username, String id, Set<String> roles, String passwordHash) {
  /**
   * Checks the components and copies {@code roles}.
   *
   * @param username the login name, 1 to 64 characters, not blank
   * @param id the stable user id, not blank
   * @param roles role names; copied
   * @param passwordHash a hash made by {@code hash-password}, starting {@code pbkdf2-sha256$}
   * @throws NullPointerException if a component is null
   * @throws IllegalArgumentException if the username or id is blank, the username is longer than 64
   *     characters, or the hash is not a {@code pbkdf2-sha256} one
   */
  public UserAccount {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(passwordHash, "passwordHash");
    if (username.isBlank() || username.length() > 64) {
      throw new IllegalArgumentException("username must be 1-64 characters and not blank");
    }
    if (id.isBlank()) {
      throw new IllegalArgumentException("user id must not be blank");
    }
    roles = Set.copyOf(roles);
    if (!passwordHash.startsWith("pbkdf2-sha256$")) {
      throw new IllegalArgumentException(
          "passwordHash of " + username + " must be a pbkdf2-sha256 hash from hash-password");
    }
  }

  @Override
  public String toString() {
    return "UserAccount[username=" + username + ", id=" + id + ", roles=" + roles + "]";
  }
}
