package io.coderunner.core.internal;

/** UTF-8 sizes of Java strings, counted without encoding them. */
public final class Utf8 {
  private Utf8() {}

  /** Bytes of the UTF-8 form of {@code s}; a lone surrogate counts as three bytes. */
  public static long length(String s) {
    return length(s, s.length());
  }

  /** Bytes of the UTF-8 form of the first {@code chars} chars of {@code s}. */
  public static long length(String s, int chars) {
    long bytes = 0;
    for (int i = 0; i < chars; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < chars
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  /**
   * {@code text} if nothing was cut before it ({@code cutBefore == 0}) and its UTF-8 form fits in
   * {@code maxBytes}; otherwise its longest prefix that fits together with {@link
   * #truncationMarker} naming every byte cut ({@code cutBefore} plus what this cut). Never splits a
   * surrogate pair.
   */
  public static String fit(String text, long cutBefore, int maxBytes) {
    long bytes = length(text);
    if (cutBefore == 0 && bytes <= maxBytes) {
      return text;
    }
    long total = bytes + cutBefore;
    // The marker's digits depend on how much is cut; reserve room for the widest count.
    int budget = maxBytes - truncationMarker(total).length();
    int end = 0;
    long kept = 0;
    while (end < text.length()) {
      char c = text.charAt(end);
      boolean pair =
          Character.isHighSurrogate(c)
              && end + 1 < text.length()
              && Character.isLowSurrogate(text.charAt(end + 1));
      int width = c < 0x80 ? 1 : c < 0x800 ? 2 : pair ? 4 : 3;
      if (kept + width > budget) {
        break;
      }
      kept += width;
      end += pair ? 2 : 1;
    }
    return text.substring(0, end) + truncationMarker(total - kept);
  }

  /** The marker after truncated text; ASCII, so its length is its size in bytes. */
  public static String truncationMarker(long cutBytes) {
    return " [...truncated " + cutBytes + " bytes]";
  }
}
