package io.coderunner.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsOverheadTest {
  @Test
  void aFiguresLineIsParsedAndOtherLinesAreNot() {
    MetricsOverhead.Run run =
        MetricsOverhead.Run.parse(
            "FIGURES metrics=on serverCpuPercent=61.25 cpuNanosPerFrame=9500.5 lost=0 duplicates=0"
                + " latencyP50Micros=310 latencyP99Micros=702 windowLines=2500000");
    assertThat(run).isEqualTo(new MetricsOverhead.Run(true, 61.25, 9500.5, 0, 0, 702));
    assertThat(run.clean()).isTrue();
    assertThat(MetricsOverhead.Run.parse("RESULT: PASS")).isNull();
    assertThat(MetricsOverhead.Run.parse("FIGURES metrics=off serverCpuPercent=-1.00 lost=3"))
        .satisfies(r -> assertThat(r.clean()).isFalse());
  }

  @Test
  void theSummaryPairsEachRoundsRuns() {
    List<MetricsOverhead.Run> runs =
        List.of(
            new MetricsOverhead.Run(false, 60, 9000, 0, 0, 700),
            new MetricsOverhead.Run(true, 61, 9100, 0, 0, 700),
            new MetricsOverhead.Run(true, 64, 9300, 0, 0, 700),
            new MetricsOverhead.Run(false, 62, 9200, 0, 0, 700));
    MetricsOverhead.Summary s = MetricsOverhead.Summary.of(runs);
    assertThat(s.rounds()).isEqualTo(2);
    assertThat(s.offMean()).isEqualTo(61);
    assertThat(s.onMean()).isEqualTo(62.5);
    assertThat(s.diffMean()).isEqualTo(1.5); // (61 - 60 + 64 - 62) / 2
    assertThat(s.diffStdev()).isCloseTo(Math.sqrt(0.5), within(1e-9));
    assertThat(s.relativePercent()).isCloseTo(100 * 1.5 / 61, within(1e-9));
    assertThat(MetricsOverhead.report(runs, "--rate 1000"))
        .contains("| 2 | on | 61.00 | 9100 ns | 0.700 ms | 0 |")
        .contains("within a round +100.0 ± 0.0 ns, +1.10 %")
        .contains("+1.50 ± 0.71 percentage points")
        .contains("Every run delivered every line exactly once.");
  }
}
