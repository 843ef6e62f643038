package io.coderunner.websocket;

/** The {@code code} values of {@code error} frames. */
public final class ErrorCodes {
  private ErrorCodes() {}

  /**
   * The deployment does not exist or the principal may not see it (one answer for both, so
   * existence never leaks). {@code ref} is the deployment id.
   */
  public static final String FORBIDDEN = "forbidden";

  /** The frame could not be decoded; {@code ref} names the field at fault when known. */
  public static final String BAD_FRAME = "bad_frame";

  /** A frame other than {@code auth} before authentication. */
  public static final String NOT_AUTHENTICATED = "not_authenticated";

  /** An {@code auth} frame on an authenticated connection. */
  public static final String ALREADY_AUTHENTICATED = "already_authenticated";

  /** A {@code refresh} with a token that does not verify; the old token stays in force. */
  public static final String INVALID_TOKEN = "invalid_token";

  /** A {@code subscribe} beyond the connection's subscription limit. */
  public static final String TOO_MANY_SUBSCRIPTIONS = "too_many_subscriptions";

  /** A {@code subscribe} to a deployment the connection already follows. */
  public static final String ALREADY_SUBSCRIBED = "already_subscribed";

  /** An {@code unsubscribe} of a deployment the connection does not follow. */
  public static final String NOT_SUBSCRIBED = "not_subscribed";

  /** The deployment was deleted; its subscription ended. {@code ref} is the deployment id. */
  public static final String SUBSCRIPTION_ENDED = "subscription_ended";

  /** A {@code watch} on a broadcaster that has no deployment feed. */
  public static final String UNSUPPORTED = "unsupported";

  /** A {@code watch} with true on a connection that already watches. */
  public static final String ALREADY_WATCHING = "already_watching";

  /** A {@code watch} with false on a connection that does not watch. */
  public static final String NOT_WATCHING = "not_watching";
}
