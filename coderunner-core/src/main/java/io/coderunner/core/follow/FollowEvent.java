package io.coderunner.core.follow;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogLine;
import io.coderunner.core.delivery.ResumeOutcome;
import io.coderunner.core.log.CursorOpening;
import io.coderunner.core.log.EndReason;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link Follower} has for its connection to send next. A transport turns each event into
 * one frame (WebSocket) or one or more events (SSE), in the order {@link Follower#next()} returns
 * them. For one deployment the order is: {@link Opened} first, then {@link Lines}, {@link Status}
 * and {@link Gap} in seq order, and {@link Ended} last when the log goes away.
 */
public sealed interface FollowEvent {

  /**
   * The deployment the event belongs to.
   *
   * @return the deployment's id
   */
  DeploymentId deploymentId();

  /**
   * The subscription is in place: what a {@code subscribed} answer tells.
   *
   * @param resume how a start from {@code after} went, or {@code null} for a tail or a live start
   */
  record Opened(DeploymentId deploymentId, CursorOpening opening, @Nullable ResumeOutcome resume)
      implements FollowEvent {}

  /**
   * Lines that pass the subscription's filter, in seq order, never empty. A batch ends after a line
   * that records a status change, so the {@link Status} for it comes right after its batch.
   *
   * @param epoch the epoch the seqs belong to
   * @param unfiltered whether the subscription has no filter: such batches are the same for every
   *     unfiltered subscriber that reads the same range, so a transport may encode one for all
   * @param live whether the first line was appended after the subscription opened (a replay of
   *     history is not live): only live lines have a meaningful delivery latency
   * @param appendedAt when the oldest line the batch was read with was appended, by the store's
   *     clock
   */
  record Lines(
      DeploymentId deploymentId,
      String epoch,
      List<LogLine> lines,
      boolean unfiltered,
      boolean live,
      Instant appendedAt)
      implements FollowEvent {}

  /**
   * The deployment's status changed, at line {@code seq}. It comes whatever the filter: when the
   * filter dropped the line, {@code lineSent} is false and this event is the only trace of {@code
   * seq}, so a transport that names positions (SSE's event id) names it here.
   */
  record Status(
      DeploymentId deploymentId,
      String epoch,
      long seq,
      DeploymentStatus status,
      Instant timestamp,
      boolean lineSent)
      implements FollowEvent {}

  /** Retention dropped {@code from..to} (inclusive) before they were read; delivery goes on. */
  record Gap(DeploymentId deploymentId, String epoch, long from, long to) implements FollowEvent {}

  /**
   * The subscription ended on its own: the log was deleted ({@link EndReason#DELETED}) or the store
   * closed ({@link EndReason#STORE_CLOSED}). The follower no longer follows the deployment.
   */
  record Ended(DeploymentId deploymentId, EndReason reason) implements FollowEvent {}
}
