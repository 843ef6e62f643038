package io.coderunner.core;

import java.util.Locale;

/** Severity of a log line, from least to most severe. */
public enum LogLevel {
  /** Finest detail; the least severe. */
  TRACE,
  /** Diagnostic detail. */
  DEBUG,
  /** Normal operation; the level of plain stdout lines. */
  INFO,
  /** Something unexpected that did not stop the work. */
  WARN,
  /** A failure; the level of plain stderr lines, and the most severe. */
  ERROR;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /**
   * The lower-case name used on the wire and in query parameters.
   *
   * @return the constant's name in lower case, such as {@code warn}
   */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses a wire name, case-insensitively; {@code warning} is accepted for {@link #WARN}.
   *
   * @param name a wire name such as {@code info}
   * @return the matching level
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
