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
    if ((long) message.length() * 3 <= maxBytes) {
      return message; // even all three-byte characters would fit
    }
    return Utf8.fit(message, 0, maxBytes);
  }
}
