package io.coderunner.core.deploy.internal;

import io.coderunner.core.LogLevel;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Finds the severity a program printed at the start of a line.
 *
 * <p>From the start of the line it skips ANSI escape sequences, white space, timestamps (tokens of
 * digits and {@code - : . , / + T Z}, such as {@code 2026-11-24 10:15:30.123}), separators ({@code
 * - | : ; > * #}) and bracketed groups ({@code [main]}, {@code (worker-1)}, {@code <12>}) that do
 * not themselves name a level. The first word it then meets decides: a level name (see {@link
 * #level(String)}) that ends at a non-letter, or {@code level=}, {@code lvl=} or {@code severity=}
 * followed by one. Other {@code key=value} fields before it (logfmt's {@code time=...}) are
 * skipped. Anything else, or nothing within the first {@value #SCAN_CHARS} characters, means no
 * level.
 */
public final class LevelParser {
  /** How far into a line the parser looks. */
  static final int SCAN_CHARS = 256;

  private static final int MAX_TOKENS = 12;
  private static final char ESC = 0x1b;

  private LevelParser() {}

  /** The level {@code line} starts with, or {@code null} if it names none. */
  public static @Nullable LogLevel parse(String line) {
    int n = Math.min(line.length(), SCAN_CHARS);
    int i = 0;
    for (int token = 0; token < MAX_TOKENS; token++) {
      i = skipNoise(line, i, n);
      if (i >= n) {
        return null;
      }
      char c = line.charAt(i);
      char close = closing(c);
      if (close != 0) {
        int end = line.indexOf(close, i + 1);
        if (end < 0 || end >= n) {
          return null;
        }
        LogLevel inside = bracketed(line, i + 1, end);
        if (inside != null) {
          return inside;
        }
        i = end + 1;
      } else if (c >= '0' && c <= '9') {
        while (i < n && isTimestampChar(line.charAt(i))) {
          i++;
        }
      } else if (isLetter(c)) {
        int end = wordEnd(line, i, n);
        if (end < n && line.charAt(end) == '=' && !isLevelKey(line.substring(i, end))) {
          i = end + 1; // another logfmt field, such as time=... or caller=...
          while (i < n && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
            i++;
          }
          continue;
        }
        return word(line, i, n);
      } else if ("-|:;>*#".indexOf(c) >= 0) {
        i++;
      } else {
        return null;
      }
    }
    return null;
  }

  /**
   * The level a word names, case-insensitively: {@code error}, {@code err}, {@code fatal}, {@code
   * severe} → error; {@code warn}, {@code warning} → warn; {@code info}, {@code debug}, {@code
   * trace}.
   */
  static @Nullable LogLevel level(String word) {
    return switch (word.toLowerCase(Locale.ROOT)) {
      case "error", "err", "fatal", "severe" -> LogLevel.ERROR;
      case "warn", "warning" -> LogLevel.WARN;
      case "info" -> LogLevel.INFO;
      case "debug" -> LogLevel.DEBUG;
      case "trace" -> LogLevel.TRACE;
      default -> null;
    };
  }

  /** The word at {@code start}: a level, or a {@code level=} key followed by one. */
  private static @Nullable LogLevel word(String line, int start, int n) {
    int end = wordEnd(line, start, n);
    if (end < n && isWordChar(line.charAt(end))) {
      return null; // part of a longer identifier, such as ERROR_COUNT or info2
    }
    String word = line.substring(start, end);
    LogLevel level = level(word);
    if (level != null) {
      return level;
    }
    if (!isLevelKey(word) || end >= n || (line.charAt(end) != '=' && line.charAt(end) != ':')) {
      return null;
    }
    int i = end + 1;
    while (i < n && (line.charAt(i) == '"' || line.charAt(i) == '\'' || line.charAt(i) == ' ')) {
      i++;
    }
    int valueEnd = i;
    while (valueEnd < n && isLetter(line.charAt(valueEnd))) {
      valueEnd++;
    }
    return valueEnd == i ? null : level(line.substring(i, valueEnd));
  }

  /** The level a bracketed group names exactly (ANSI escapes and white space aside), or null. */
  private static @Nullable LogLevel bracketed(String line, int start, int end) {
    StringBuilder text = new StringBuilder();
    int i = start;
    while (i < end) {
      int next = skipNoise(line, i, end);
      if (next > i) {
        i = next;
        continue;
      }
      char c = line.charAt(i);
      if (!isLetter(c)) {
        return null;
      }
      text.append(c);
      i++;
    }
    return text.length() == 0 ? null : level(text.toString());
  }

  private static boolean isLevelKey(String word) {
    String key = word.toLowerCase(Locale.ROOT);
    return key.equals("level") || key.equals("lvl") || key.equals("severity");
  }

  private static int wordEnd(String line, int start, int n) {
    int end = start;
    while (end < n && isLetter(line.charAt(end))) {
      end++;
    }
    return end;
  }

  /** Skips white space and ANSI escape sequences. */
  private static int skipNoise(String line, int i, int n) {
    while (i < n) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t') {
        i++;
      } else if (c == ESC) {
        i = skipEscape(line, i, n);
      } else {
        return i;
      }
    }
    return i;
  }

  /** Skips one escape: CSI ({@code ESC [ params final}), a character set choice or another. */
  private static int skipEscape(String line, int i, int n) {
    if (i + 1 < n && line.charAt(i + 1) == '[') {
      int j = i + 2;
      while (j < n && line.charAt(j) >= 0x20 && line.charAt(j) <= 0x3f) {
        j++;
      }
      return Math.min(j + 1, n); // the final byte
    }
    boolean charset = i + 1 < n && (line.charAt(i + 1) == '(' || line.charAt(i + 1) == ')');
    return Math.min(i + (charset ? 3 : 2), n); // ESC ( B selects a character set
  }

  private static char closing(char open) {
    return switch (open) {
      case '[' -> ']';
      case '(' -> ')';
      case '<' -> '>';
      default -> 0;
    };
  }

  private static boolean isTimestampChar(char c) {
    return (c >= '0' && c <= '9') || "-:.,/+TZ".indexOf(c) >= 0;
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isWordChar(char c) {
    return isLetter(c) || (c >= '0' && c <= '9') || c == '_';
  }
}
