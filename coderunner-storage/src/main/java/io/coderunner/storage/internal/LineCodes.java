package io.coderunner.storage.internal;

import io.coderunner.core.LogLevel;
import io.coderunner.core.StreamKind;
import java.time.Instant;

/**
 * How a line's enums and times are stored: fixed small codes (never ordinals, so that a new enum
 * constant cannot renumber stored rows) and epoch nanoseconds, exact for any instant from 1677 to
 * 2262.
 */
final class LineCodes {
  private LineCodes() {}

  static int stream(StreamKind kind) {
    return switch (kind) {
      case STDOUT -> 1;
      case STDERR -> 2;
      case SYSTEM -> 3;
    };
  }

  static StreamKind stream(int code) {
    return switch (code) {
      case 1 -> StreamKind.STDOUT;
      case 2 -> StreamKind.STDERR;
      case 3 -> StreamKind.SYSTEM;
      default -> throw new IllegalStateException("unknown stream code " + code);
    };
  }

  static int level(LogLevel level) {
    return switch (level) {
      case TRACE -> 1;
      case DEBUG -> 2;
      case INFO -> 3;
      case WARN -> 4;
      case ERROR -> 5;
    };
  }

  static LogLevel level(int code) {
    return switch (code) {
      case 1 -> LogLevel.TRACE;
      case 2 -> LogLevel.DEBUG;
      case 3 -> LogLevel.INFO;
      case 4 -> LogLevel.WARN;
      case 5 -> LogLevel.ERROR;
      default -> throw new IllegalStateException("unknown level code " + code);
    };
  }

  static long nanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }

  static Instant ofNanos(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1_000);
  }

  static Instant ofMicros(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
  }
}
