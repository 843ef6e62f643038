package io.coderunner.core.log;

import org.jspecify.annotations.Nullable;

/**
 * A case-insensitive substring, compiled once so that searching a message for it is linear in the
 * message's length whatever the needle: Knuth–Morris–Pratt over case-folded characters. A naive
 * search, which restarts at every position, costs up to needle × message comparisons: a needle of
 * 255 {@code a}s and a {@code b} against 60 KB of {@code a}s is 15 million of them, where this
 * costs a few per character.
 *
 * <p>Two characters match when they fold to the same character: {@code
 * Character.toLowerCase(Character.toUpperCase(c))}, per UTF-16 unit, which is exactly how {@link
 * String#regionMatches(boolean, int, String, int, int)} compares ignoring case.
 *
 * <p>Two shortcuts keep the common case fast without giving up linearity, both for needles whose
 * first and last characters are ASCII: a message that holds no character folding to the needle's
 * last one cannot match (found with {@link String#indexOf(int, int)}, which the JVM vectorises);
 * and while no match is under way the search jumps to the next character that folds to the needle's
 * first one, the same way. Each {@code indexOf} starts where the previous one for the same
 * character stopped, so no character is looked at more than a few times.
 *
 * <p>Immutable and thread-safe.
 */
final class TextQuery {
  /**
   * For each ASCII character, every UTF-16 unit that folds to it ({@code k}: k, K, Kelvin sign).
   */
  private static final char[][] FOLDS_TO = foldClasses();

  private final String folded;
  private final char[] needle;

  /**
   * {@code fallback[i]}: the length of the longest proper prefix of {@code needle[0..i]} that is
   * also its suffix, where a mismatch after {@code i + 1} matched characters resumes.
   */
  private final int[] fallback;

  /** The units that fold to the needle's first character, or null when it is not ASCII. */
  private final char @Nullable [] starts;

  /** The units that fold to the needle's last character, or null when it is not ASCII. */
  private final char @Nullable [] ends;

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
    char first = needle[0];
    char last = needle[needle.length - 1];
    // The jump follows at most four units at once (the most an ASCII character has: i, I, İ, ı).
    this.starts = first < 0x80 && FOLDS_TO[first].length <= 4 ? FOLDS_TO[first] : null;
    this.ends = last < 0x80 ? FOLDS_TO[last] : null;
  }

  private static char[][] foldClasses() {
    // Not through fold(): 65,536 calls, almost all outside ASCII, would teach the JIT that its
    // slow branch is the common one and slow down every search.
    int[] counts = new int[0x80];
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      char f = Character.toLowerCase(Character.toUpperCase((char) c));
      if (f < 0x80) {
        counts[f]++;
      }
    }
    char[][] classes = new char[0x80][];
    for (int f = 0; f < 0x80; f++) {
      classes[f] = new char[counts[f]];
      counts[f] = 0;
    }
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      char f = Character.toLowerCase(Character.toUpperCase((char) c));
      if (f < 0x80) {
        classes[f][counts[f]++] = (char) c;
      }
    }
    return classes;
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
    int n = text.length();
    if (needle.length > n) {
      return false;
    }
    char[] e = ends;
    if (e != null && !containsAny(text, e)) {
      return false;
    }
    char[] s = starts;
    if (s == null) {
      return run(text, 0) < 0;
    }
    // Next position of each unit that starts a match, at or after the search; n when none is left.
    int p0 = -1;
    int p1 = -1;
    int p2 = -1;
    int p3 = -1;
    int at = 0;
    while (at < n) {
      int candidate = n;
      p0 = next(text, s, 0, p0, at);
      candidate = Math.min(candidate, p0);
      if (s.length > 1) {
        p1 = next(text, s, 1, p1, at);
        candidate = Math.min(candidate, p1);
      }
      if (s.length > 2) {
        p2 = next(text, s, 2, p2, at);
        candidate = Math.min(candidate, p2);
      }
      if (s.length > 3) {
        p3 = next(text, s, 3, p3, at);
        candidate = Math.min(candidate, p3);
      }
      if (candidate >= n) {
        return false;
      }
      at = run(text, candidate);
      if (at < 0) {
        return true;
      }
    }
    return false;
  }

  /** Where unit {@code s[i]} next occurs at or after {@code at}, reusing {@code known}. */
  private static int next(String text, char[] s, int i, int known, int at) {
    if (known >= at) {
      return known;
    }
    int found = text.indexOf(s[i], at);
    return found < 0 ? text.length() : found;
  }

  private static boolean containsAny(String text, char[] units) {
    for (char u : units) {
      if (text.indexOf(u) >= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Knuth–Morris–Pratt from {@code from}, with nothing matched yet, until the needle is found
   * (returns -1) or nothing is matched any more: returns where a new match may start.
   */
  private int run(String text, int from) {
    char[] p = needle;
    int[] back = fallback;
    int m = p.length;
    int n = text.length();
    int matched = 0;
    for (int i = from; i < n; i++) {
      char c = fold(text.charAt(i));
      while (matched > 0 && c != p[matched]) {
        matched = back[matched - 1];
      }
      if (c == p[matched]) {
        if (++matched == m) {
          return -1;
        }
      } else if (starts != null) {
        return i + 1; // back at the start: jump to the next possible first character
      }
    }
    return n;
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
