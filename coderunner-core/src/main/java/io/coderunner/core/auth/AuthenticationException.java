package io.coderunner.core.auth;

import io.coderunner.core.CodeRunnerException;
import java.util.Objects;

/**
 * A bearer token was rejected. REST answers 401, WebSocket closes with 4401.
 *
 * <p>The message is safe to show a client: it never contains the token, a secret or a claim value,
 * only the {@link Reason} in words and, for claim problems, the claim's name. No stack trace is
 * captured, so rejecting a flood of bad tokens stays cheap.
 */
public final class AuthenticationException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  /** Why a token was rejected. */
  public enum Reason {
    /**
     * Not a compact JWS: wrong number of parts, bad base64url, a header or payload that is not a
     * JSON object or repeats a member, or a date claim that is not a number.
     */
    MALFORMED,
    /** Longer than {@link JwtConfig#maxTokenLength()}; rejected before any parsing. */
    TOO_LARGE,
    /**
     * The {@code alg} header is not accepted ({@code none}, unknown, or not the one the key is
     * for).
     */
    UNSUPPORTED_ALGORITHM,
    /**
     * The {@code kid} header names no configured key, or there is no default key for a token
     * without one.
     */
    UNKNOWN_KEY,
    /** The signature does not match the header and payload. */
    BAD_SIGNATURE,
    /** {@code exp} is past, beyond the leeway. */
    EXPIRED,
    /** {@code nbf} or {@code iat} is in the future, beyond the leeway. */
    NOT_YET_VALID,
    /** {@code iss} is not the configured issuer. */
    WRONG_ISSUER,
    /** {@code aud} does not contain the configured audience. */
    WRONG_AUDIENCE,
    /** A required claim ({@code iss}, {@code aud}, {@code exp}, {@code sub}) is absent. */
    MISSING_CLAIM,
    /** A claim has the wrong type or an unusable value, such as a blank {@code sub}. */
    INVALID_CLAIM
  }

  /** Why the token was rejected. */
  private final Reason reason;

  /**
   * A rejection for {@code reason}.
   *
   * @param reason why the token was rejected
   * @param message shown to the client; must not contain the token, a secret or a claim value
   */
  public AuthenticationException(Reason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /**
   * Why the token was rejected.
   *
   * @return the reason; never null
   */
  public Reason reason() {
    return reason;
  }

  /** Rejections are expected traffic: no stack trace is captured. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
