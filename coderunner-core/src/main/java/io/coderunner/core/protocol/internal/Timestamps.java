package io.coderunner.core.protocol.internal;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Formats instants as the wire's ISO-8601 UTC text with exactly six fractional digits, such as
 * {@code 2026-11-24T10:15:30.123456Z}, truncating nanoseconds to microseconds.
 *
 * <p>Why not {@code DateTimeFormatter}: it allocates a temporal and a builder per call and prints a
 * varying number of fraction digits. This computes the fields from the epoch second with integer
 * arithmetic into a caller's {@code char[]}, and keeps the date text of the last day it formatted
 * (log lines arrive in time order, so nearly every call hits it). Years outside 0000-9999 take a
 * slower path that prints them the way {@code DateTimeFormatter.ISO_INSTANT} does.
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
      String date =
          LocalDateTime.ofEpochSecond(seconds, 0, ZoneOffset.UTC).toLocalDate().toString();
      date.getChars(0, date.length(), dst, pos);
      pos += date.length();
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

  /** "YYYY-MM-DD" of a day in years 0000-9999 (civil-from-days, proleptic Gregorian). */
  private static char[] dateText(long epochDay) {
    long z = epochDay + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long dayOfEra = z - era * 146_097;
    long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
    long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    long mp = (5 * dayOfYear + 2) / 153;
    int dayOfMonth = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    int year = (int) (yearOfEra + era * 400 + (month <= 2 ? 1 : 0));
    char[] text = new char[10];
    text[0] = (char) ('0' + year / 1000);
    text[1] = (char) ('0' + year / 100 % 10);
    text[2] = (char) ('0' + year / 10 % 10);
    text[3] = (char) ('0' + year % 10);
    text[4] = '-';
    two(month, text, 5);
    text[7] = '-';
    two(dayOfMonth, text, 8);
    return text;
  }

  private static int two(int value, char[] dst, int pos) {
    dst[pos] = (char) ('0' + value / 10);
    dst[pos + 1] = (char) ('0' + value % 10);
    return pos + 2;
  }
}
