package io.coderunner.core.protocol.internal;

import java.time.Instant;

/**
 * Formats instants as the wire's ISO-8601 UTC text with exactly six fractional digits, such as
 * {@code 2026-11-24T10:15:30.123456Z}, truncating nanoseconds to microseconds.
 *
 * <p>Why not {@code DateTimeFormatter}: it allocates a temporal and a builder per call and prints a
 * varying number of fraction digits. This computes the fields from the epoch second with integer
 * arithmetic into a caller's {@code char[]}, and keeps the date text of the last day it formatted
 * (log lines arrive in time order, so nearly every call hits it). Years outside 0000-9999 are
 * printed the way {@code DateTimeFormatter.ISO_INSTANT} prints them.
 */
public final class Timestamps {
  /** Most characters {@link #format(Instant, char[], int)} writes. */
  public static final int MAX_LENGTH = 34;

  private static final long SECONDS_PER_DAY = 86_400;
  private static final long MIN_FAST_DAY = -719_528; // 0000-01-01
  private static final long MAX_FAST_DAY = 2_932_896; // 9999-12-31

  /** The date text of one day; immutable, so safe to publish through a plain field. */
  private static final class Day {
    final long epochDay;
    final char[] text; // "YYYY-MM-DD"

    Day(long epochDay, char[] text) {
      this.epochDay = epochDay;
      this.text = text;
    }
  }

  // Racy cache of the last day formatted: a stale or lost update only costs a recomputation.
  private static Day lastDay = new Day(0, "1970-01-01".toCharArray());

  private Timestamps() {}

  /** {@code instant} as wire text. */
  public static String format(Instant instant) {
    char[] buf = new char[MAX_LENGTH];
    int n = format(instant, buf, 0);
    return new String(buf, 0, n);
  }

  /**
   * Writes {@code instant} as wire text into {@code dst} from {@code offset}.
   *
   * @return the number of characters written, at most {@link #MAX_LENGTH}
   */
  public static int format(Instant instant, char[] dst, int offset) {
    long seconds = instant.getEpochSecond();
    long epochDay = Math.floorDiv(seconds, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    int pos = offset;
    if (epochDay >= MIN_FAST_DAY && epochDay <= MAX_FAST_DAY) {
      Day day = lastDay;
      if (day.epochDay != epochDay) {
        day = new Day(epochDay, dateText(epochDay));
        lastDay = day;
      }
      System.arraycopy(day.text, 0, dst, pos, 10);
      pos += 10;
    } else {
      pos = writeDate(epochDay, dst, pos);
    }
    dst[pos++] = 'T';
    pos = two(secondOfDay / 3600, dst, pos);
    dst[pos++] = ':';
    pos = two(secondOfDay / 60 % 60, dst, pos);
    dst[pos++] = ':';
    pos = two(secondOfDay % 60, dst, pos);
    dst[pos++] = '.';
    int micros = instant.getNano() / 1000;
    for (int i = pos + 5; i >= pos; i--) {
      dst[i] = (char) ('0' + micros % 10);
      micros /= 10;
    }
    pos += 6;
    dst[pos++] = 'Z';
    return pos - offset;
  }

  /**
   * Parses any ISO-8601 instant {@link Instant#parse} accepts. Text of the shape this class writes
   * ({@code YYYY-MM-DDTHH:MM:SS} with 0 to 9 fraction digits and {@code Z}) is parsed directly;
   * anything else (offsets, leap seconds, signed years) goes to {@link Instant#parse}.
   *
   * @throws java.time.format.DateTimeParseException if it is not such an instant
   */
  public static Instant parse(String text) {
    int n = text.length();
    if (n >= 20
        && n <= 30
        && n != 21
        && text.charAt(n - 1) == 'Z'
        && text.charAt(4) == '-'
        && text.charAt(7) == '-'
        && text.charAt(10) == 'T'
        && text.charAt(13) == ':'
        && text.charAt(16) == ':'
        && (n == 20 || text.charAt(19) == '.')) {
      int year = digits(text, 0, 4);
      int month = digits(text, 5, 2);
      int day = digits(text, 8, 2);
      int hour = digits(text, 11, 2);
      int minute = digits(text, 14, 2);
      int second = digits(text, 17, 2);
      int nanos = n == 20 ? 0 : digits(text, 20, n - 21);
      if (year >= 0
          && month >= 1
          && month <= 12
          && day >= 1
          && day <= lengthOfMonth(year, month)
          && hour >= 0
          && hour <= 23
          && minute >= 0
          && minute <= 59
          && second >= 0
          && second <= 59
          && nanos >= 0) {
        for (int i = n - 21; i < 9; i++) {
          nanos *= 10;
        }
        long seconds =
            daysFromCivil(year, month, day) * SECONDS_PER_DAY
                + hour * 3600L
                + minute * 60L
                + second;
        return Instant.ofEpochSecond(seconds, nanos);
      }
    }
    return Instant.parse(text);
  }

  /** The value of {@code count} decimal digits at {@code from}, or -1 if any is not a digit. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      int d = text.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      value = value * 10 + d;
    }
    return value;
  }

  private static int lengthOfMonth(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days from 1970-01-01 to a date (days-from-civil, proleptic Gregorian). */
  private static long daysFromCivil(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yearOfEra = y - era * 400;
    long dayOfYear = (153L * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146_097 + dayOfEra - 719_468;
  }

  /** "YYYY-MM-DD" of a day in years 0000-9999. */
  private static char[] dateText(long epochDay) {
    char[] text = new char[10];
    writeDate(epochDay, text, 0);
    return text;
  }

  /**
   * Writes a day's date as {@code ISO_INSTANT} does: four-digit years, a {@code +} before years
   * after 9999 and a {@code -} before years before 0000. Civil-from-days on the proleptic Gregorian
   * calendar, valid for every day an {@link Instant} can hold.
   */
  private static int writeDate(long epochDay, char[] dst, int start) {
    long z = epochDay + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long mp = (5 * dayOfYear + 2) / 153;
    int dayOfMonth = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
    int pos = start;
    if (year > 9999) {
      dst[pos++] = '+';
    } else if (year < 0) {
      dst[pos++] = '-';
      year = -year;
    }
    String digits = Long.toString(year);
    for (int i = digits.length(); i < 4; i++) {
      dst[pos++] = '0';
    }
    digits.getChars(0, digits.length(), dst, pos);
    pos += digits.length();
    dst[pos++] = '-';
    pos = two(month, dst, pos);
    dst[pos++] = '-';
    return two(dayOfMonth, dst, pos);
  }

  private static int two(int value, char[] dst, int pos) {
    dst[pos] = (char) ('0' + value / 10);
    dst[pos + 1] = (char) ('0' + value % 10);
    return pos + 2;
  }
}
