package io.coderunner.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 5);

  @Test
  void theCeilingDoublesUpToTheCap() {
    assertThat(b.ceiling(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(b.ceiling(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.ceiling(4)).isEqualTo(Duration.ofMillis(800));
    assertThat(b.ceiling(5)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.ceiling(1_000)).isEqualTo(Duration.ofSeconds(1));
    assertThat(b.ceiling(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void theDelayIsFullJitterUnderTheCeiling() {
    assertThat(b.delay(1, new FixedRandom(0.0))).isEqualTo(Duration.ZERO);
    assertThat(b.delay(1, new FixedRandom(0.5))).isEqualTo(Duration.ofMillis(50));
    assertThat(b.delay(3, new FixedRandom(0.25))).isEqualTo(Duration.ofMillis(100));
    assertThat(b.delay(9, new FixedRandom(0.999))).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void badSettingsAreRefused() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), 1))
        .hasMessageContaining("base");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), 1))
        .hasMessageContaining("cap");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 0))
        .hasMessageContaining("maxAttempts");
  }
}
