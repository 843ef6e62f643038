package io.coderunner.websocket.internal;

/**
 * Whether a connection's peer is alive: it pings a peer from which nothing has been received for
 * one interval, and tells when a pinged peer stays silent. Times on {@code System.nanoTime()}.
 *
 * <p>The I/O thread reports what it received and when a ping was written; the housekeeping thread
 * asks {@link #check} what to do.
 */
final class Heartbeat {
  /** What the housekeeping does about the peer. */
  enum Action {
    NONE,
    /** Send a ping (and call {@link #pingWritten} when it is written). */
    PING,
    /** The peer is gone, or reads nothing at all: close the connection without a handshake. */
    DEAD
  }

  private final long intervalNanos;
  private volatile long lastReceived;
  private volatile long pingSent;
  private volatile long pingWritten;

  Heartbeat(long intervalNanos, long now) {
    this.intervalNanos = intervalNanos;
    this.lastReceived = now;
  }

  /** Anything at all arrived from the peer. */
  void received(long now) {
    lastReceived = now;
  }

  void pingWritten(long now) {
    pingWritten = now;
  }

  /**
   * What to do at {@code now}. A peer with lines waiting for it ({@code behind}) is not pinged: a
   * ping would queue behind those lines and time out for a peer that is alive but busy; whether it
   * keeps up is the lag bound's call.
   */
  Action check(long now, boolean behind) {
    if (behind) {
      pingSent = 0;
      return Action.NONE;
    }
    long sent = pingSent;
    if (sent != 0 && lastReceived - sent >= 0) {
      pingSent = 0; // the peer spoke after our ping: it is alive
      sent = 0;
    }
    if (sent != 0) {
      long written = pingWritten;
      boolean unanswered = written != 0 && now - written >= intervalNanos;
      boolean unwritable = written == 0 && now - sent >= 2 * intervalNanos;
      return unanswered || unwritable ? Action.DEAD : Action.NONE;
    }
    if (now - lastReceived >= intervalNanos) {
      pingWritten = 0;
      pingSent = now;
      return Action.PING;
    }
    return Action.NONE;
  }
}
