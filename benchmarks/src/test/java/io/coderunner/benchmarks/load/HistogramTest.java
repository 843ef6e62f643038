package io.coderunner.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class HistogramTest {
  @Test
  void smallValuesAreExact() {
    Histogram h = new Histogram();
    for (int v = 0; v < 128; v++) {
      h.record(v);
    }
    assertThat(h.count()).isEqualTo(128);
    assertThat(h.quantile(0.5)).isEqualTo(63);
    assertThat(h.quantile(1.0)).isEqualTo(127);
    assertThat(h.max()).isEqualTo(127);
  }

  @Test
  void everyValueFallsInABucketWhoseTopIsWithinOneSixtyFourthAbove() {
    Random random = new Random(42);
    for (int i = 0; i < 100_000; i++) {
      long v = random.nextLong() >>> (1 + random.nextInt(63));
      int index = Histogram.index(v);
      long top = Histogram.highestIn(index);
      assertThat(top).isGreaterThanOrEqualTo(v);
      assertThat((double) (top - v)).isLessThanOrEqualTo(v / 64.0 + 1);
      assertThat(Histogram.index(top)).isEqualTo(index);
    }
    assertThat(Histogram.index(Long.MAX_VALUE)).isEqualTo(Histogram.index(Long.MAX_VALUE - 1));
  }

  @Test
  void quantilesOfAUniformRangeAreWithinBucketPrecision() {
    Histogram a = new Histogram();
    Histogram b = new Histogram();
    for (int v = 1; v <= 10_000; v++) {
      (v % 2 == 0 ? a : b).record(v);
    }
    a.add(b);
    assertThat(a.count()).isEqualTo(10_000);
    assertThat(a.quantile(0.5)).isBetween(5_000L, 5_000L + 5_000 / 64 + 1);
    assertThat(a.quantile(0.99)).isBetween(9_900L, 9_900L + 9_900 / 64 + 1);
    assertThat(a.quantile(0.999)).isBetween(9_990L, 10_000L);
    assertThat(a.quantile(1.0)).isEqualTo(10_000);
    assertThat(a.mean()).isEqualTo(5_000.5);
  }

  @Test
  void emptyAndNegative() {
    Histogram h = new Histogram();
    assertThat(h.quantile(0.99)).isZero();
    h.record(-5);
    assertThat(h.max()).isZero();
    assertThat(h.quantile(0.5)).isZero();
  }

  @Test
  void aRatioAgainstOrOfNothingMeasuredIsNotANumberButSaysSo() {
    Histogram alone = new Histogram();
    Histogram attack = new Histogram();
    for (int v = 1; v <= 100; v++) {
      alone.record(100);
    }
    assertThat(attack.p99Ratio(alone)).isEqualTo("n/a (nothing measured)");
    assertThat(alone.p99Ratio(attack)).isEqualTo("n/a (nothing measured)");
    attack.record(50);
    assertThat(attack.p99Ratio(alone)).isEqualTo("0.50");
  }
}
