package io.coderunner.client;

import java.time.Duration;
import java.util.Objects;

/** Where a follow's connection is; told to {@link FollowListener#onState} on every change. */
public sealed interface ConnectionState {

  /**
   * Opening a WebSocket and subscribing.
   *
   * @param attempt 0 for the first connection, then the number of the reconnect in a row (1 for the
   *     first after a drop)
   */
  record Connecting(int attempt) implements ConnectionState {}

  /**
   * Subscribed: lines flow.
   *
   * @param connectionId the server's id of the connection
   */
  record Live(String connectionId) implements ConnectionState {
    /**
     * Checks the id.
     *
     * @param connectionId the id
     */
    public Live {
      Objects.requireNonNull(connectionId, "connectionId");
    }
  }

  /**
   * The connection dropped; the next attempt comes after {@code delay}.
   *
   * @param attempt the reconnect that comes next, 1 for the first after a drop; it counts up until
   *     a connection is live again
   * @param delay the wait before it
   * @param cause why the connection dropped, such as {@code "closed 1001 going away"}
   */
  record Reconnecting(int attempt, Duration delay, String cause) implements ConnectionState {
    /**
     * Checks the parts.
     *
     * @param attempt the next attempt
     * @param delay the wait
     * @param cause why
     */
    public Reconnecting {
      Objects.requireNonNull(delay, "delay");
      Objects.requireNonNull(cause, "cause");
    }
  }

  /**
   * The follow ended and will not reconnect.
   *
   * @param reason why
   * @param detail what the server or the client said
   */
  record Closed(CloseReason reason, String detail) implements ConnectionState {
    /**
     * Checks the parts.
     *
     * @param reason why
     * @param detail the detail
     */
    public Closed {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(detail, "detail");
    }
  }

  /** Why a follow ended. */
  enum CloseReason {
    /** The caller closed it. */
    CLOSED,
    /** The deployment was deleted. */
    DELETED,
    /** The deployment does not exist, or the user may not read it. */
    FORBIDDEN,
    /** The token was refused and the token source had no other one. */
    UNAUTHORIZED,
    /** The server refused the client's frames as malformed (4400): a client bug. */
    PROTOCOL_ERROR,
    /** The reconnect backoff's attempts ran out. */
    GAVE_UP,
    /** The listener threw; the follow stopped rather than skip what it was given. */
    LISTENER_FAILED
  }
}
