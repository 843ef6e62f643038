package io.coderunner.core.log;

import org.jspecify.annotations.Nullable;

/** Where a new cursor starts reading. */
public sealed interface StartPosition {

  /**
   * Every retained line with {@code seq > after}, then live lines. With an {@code epoch} that is
   * not the log's current one the position is meaningless, so the cursor starts at the first
   * retained line instead and reports {@link CursorOpening#reset()}.
   *
   * @param after the last seq the reader already has; 0 for "from the beginning"
   * @param epoch the epoch {@code after} belongs to, or {@code null} when unknown
   */
  record After(long after, @Nullable String epoch) implements StartPosition {
    /**
     * Validates the position.
     *
     * @param after the last seq the reader already has; 0 or more
     * @param epoch the epoch {@code after} belongs to, or {@code null}
     * @throws IllegalArgumentException if {@code after} is negative
     */
    public After {
      if (after < 0) {
        throw new IllegalArgumentException("after must be >= 0, was " + after);
      }
    }

    /**
     * The first seq this start wants: {@link StartPosition#seqAfter(long)} of {@code after}.
     *
     * @return {@code after + 1}, or {@link Long#MAX_VALUE} when {@code after} is
     */
    public long next() {
      return seqAfter(after);
    }
  }

  /**
   * The last {@code lines} retained lines, then live lines.
   *
   * @param lines how many lines of history, 0 to {@value #MAX_TAIL}
   */
  record Tail(int lines) implements StartPosition {
    /** Most lines of history a tail may ask for. */
    public static final int MAX_TAIL = 10_000;

    /**
     * Validates the count.
     *
     * @param lines how many lines of history
     * @throws IllegalArgumentException if {@code lines} is negative or above {@value #MAX_TAIL}
     */
    public Tail {
      if (lines < 0 || lines > MAX_TAIL) {
        throw new IllegalArgumentException(
            "tail must be between 0 and " + MAX_TAIL + ", was " + lines);
      }
    }
  }

  /** Only lines appended after the cursor opens. */
  record Live() implements StartPosition {}

  /**
   * The seq that follows {@code after}: {@code after + 1}, except that {@link Long#MAX_VALUE} stays
   * {@link Long#MAX_VALUE} instead of wrapping to a negative number. No log reaches that seq, so a
   * reader asking for what follows it simply waits.
   *
   * @param after a seq, 0 or more
   * @return the seq after it, saturating at {@link Long#MAX_VALUE}
   */
  static long seqAfter(long after) {
    return after == Long.MAX_VALUE ? Long.MAX_VALUE : after + 1;
  }

  /**
   * Every retained line with {@code seq > after}, then live lines, without an epoch check.
   *
   * @param after the last seq the reader already has; 0 for the beginning
   * @return the position
   * @throws IllegalArgumentException if {@code after} is negative
   */
  static StartPosition after(long after) {
    return new After(after, null);
  }

  /**
   * Every retained line with {@code seq > after} in {@code epoch}, then live lines; in another
   * epoch, every retained line (see {@link After}).
   *
   * @param epoch the epoch {@code after} belongs to, as the log reported it
   * @param after the last seq the reader already has; 0 for the beginning
   * @return the position
   * @throws IllegalArgumentException if {@code after} is negative
   */
  static StartPosition after(String epoch, long after) {
    return new After(after, epoch);
  }

  /**
   * The last {@code lines} retained lines, then live lines.
   *
   * @param lines how many lines of history, 0 to {@value Tail#MAX_TAIL}
   * @return the position
   * @throws IllegalArgumentException if {@code lines} is out of range
   */
  static StartPosition tail(int lines) {
    return new Tail(lines);
  }

  /**
   * Only lines appended after the cursor opens.
   *
   * @return the position
   */
  static StartPosition live() {
    return new Live();
  }
}
