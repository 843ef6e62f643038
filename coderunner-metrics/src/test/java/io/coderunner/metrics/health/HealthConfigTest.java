package io.coderunner.metrics.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HealthConfigTest {
  @Test
  void defaultsAreDocumented() {
    HealthConfig c = HealthConfig.defaults();
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.failureRateThreshold()).isEqualTo(50f);
    assertThat(c.slidingWindowSize()).isEqualTo(5);
    assertThat(c.waitInOpenState()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.cache()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void toBuilderKeepsEverySettingAndEqualsComparesThem() {
    HealthConfig c =
        HealthConfig.builder()
            .timeout(Duration.ofMillis(500))
            .failureRateThreshold(100)
            .slidingWindowSize(10)
            .waitInOpenState(Duration.ofSeconds(5))
            .cache(Duration.ZERO)
            .build();
    assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
    assertThat(c).isNotEqualTo(HealthConfig.defaults()).isNotEqualTo("x");
    assertThat(c.toString()).contains("timeout=PT0.5S", "slidingWindowSize=10");
  }

  @Test
  void badValuesAreRejectedByName() {
    HealthConfig.Builder b = HealthConfig.builder();
    assertThatThrownBy(() -> b.timeout(Duration.ZERO)).hasMessageContaining("timeout");
    assertThatThrownBy(() -> b.timeout(Duration.ofMinutes(2))).hasMessageContaining("timeout");
    assertThatThrownBy(() -> b.failureRateThreshold(0))
        .hasMessageContaining("failureRateThreshold");
    assertThatThrownBy(() -> b.failureRateThreshold(101))
        .hasMessageContaining("failureRateThreshold");
    assertThatThrownBy(() -> b.slidingWindowSize(0)).hasMessageContaining("slidingWindowSize");
    assertThatThrownBy(() -> b.slidingWindowSize(1001)).hasMessageContaining("slidingWindowSize");
    assertThatThrownBy(() -> b.waitInOpenState(Duration.ZERO))
        .hasMessageContaining("waitInOpenState");
    assertThatThrownBy(() -> b.cache(Duration.ofMillis(-1))).hasMessageContaining("cache");
  }
}
