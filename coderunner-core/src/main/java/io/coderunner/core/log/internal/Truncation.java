package io.coderunner.core.log.internal;

import io.coderunner.core.internal.Utf8;

/** Cuts over-long messages to a byte budget, leaving a visible marker. */
public final class Truncation {
  private Truncation() {}

  /**
   * Returns {@code message} unchanged when its UTF-8 form fits in {@code maxBytes}; otherwise its
   * longest prefix that fits together with a marker saying how many bytes were cut. Never splits a
   * surrogate pair.
   */
  public static String truncate(String message, int maxBytes) {
    int length = message.length();
    if ((long) length * 3 <= maxBytes) {
      return message; // even all three-byte characters would fit
    }
    long total = Utf8.length(message, length);
    if (total <= maxBytes) {
      return message;
    }
    // The marker's digits depend on how much is cut; reserve room for the widest count.
    int reserve = marker(total).length();
    int budget = maxBytes - reserve;
    int bytes = 0;
    int end = 0;
    while (end < length) {
      char c = message.charAt(end);
      int width;
      int chars = 1;
      if (c < 0x80) {
        width = 1;
      } else if (c < 0x800) {
        width = 2;
      } else if (Character.isHighSurrogate(c)
          && end + 1 < length
          && Character.isLowSurrogate(message.charAt(end + 1))) {
        width = 4;
        chars = 2;
      } else {
        width = 3;
      }
      if (bytes + width > budget) {
        break;
      }
      bytes += width;
      end += chars;
    }
    return message.substring(0, end) + marker(total - bytes);
  }

  /** The marker appended to a truncated message; ASCII only, so its length is its byte count. */
  static String marker(long cutBytes) {
    return " [...truncated " + cutBytes + " bytes]";
  }
}
