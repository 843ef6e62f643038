package io.coderunner.core;

import java.util.Locale;

/** Which output a line came from: the process's stdout or stderr, or CodeRunner itself. */
public enum StreamKind {
  /** The process's standard output. */
  STDOUT,
  /** The process's standard error. */
  STDERR,
  /** Lines CodeRunner writes into the log, such as status changes. */
  SYSTEM;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /**
   * The lower-case name used on the wire and in query parameters.
   *
   * @return the constant's name in lower case, such as {@code stdout}
   */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses a wire name, case-insensitively.
   *
   * @param name a wire name such as {@code stderr}
   * @return the matching kind
   * @throws IllegalArgumentException naming the accepted values
   */
  public static StreamKind fromWire(String name) {
    for (StreamKind kind : values()) {
      if (kind.wireName.equalsIgnoreCase(name)) {
        return kind;
      }
    }
    throw new IllegalArgumentException("stream must be one of stdout, stderr, system");
  }
}
