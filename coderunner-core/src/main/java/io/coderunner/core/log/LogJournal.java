package io.coderunner.core.log;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogLine;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What a durable store records as an {@link InMemoryLogStore} changes, so that the memory stays the
 * hot path and the disk follows it: the lines each append stored, how far retention has dropped
 * each log, and the seqs reserved ahead of appends so that a restart never hands out a seq twice.
 * Given to {@link InMemoryLogStore#create(RetentionConfig, java.time.Clock, LogJournal)}.
 *
 * <p>Every call is made under the log's lock, in seq order for that log, so that the journal sees
 * each log's changes in the order they happened. {@link #appended}, {@link #forgotKeys} and {@link
 * #dropped} must therefore be quick and must not block (hand the work to a writer); {@link
 * #reserve} may block, and is called once per reserved block, not once per line.
 */
public interface LogJournal {
  /**
   * Reserves seqs up to at least {@code seq} for the log before any of them is handed out: a
   * durable store writes the new limit (a high-water mark) ahead of the lines, so that after an
   * unclean stop it continues above it.
   *
   * @param id the deployment
   * @param seq the seq about to be handed out, above the last reserved one
   * @return the new last reserved seq, at least {@code seq}
   * @throws RuntimeException when the reservation cannot be made durable; the append fails and
   *     hands out nothing
   */
  long reserve(DeploymentId id, long seq);

  /**
   * The lines an append just stored, in seq order, with their append time, and the idempotency key
   * it was made with. A durable store keeps the key with the lines, in the same transaction, so
   * that after a restart a retry finds the key exactly when it finds the lines.
   *
   * @param id the deployment
   * @param lines the stored lines (truncated and stamped as the store keeps them)
   * @param appendedAtMicros when they were appended, in epoch microseconds of the store's clock
   * @param key the append's idempotency key, or {@code null} if it had none
   */
  void appended(
      DeploymentId id, List<LogLine> lines, long appendedAtMicros, @Nullable IdempotencyRecord key);

  /**
   * The log forgot the idempotency keys of appends whose first seq is below {@code firstSeq}: their
   * window passed, or the log holds its most keys (see {@link RetentionConfig}).
   *
   * @param id the deployment
   * @param firstSeq keys of appends that started below it are forgotten
   */
  void forgotKeys(DeploymentId id, long firstSeq);

  /**
   * Retention moved the log's first retained seq up to {@code firstSeq}: lines below it are gone.
   *
   * @param id the deployment
   * @param firstSeq the first retained seq now
   */
  void dropped(DeploymentId id, long firstSeq);
}
