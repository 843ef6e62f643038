package io.coderunner.client;

import io.coderunner.core.Principal;
import java.time.Instant;
import java.util.Objects;

/**
 * What a login returns.
 *
 * @param token the bearer token (a JWT)
 * @param expiresAt when the token stops being accepted
 * @param user who it authenticates
 */
public record Session(String token, Instant expiresAt, Principal user) {
  /**
   * Checks the parts.
   *
   * @param token the bearer token
   * @param expiresAt its expiry
   * @param user its user
   */
  public Session {
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(user, "user");
  }

  @Override
  public String toString() {
    return "Session[user=" + user.username() + ", expiresAt=" + expiresAt + "]";
  }
}
