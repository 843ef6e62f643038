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
}
