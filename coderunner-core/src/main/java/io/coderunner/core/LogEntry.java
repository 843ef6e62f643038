package io.coderunner.core;

import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A line to append: everything a {@link LogLine} has except its {@code seq}, which only the log
 * assigns.
 *
 * @param timestamp when the line was produced; {@code null} lets the log stamp it with its clock
 * @param stream the output it came from
 * @param level its severity
 * @param message its text, without a trailing newline; may be empty
 */
public record LogEntry(
    @Nullable Instant timestamp, StreamKind stream, LogLevel level, String message) {

  /**
   * Validates the components.
   *
   * @param timestamp when the line was produced, or {@code null} to let the log stamp it
   * @param stream the output it came from
   * @param level its severity
   * @param message its text, without a trailing newline; may be empty
   * @throws NullPointerException if {@code stream}, {@code level} or {@code message} is null
   */
  public LogEntry {
    Objects.requireNonNull(stream, "stream");
    Objects.requireNonNull(level, "level");
    Objects.requireNonNull(message, "message");
  }

  /**
   * An {@code info} line on stdout, stamped by the log.
   *
   * @param message the line's text, without a trailing newline
   * @return an entry with no timestamp
   */
  public static LogEntry stdout(String message) {
    return new LogEntry(null, StreamKind.STDOUT, LogLevel.INFO, message);
  }

  /**
   * An {@code error} line on stderr, stamped by the log.
   *
   * @param message the line's text, without a trailing newline
   * @return an entry with no timestamp
   */
  public static LogEntry stderr(String message) {
    return new LogEntry(null, StreamKind.STDERR, LogLevel.ERROR, message);
  }

  /**
   * An entry with the same fields and another timestamp.
   *
   * @param timestamp the new timestamp
   * @return a new entry; this one is unchanged
   */
  public LogEntry withTimestamp(Instant timestamp) {
    return new LogEntry(timestamp, stream, level, message);
  }
}
