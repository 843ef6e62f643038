package io.coderunner.websocket;

/** The WebSocket close codes the broadcaster uses. */
public final class CloseCodes {
  private CloseCodes() {}

  /** The server is shutting down; reconnect elsewhere or later and resume. */
  public static final int GOING_AWAY = 1001;

  /** An administrator disconnected the connection. */
  public static final int POLICY_VIOLATION = 1008;

  /** The server could not go on serving the connection (a failure of its own, not the client's). */
  public static final int INTERNAL_ERROR = 1011;

  /** A client frame exceeded the inbound frame limit. */
  public static final int TOO_LARGE = 1009;

  /** Repeated malformed frames, or a binary frame. */
  public static final int MALFORMED = 4400;

  /** Not authenticated in time, bad token, or the token expired without a refresh. */
  public static final int UNAUTHENTICATED = 4401;

  /** A refresh tried to switch the connection to another subject. */
  public static final int FORBIDDEN = 4403;

  /** The connection fell further behind than its lag bound; resume from the last seq. */
  public static final int SLOW_CONSUMER = 4008;

  /** Too many connections, or too many client frames. */
  public static final int TOO_MANY = 4429;
}
