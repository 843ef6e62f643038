package io.coderunner.core.protocol;

import io.coderunner.core.protocol.internal.Timestamps;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Time as it appears on the wire, in frames and in REST bodies alike: ISO-8601 UTC with exactly six
 * fractional digits, such as {@code 2026-11-24T10:15:30.123456Z}.
 */
public final class WireTime {
  private WireTime() {}

  /**
   * {@code instant} as wire text, truncated to microseconds. Does not allocate a formatter.
   *
   * <p>Years after 9999 get a leading {@code +} and years before 0000 a leading {@code -}, as
   * {@link java.time.format.DateTimeFormatter#ISO_INSTANT} prints them.
   *
   * @param instant the time to format
   * @return the wire text, such as {@code 2026-11-24T10:15:30.123456Z}
   */
  public static String format(Instant instant) {
    return Timestamps.format(instant);
  }

  /**
   * Parses any ISO-8601 instant that {@link Instant#parse} accepts: UTC ({@code Z}) or with an
   * offset such as {@code +02:00}, with any number of fractional digits up to nine.
   *
   * @param text the ISO-8601 text
   * @return the instant, at full precision
   * @throws DateTimeParseException if {@code text} is not such an instant
   */
  public static Instant parse(String text) {
    return Timestamps.parse(text);
  }
}
