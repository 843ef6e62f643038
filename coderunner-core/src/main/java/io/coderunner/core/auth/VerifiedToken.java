package io.coderunner.core.auth;

import io.coderunner.core.Principal;
import java.time.Instant;
import java.util.Objects;

/**
 * A token that {@link JwtService#verify} accepted.
 *
 * @param principal who it was issued for: {@code sub} as id, {@code name} (or {@code sub}) as
 *     username, {@code roles}
 * @param expiresAt its {@code exp}; a live connection should ask for a fresh token before then
 * @param id its {@code jti}, or for a token without one a digest of its signature ({@code
 *     sig:<hex>}), so that it always names this token
 */
public record VerifiedToken(Principal principal, Instant expiresAt, String id) {

  /**
   * Validates the components.
   *
   * @param principal who it was issued for
   * @param expiresAt its {@code exp}
   * @param id its {@code jti}, or a digest of its signature
   * @throws NullPointerException if any component is null
   */
  public VerifiedToken {
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(id, "id");
  }
}
