package io.coderunner.core.log;

/**
 * A case-insensitive substring, compiled once so that searching a message for it is linear in the
 * message's length whatever the needle: Knuth–Morris–Pratt over case-folded characters. A naive
 * search, which restarts at every position, costs up to needle × message comparisons: a needle of
 * 255 {@code a}s and a {@code b} against 60 KB of {@code a}s is 15 million of them, where this
 * costs at most two per character.
 *
 * <p>Two characters match when they fold to the same character: {@code
 * Character.toLowerCase(Character.toUpperCase(c))}, per UTF-16 unit, which is exactly how {@link
 * String#regionMatches(boolean, int, String, int, int)} compares ignoring case.
 *
 * <p>Immutable and thread-safe.
 */
final class TextQuery {
  private final String folded;
  private final char[] needle;

  /**
   * {@code fallback[i]}: the length of the longest proper prefix of {@code needle[0..i]} that is
   * also its suffix, where a mismatch after {@code i + 1} matched characters resumes.
   */
  private final int[] fallback;

  private TextQuery(char[] needle) {
    this.needle = needle;
    this.folded = new String(needle);
    this.fallback = new int[needle.length];
    int k = 0;
    for (int i = 1; i < needle.length; i++) {
      while (k > 0 && needle[i] != needle[k]) {
        k = fallback[k - 1];
      }
      if (needle[i] == needle[k]) {
        k++;
      }
      fallback[i] = k;
    }
  }

  /** The query for {@code text}, which must not be empty. */
  static TextQuery of(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("a text query must not be empty");
    }
    char[] chars = new char[text.length()];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = fold(text.charAt(i));
    }
    return new TextQuery(chars);
  }

  /** The needle, case-folded. */
  String folded() {
    return folded;
  }

  /** Whether {@code text} contains the needle, ignoring case. Allocates nothing. */
  boolean isFoundIn(String text) {
    char[] p = needle;
    int m = p.length;
    int n = text.length();
    if (m > n) {
      return false;
    }
    int[] back = fallback;
    char first = p[0];
    int matched = 0;
    for (int i = 0; i < n; i++) {
      char c = fold(text.charAt(i));
      if (matched == 0) {
        // Most positions do not even start a match: test the first character without the loop.
        if (c != first) {
          continue;
        }
        matched = 1;
      } else {
        while (matched > 0 && c != p[matched]) {
          matched = back[matched - 1];
        }
        if (c == p[matched]) {
          matched++;
        }
      }
      if (matched == m) {
        return true;
      }
    }
    return false;
  }

  /** The character {@code c} stands for when case is ignored. */
  static char fold(char c) {
    if (c < 0x80) {
      return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
    return Character.toLowerCase(Character.toUpperCase(c));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TextQuery that && folded.equals(that.folded);
  }

  @Override
  public int hashCode() {
    return folded.hashCode();
  }

  @Override
  public String toString() {
    return folded;
  }
}
