package io.coderunner.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RangesTest {
  @Test
  void valuesWithinTheBoundsPassAndOthersAreNamed() {
    assertThat(Ranges.check("n", 1, 1, 3)).isEqualTo(1);
    assertThat(Ranges.check("n", 3L, 1, 3)).isEqualTo(3L);
    assertThatThrownBy(() -> Ranges.check("limit", 4, 1, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be between 1 and 3, was 4");
    assertThat(Ranges.check("d", Duration.ofSeconds(1), Duration.ZERO, Duration.ofSeconds(1)))
        .isEqualTo(Duration.ofSeconds(1));
    assertThatThrownBy(
            () -> Ranges.check("wait", Duration.ofMillis(-1), Duration.ZERO, Duration.ofMinutes(1)))
        .hasMessage("wait must be between PT0S and PT1M, was PT-0.001S");
    assertThatThrownBy(() -> Ranges.check("wait", null, Duration.ZERO, Duration.ofMinutes(1)))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("wait");
  }
}
