package io.coderunner.core.log;

import io.coderunner.core.CodeRunnerException;

/**
 * An append carried an idempotency key that an earlier append to the same log used for different
 * lines. Nothing was appended; the client has to send its new lines with a new key.
 */
public final class IdempotencyKeyReusedException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  /** The first seq of the lines the key was first used for. */
  private final long firstSeq;

  /** The last seq of those lines. */
  private final long lastSeq;

  /**
   * Creates the exception.
   *
   * @param firstSeq the first seq of the lines the key was first used for
   * @param lastSeq the last seq of those lines
   */
  public IdempotencyKeyReusedException(long firstSeq, long lastSeq) {
    super(
        "the idempotency key was used for other lines (seqs " + firstSeq + " to " + lastSeq + ")");
    this.firstSeq = firstSeq;
    this.lastSeq = lastSeq;
  }

  /**
   * The first seq of the lines the key was first used for.
   *
   * @return the seq
   */
  public long firstSeq() {
    return firstSeq;
  }

  /**
   * The last seq of the lines the key was first used for.
   *
   * @return the seq
   */
  public long lastSeq() {
    return lastSeq;
  }
}
