package io.coderunner.core.log;

/**
 * The seqs a batch append took: {@code firstSeq..lastSeq}, inclusive and without holes.
 *
 * @param firstSeq seq of the first appended line
 * @param lastSeq seq of the last appended line
 */
public record AppendResult(long firstSeq, long lastSeq) {
  /**
   * How many lines the append took.
   *
   * @return {@code lastSeq - firstSeq + 1}, at least 1
   */
  public long count() {
    return lastSeq - firstSeq + 1;
  }
}
