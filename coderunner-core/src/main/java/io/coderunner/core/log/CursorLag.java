package io.coderunner.core.log;

import java.time.Duration;

/**
 * How far a cursor is behind the head of its log.
 *
 * @param lines lines appended that it has not read yet
 * @param bytes their approximate size (see {@link RetentionConfig})
 * @param age how long ago the oldest of them was appended; zero when it is not behind
 */
public record CursorLag(long lines, long bytes, Duration age) {
  /** Not behind at all. */
  public static final CursorLag NONE = new CursorLag(0, 0, Duration.ZERO);

  /**
   * Whether the cursor has lines left to read.
   *
   * @return {@code true} if {@link #lines()} is above 0
   */
  public boolean isBehind() {
    return lines > 0;
  }
}
