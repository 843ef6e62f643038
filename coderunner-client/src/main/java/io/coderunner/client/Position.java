package io.coderunner.client;

import java.util.Objects;

/**
 * A place in a deployment's log: the last seq accounted for (received, or named by a gap) in the
 * log's epoch. A follow resumes after it; a position of another epoch is answered with a reset.
 *
 * @param epoch the log's epoch
 * @param seq the last seq accounted for; 0 before the first line
 */
public record Position(String epoch, long seq) {
  /**
   * Checks the parts.
   *
   * @param epoch the epoch
   * @param seq the seq
   * @throws IllegalArgumentException if {@code epoch} is blank or {@code seq} is negative
   */
  public Position {
    Objects.requireNonNull(epoch, "epoch");
    if (epoch.isBlank()) {
      throw new IllegalArgumentException("epoch must not be blank");
    }
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0, was " + seq);
    }
  }
}
