package io.coderunner.core.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * A token {@link JwtService#issue issued} for a principal.
 *
 * @param token the compact JWS to send as {@code Authorization: Bearer <token>}; a credential, so
 *     {@link #toString()} leaves it out
 * @param expiresAt its {@code exp}, whole seconds
 * @param id its {@code jti}, a random UUID
 */
public record IssuedToken(String token, Instant expiresAt, String id) {

  /**
   * Validates the components.
   *
   * @param token the compact JWS
   * @param expiresAt its {@code exp}
   * @param id its {@code jti}
   * @throws NullPointerException if any component is null
   */
  public IssuedToken {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(id, "id");
  }

  /** Shows the expiry and id but never the token itself. */
  @Override
  public String toString() {
    return "IssuedToken[token=<redacted>, expiresAt=" + expiresAt + ", id=" + id + ']';
  }
}
