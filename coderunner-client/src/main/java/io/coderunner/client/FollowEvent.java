package io.coderunner.client;

import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogLine;
import java.time.Instant;
import java.util.Objects;

/**
 * One item of a follow seen as a {@link java.util.concurrent.Flow.Publisher}: each counts as one
 * against the subscriber's demand.
 */
public sealed interface FollowEvent {
  /**
   * A line.
   *
   * @param line the line
   */
  record Line(LogLine line) implements FollowEvent {
    /**
     * Checks the line.
     *
     * @param line the line
     */
    public Line {
      Objects.requireNonNull(line, "line");
    }
  }

  /**
   * Retention dropped {@code from..to} before the follow got them.
   *
   * @param from the first missing seq
   * @param to the last missing seq
   */
  record Gap(long from, long to) implements FollowEvent {}

  /**
   * The epoch changed; what follows does not continue what came before.
   *
   * @param epoch the new epoch
   * @param firstAvailable the first seq delivered next
   */
  record Reset(String epoch, long firstAvailable) implements FollowEvent {
    /**
     * Checks the epoch.
     *
     * @param epoch the new epoch
     * @param firstAvailable the first seq next
     */
    public Reset {
      Objects.requireNonNull(epoch, "epoch");
    }
  }

  /**
   * The deployment's status changed.
   *
   * @param status the new status
   * @param at when
   */
  record Status(DeploymentStatus status, Instant at) implements FollowEvent {
    /**
     * Checks the parts.
     *
     * @param status the status
     * @param at when
     */
    public Status {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(at, "at");
    }
  }
}
