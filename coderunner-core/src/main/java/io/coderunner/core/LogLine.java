package io.coderunner.core;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One stored line of a deployment's log.
 *
 * @param seq its position in the log: strictly increasing from 1, without holes at append time
 * @param timestamp when it was produced (UTC on the wire)
 * @param stream the output it came from
 * @param level its severity
 * @param message its text, possibly truncated by the log's line-length limit
 * @param status for a {@link StreamKind#SYSTEM} line that records a status change, the new status;
 *     {@code null} for every other line
 */
public record LogLine(
    long seq,
    Instant timestamp,
    StreamKind stream,
    LogLevel level,
    String message,
    @Nullable DeploymentStatus status) {

  /**
   * Validates the components.
   *
   * @param seq its position in the log; at least 1
   * @param timestamp when it was produced
   * @param stream the output it came from
   * @param level its severity
   * @param message its text
   * @param status the new status of a status-change line, or {@code null}
   * @throws IllegalArgumentException if {@code seq} is below 1, or a line that is not {@link
   *     StreamKind#SYSTEM} has a status
   * @throws NullPointerException if {@code timestamp}, {@code stream}, {@code level} or {@code
   *     message} is null
   */
  public LogLine {
    if (seq < 1) {
      throw new IllegalArgumentException("seq must be >= 1, was " + seq);
    }
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(message, "message");
    if (status != null && stream != StreamKind.SYSTEM) {
      throw new IllegalArgumentException("only system lines carry a status");
    }
  }

  /**
   * A line that is not a status change.
   *
   * @param seq its position in the log; at least 1
   * @param timestamp when it was produced
   * @param stream the output it came from
   * @param level its severity
   * @param message its text
   * @throws IllegalArgumentException if {@code seq} is below 1
   */
  public LogLine(long seq, Instant timestamp, StreamKind stream, LogLevel level, String message) {
    this(seq, timestamp, stream, level, message, null);
  }
}
