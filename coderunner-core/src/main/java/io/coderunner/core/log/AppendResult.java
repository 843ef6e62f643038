package io.coderunner.core.log;

/**
 * The seqs a batch append took: {@code firstSeq..lastSeq}, inclusive and without holes.
 *
 * @param firstSeq seq of the first appended line
 * @param lastSeq seq of the last appended line
 * @param replayed {@code true} when nothing was appended because an earlier append with the same
 *     idempotency key stored these lines (see {@link
 *     LogStore#append(io.coderunner.core.DeploymentId, java.util.List, String)})
 */
public record AppendResult(long firstSeq, long lastSeq, boolean replayed) {
  /**
   * The seqs of lines this append stored.
   *
   * @param firstSeq seq of the first appended line
   * @param lastSeq seq of the last appended line
   */
  public AppendResult(long firstSeq, long lastSeq) {
    this(firstSeq, lastSeq, false);
  }

  /**
   * How many lines the append took.
   *
   * @return {@code lastSeq - firstSeq + 1}, at least 1
   */
  public long count() {
    return lastSeq - firstSeq + 1;
  }
}
