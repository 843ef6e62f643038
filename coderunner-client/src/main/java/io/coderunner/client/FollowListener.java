package io.coderunner.client;

import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogLine;
import java.time.Instant;
import java.util.List;

/**
 * What a follow tells, one call at a time and in order, on the client's WebSocket thread: a call
 * that takes long holds up only this follow, which then falls behind on the server (served in
 * larger batches, and at worst resumed). Every method does nothing by default. A method that throws
 * ends the follow with {@link ConnectionState.CloseReason#LISTENER_FAILED}.
 */
public interface FollowListener {
  /**
   * Lines, in seq order, each once across the whole follow, reconnects included.
   *
   * @param lines one or more lines
   */
  default void onLines(List<LogLine> lines) {}

  /**
   * Retention dropped {@code from..to} (inclusive) before this follow got them; the next line is
   * above {@code to}.
   *
   * @param from the first missing seq
   * @param to the last missing seq
   */
  default void onGap(long from, long to) {}

  /**
   * The server no longer has the epoch the follow was in (its log was recreated, or an in-memory
   * server restarted): what follows is the new epoch's log from its first retained line, and does
   * not continue what came before.
   *
   * @param epoch the new epoch
   * @param firstAvailable the first seq delivered next
   */
  default void onReset(String epoch, long firstAvailable) {}

  /**
   * The deployment's status changed; its {@code system} line came just before in {@link #onLines}
   * unless the filter dropped it.
   *
   * @param status the new status
   * @param at when it changed
   */
  default void onStatus(DeploymentStatus status, Instant at) {}

  /**
   * The connection's state changed.
   *
   * @param state the new state
   */
  default void onState(ConnectionState state) {}
}
