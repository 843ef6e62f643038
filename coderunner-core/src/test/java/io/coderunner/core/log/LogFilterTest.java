package io.coderunner.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.StreamKind;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogFilterTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:00:00Z");

  private static LogLine line(StreamKind stream, LogLevel level, String message, Instant ts) {
    return new LogLine(1, ts, stream, level, message);
  }

  private static LogLine line(LogLevel level, String message) {
    return line(StreamKind.STDOUT, level, message, T0);
  }

  @Test
  void theEmptyFilterPassesEverything() {
    assertThat(LogFilter.all().isAll()).isTrue();
    assertThat(LogFilter.builder().build()).isSameAs(LogFilter.all());
    assertThat(LogFilter.builder().levels(List.of()).streams(List.of()).query("").build().isAll())
        .isTrue();
    assertThat(LogFilter.all().test(line(LogLevel.TRACE, ""))).isTrue();
    assertThat(LogFilter.all()).hasToString("LogFilter{all}");
  }

  @Test
  void levelsAndStreamsRestrict() {
    LogFilter f =
        LogFilter.builder()
            .levels(LogLevel.WARN, LogLevel.ERROR)
            .streams(StreamKind.STDERR)
            .build();
    assertThat(f.test(line(StreamKind.STDERR, LogLevel.ERROR, "x", T0))).isTrue();
    assertThat(f.test(line(StreamKind.STDOUT, LogLevel.ERROR, "x", T0))).isFalse();
    assertThat(f.test(line(StreamKind.STDERR, LogLevel.INFO, "x", T0))).isFalse();
    assertThat(f.isAll()).isFalse();
  }

  @Test
  void minLevelPassesThatLevelAndMoreSevere() {
    LogFilter f = LogFilter.builder().minLevel(LogLevel.WARN).build();
    assertThat(f.levels()).containsExactlyInAnyOrder(LogLevel.WARN, LogLevel.ERROR);
  }

  @Test
  void queryIsACaseInsensitiveSubstring() {
    LogFilter f = LogFilter.builder().query("TimeOut").build();
    assertThat(f.test(line(LogLevel.INFO, "request timeout after 5s"))).isTrue();
    assertThat(f.test(line(LogLevel.INFO, "REQUEST TIMEOUT"))).isTrue();
    assertThat(f.test(line(LogLevel.INFO, "time out"))).isFalse();
    assertThat(f.test(line(LogLevel.INFO, "tim"))).isFalse();
    assertThat(f.queries()).containsExactly("timeout");
    assertThatThrownBy(() -> LogFilter.builder().query("x".repeat(257)))
        .hasMessageContaining("256");
  }

  @Test
  void sincePassesLinesAtOrAfterIt() {
    LogFilter f = LogFilter.builder().since(T0).build();
    assertThat(f.test(line(StreamKind.STDOUT, LogLevel.INFO, "x", T0))).isTrue();
    assertThat(f.test(line(StreamKind.STDOUT, LogLevel.INFO, "x", T0.minusNanos(1)))).isFalse();
    assertThat(f.since()).isEqualTo(T0);
  }

  @Test
  void filtersComposeByIntersection() {
    LogFilter a =
        LogFilter.builder().levels(LogLevel.INFO, LogLevel.ERROR).query("db").since(T0).build();
    LogFilter b =
        LogFilter.builder()
            .levels(LogLevel.ERROR, LogLevel.WARN)
            .streams(StreamKind.STDERR)
            .query("conn")
            .since(T0.plusSeconds(5))
            .build();
    LogFilter both = a.and(b);
    assertThat(both.levels()).containsExactly(LogLevel.ERROR);
    assertThat(both.streams()).containsExactly(StreamKind.STDERR);
    assertThat(both.queries()).containsExactly("db", "conn");
    assertThat(both.since()).isEqualTo(T0.plusSeconds(5));
    assertThat(
            both.test(line(StreamKind.STDERR, LogLevel.ERROR, "DB conn lost", T0.plusSeconds(9))))
        .isTrue();
    assertThat(both.test(line(StreamKind.STDERR, LogLevel.ERROR, "db ok", T0.plusSeconds(9))))
        .isFalse();
    assertThat(a.and(LogFilter.all())).isSameAs(a);
    assertThat(LogFilter.all().and(b)).isSameAs(b);
    assertThat(b.and(a).since()).isEqualTo(T0.plusSeconds(5));
  }

  @Test
  void disjointLevelsMatchNothing() {
    LogFilter none =
        LogFilter.builder()
            .levels(LogLevel.INFO)
            .build()
            .and(LogFilter.builder().levels(LogLevel.ERROR).build());
    assertThat(none.levels()).isEmpty();
    assertThat(none.test(line(LogLevel.INFO, "x"))).isFalse();
    assertThat(none.isAll()).isFalse();
  }

  @Test
  void equalFiltersAreEqual() {
    LogFilter a = LogFilter.builder().streams(List.of(StreamKind.STDOUT)).query("x").build();
    LogFilter b = LogFilter.builder().streams(StreamKind.STDOUT).query("X").build();
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.toString()).contains("STDOUT");
    assertThat(LogFilter.builder().levels(List.of(LogLevel.INFO)).build().levels())
        .containsExactly(LogLevel.INFO);
  }
}
