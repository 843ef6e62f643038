package io.coderunner.core;

import java.util.Locale;

/** Severity of a log line, from least to most severe. */
public enum LogLevel {
  TRACE,
  DEBUG,
  INFO,
  WARN,
  ERROR;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The lower-case name used on the wire and in query parameters. */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses a wire name, case-insensitively; {@code warning} is accepted for {@link #WARN}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static LogLevel fromWire(String name) {
    for (LogLevel level : values()) {
      if (level.wireName.equalsIgnoreCase(name)) {
        return level;
      }
    }
    if ("warning".equalsIgnoreCase(name)) {
      return WARN;
    }
    throw new IllegalArgumentException("level must be one of trace, debug, info, warn, error");
  }
}
