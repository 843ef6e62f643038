package io.coderunner.core.log;

import io.coderunner.core.DeploymentId;
import org.jspecify.annotations.Nullable;

/**
 * A subscriber's position in one deployment's log: the next seq it reads, plus its filter. History
 * and live lines are the same read from this position, so there is no hand-over between them: each
 * line is returned at most once, in seq order, and a line retention dropped before it was read is
 * reported as a {@link CursorBatch.Gap}.
 *
 * <p>Use: after {@link LogStore#subscribe}, {@link #poll} until it returns {@link
 * CursorBatch.Idle}; the {@link CursorListener} is then signalled once when there is more, and the
 * owner polls again.
 *
 * <p>{@link #poll} must be called by one thread at a time (its owner); {@link #lag}, {@link
 * #position} and {@link #close} may be called from any thread.
 */
public interface LogCursor extends AutoCloseable {

  /**
   * The deployment whose log the cursor reads.
   *
   * @return the deployment's id
   */
  DeploymentId deploymentId();

  /**
   * What the cursor found when it opened.
   *
   * @return the epoch, first available seq and first seq to read, as of opening
   */
  CursorOpening opening();

  /**
   * The filter lines must pass to be returned.
   *
   * @return the filter given at subscribe
   */
  LogFilter filter();

  /**
   * The next seq this cursor reads.
   *
   * @return the seq; lines before it have been returned, filtered out or reported as a gap
   */
  long position();

  /**
   * Reads what exists from the position: a gap, then up to {@code maxLines} lines and about {@code
   * maxBytes} (at least one line when any is there), and advances past them.
   *
   * @param maxLines at least 1
   * @param maxBytes at least 1; sizes as {@link RetentionConfig} counts them
   * @return a {@link CursorBatch.Gap}, some {@link CursorBatch.Lines}, {@link CursorBatch.Idle}
   *     when there is nothing new, or {@link CursorBatch.Ended} once the cursor has ended
   * @throws IllegalArgumentException if {@code maxLines} or {@code maxBytes} is below 1
   */
  CursorBatch poll(int maxLines, long maxBytes);

  /**
   * How far behind the head of its log this cursor is.
   *
   * @return a snapshot of the lag; {@link CursorLag#NONE} when it is not behind
   */
  CursorLag lag();

  /**
   * Why it ended, or {@code null} while open.
   *
   * @return the reason, or {@code null}
   */
  @Nullable EndReason endReason();

  /** Ends the cursor ({@link EndReason#CLOSED}) and detaches it from its log. Idempotent. */
  @Override
  void close();
}
