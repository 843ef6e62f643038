package io.coderunner.core.protocol.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.protocol.WireTime;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TimestampsTest {
  private static final Pattern WIRE =
      Pattern.compile("[+-]?\\d{4,10}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}Z");

  /** ISO_INSTANT of the instant truncated to micros, with the fraction padded to six digits. */
  private static String reference(Instant instant) {
    String iso = DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MICROS));
    int t = iso.indexOf('T');
    int dot = iso.indexOf('.', t);
    String base = dot < 0 ? iso.substring(0, iso.length() - 1) : iso.substring(0, dot);
    String fraction = dot < 0 ? "" : iso.substring(dot + 1, iso.length() - 1);
    return base + "." + (fraction + "000000").substring(0, 6) + "Z";
  }

  private static void assertFormatsLikeIsoInstant(Instant instant) {
    String wire = Timestamps.format(instant);
    assertThat(wire).as("%s", instant).isEqualTo(reference(instant)).matches(WIRE);
    assertThat(Instant.parse(wire)).isEqualTo(instant.truncatedTo(ChronoUnit.MICROS));
  }

  @Test
  void formatsTheDesignExample() {
    assertThat(Timestamps.format(Instant.parse("2026-11-24T10:15:30.123456789Z")))
        .isEqualTo("2026-11-24T10:15:30.123456Z");
    assertThat(Timestamps.format(Instant.parse("2026-11-24T10:15:30Z")))
        .isEqualTo("2026-11-24T10:15:30.000000Z");
  }

  @Test
  void matchesIsoInstantAtTheEdgesOfTheCalendar() {
    for (Instant edge :
        List.of(
            Instant.EPOCH,
            Instant.EPOCH.minusNanos(1),
            Instant.EPOCH.minusSeconds(1),
            Instant.EPOCH.plusNanos(999),
            Instant.ofEpochSecond(-1, 500_000_000),
            Instant.parse("1969-12-31T23:59:59.999999Z"),
            Instant.parse("1970-01-01T00:00:00.000001Z"),
            Instant.parse("0000-01-01T00:00:00Z"),
            Instant.parse("0000-03-01T00:00:00Z"),
            Instant.parse("0000-02-29T12:00:00Z"),
            Instant.parse("0001-01-01T00:00:00Z"),
            Instant.parse("1582-10-15T00:00:00Z"),
            Instant.parse("1900-02-28T23:59:59Z"),
            Instant.parse("1900-03-01T00:00:00Z"),
            Instant.parse("2000-02-29T00:00:00Z"),
            Instant.parse("2024-02-29T23:59:59.999999999Z"),
            Instant.parse("2100-03-01T00:00:00Z"),
            Instant.parse("9999-12-31T23:59:59.999999999Z"),
            Instant.parse("9999-01-01T00:00:00Z"),
            Instant.parse("0000-01-01T00:00:00Z").minusNanos(1),
            Instant.parse("+10000-01-01T00:00:00Z"),
            Instant.parse("-0001-12-31T23:59:59.123456Z"),
            Instant.parse("-9999-01-01T00:00:00Z"),
            Instant.MIN,
            Instant.MAX)) {
      assertFormatsLikeIsoInstant(edge);
    }
  }

  @Test
  void matchesIsoInstantForRandomInstants() {
    Random random = new Random(1970);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      long seconds =
          i % 100 == 0
              ? Instant.MIN.getEpochSecond()
                  + (long) (random.nextDouble() * (Instant.MAX.getEpochSecond() * 2.0))
              : min + (long) (random.nextDouble() * (max - min));
      assertFormatsLikeIsoInstant(Instant.ofEpochSecond(seconds, random.nextInt(1_000_000_000)));
    }
  }

  @Test
  void consecutiveDaysAndAlternatingDaysFormatCorrectlyThroughTheDayCache() {
    Instant start = Instant.parse("2026-12-31T23:59:59.999999Z");
    for (int i = 0; i < 1_000; i++) {
      assertFormatsLikeIsoInstant(start.plusSeconds(i * 3_600L));
      assertFormatsLikeIsoInstant(start.minusSeconds(i * 86_400L));
    }
  }

  @Test
  void writesIntoACallersArrayAtAnOffset() {
    char[] buffer = new char[40];
    buffer[0] = '<';
    int n = Timestamps.format(Instant.parse("2026-11-24T10:15:30.5Z"), buffer, 1);
    assertThat(n).isEqualTo(27);
    assertThat(new String(buffer, 0, n + 1)).isEqualTo("<2026-11-24T10:15:30.500000Z");
    assertThat(Timestamps.format(Instant.MAX, new char[Timestamps.MAX_LENGTH], 0))
        .isEqualTo(Timestamps.MAX_LENGTH);
    assertThat(Timestamps.format(Instant.MIN, new char[Timestamps.MAX_LENGTH], 0))
        .isEqualTo(Timestamps.MAX_LENGTH);
  }

  /** Timestamps.parse and Instant.parse agree: the same instant, or both refuse. */
  private static void assertParsesLikeInstantParse(String text) {
    Instant expected;
    try {
      expected = Instant.parse(text);
    } catch (DateTimeParseException e) {
      assertThatThrownBy(() -> Timestamps.parse(text))
          .as(text)
          .isInstanceOf(DateTimeParseException.class);
      return;
    }
    assertThat(Timestamps.parse(text)).as(text).isEqualTo(expected);
  }

  @Test
  void parsesWhatItFormatsForRandomInstants() {
    Random random = new Random(2026);
    long min = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
    for (int i = 0; i < 100_000; i++) {
      Instant instant =
          Instant.ofEpochSecond(
              min + (long) (random.nextDouble() * (max - min)), random.nextInt(1_000_000) * 1000L);
      assertThat(Timestamps.parse(Timestamps.format(instant))).isEqualTo(instant);
    }
  }

  @Test
  void parsesLikeInstantParseForEveryFractionLengthAndForInvalidText() {
    for (String text :
        List.of(
            "2026-11-24T10:15:30Z",
            "2026-11-24T10:15:30.1Z",
            "2026-11-24T10:15:30.12Z",
            "2026-11-24T10:15:30.123Z",
            "2026-11-24T10:15:30.1234Z",
            "2026-11-24T10:15:30.12345Z",
            "2026-11-24T10:15:30.123456Z",
            "2026-11-24T10:15:30.1234567Z",
            "2026-11-24T10:15:30.12345678Z",
            "2026-11-24T10:15:30.123456789Z",
            "2026-11-24T10:15:30.1234567890Z",
            "2026-11-24T10:15:30.Z",
            "2026-11-24T10:15:30.123456+01:00",
            "2026-11-24T10:15:30.123456-00:30",
            "2026-11-24T10:15:30.123456z",
            "2026-11-24t10:15:30.123456Z",
            "2026-11-24T23:59:60Z",
            "2026-11-24T24:00:00Z",
            "2026-11-24T10:60:00Z",
            "2024-02-29T00:00:00Z",
            "2023-02-29T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2000-02-29T00:00:00Z",
            "2026-04-31T00:00:00Z",
            "2026-12-31T00:00:00Z",
            "2026-13-01T00:00:00Z",
            "2026-00-01T00:00:00Z",
            "2026-01-00T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "+10000-01-01T00:00:00Z",
            "-0001-01-01T00:00:00Z",
            "2026-1-24T10:15:30Z",
            "2026-11-24 10:15:30Z",
            "2026-11-24T10:15:30",
            "2026-11-24T1a:15:30Z",
            "2026-11-24T10:15:30.12a456Z",
            "abcd-ef-ghTij:kl:mnZ",
            "yesterday",
            "")) {
      assertParsesLikeInstantParse(text);
    }
  }

  @Test
  void wireTimeFormatsAndParsesTheSameText() {
    Instant instant = Instant.parse("2026-11-24T10:15:30.123456Z");
    assertThat(WireTime.format(instant)).isEqualTo("2026-11-24T10:15:30.123456Z");
    assertThat(WireTime.parse("2026-11-24T10:15:30.123456Z")).isEqualTo(instant);
    assertThat(WireTime.parse("2026-11-24T12:15:30.123456+02:00")).isEqualTo(instant);
  }
}
