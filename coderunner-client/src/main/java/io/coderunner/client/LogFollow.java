package io.coderunner.client;

import java.util.Optional;

/**
 * A running follow of one deployment's log, from {@link CodeRunnerClient#follow}. Thread-safe.
 * {@link #close()} ends it: no listener call starts after close returns.
 */
public interface LogFollow extends AutoCloseable {
  /**
   * The last position accounted for: resume a later follow with {@link
   * FollowOptions#after(Position)}.
   *
   * @return the position, once the follow subscribed
   */
  Optional<Position> position();

  /**
   * The connection's current state.
   *
   * @return the state
   */
  ConnectionState state();

  /** Ends the follow and its connection; idempotent. */
  @Override
  void close();
}
