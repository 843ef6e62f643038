package io.coderunner.core.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FollowConfigTest {
  @Test
  void defaultsAreTheDocumentedOnes() {
    FollowConfig d = FollowConfig.defaults();
    assertThat(d.maxBatchLines()).isEqualTo(1000);
    assertThat(d.maxBatchBytes()).isEqualTo(256 << 10);
    assertThat(d.maxScanLinesPerTurn()).isEqualTo(1000);
    assertThat(d.maxScanBytesPerTurn()).isEqualTo(64 << 10);
    assertThat(d.maxLagBytes()).isEqualTo(16L << 20);
    assertThat(d.maxLagTime()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.lagBytesGrace()).isEqualTo(Duration.ofSeconds(1));
    assertThat(FollowConfig.builder().build()).isEqualTo(d).hasSameHashCodeAs(d);
  }

  @Test
  void everySetterRejectsAValueOutOfRangeByName() {
    FollowConfig.Builder b = FollowConfig.builder();
    assertThatThrownBy(() -> b.maxBatchLines(0)).hasMessageContaining("maxBatchLines");
    assertThatThrownBy(() -> b.maxBatchBytes(10)).hasMessageContaining("maxBatchBytes");
    assertThatThrownBy(() -> b.maxScanLinesPerTurn(0)).hasMessageContaining("maxScanLinesPerTurn");
    assertThatThrownBy(() -> b.maxScanBytesPerTurn(1L << 31))
        .hasMessageContaining("maxScanBytesPerTurn");
    assertThatThrownBy(() -> b.maxLagBytes(1)).hasMessageContaining("maxLagBytes");
    assertThatThrownBy(() -> b.maxLagTime(Duration.ofDays(1))).hasMessageContaining("maxLagTime");
    assertThatThrownBy(() -> b.lagBytesGrace(Duration.ofSeconds(-1)))
        .hasMessageContaining("lagBytesGrace");
    assertThatThrownBy(() -> b.maxLagTime(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("maxLagTime");
  }

  @Test
  void toBuilderKeepsEverySetting() {
    FollowConfig c =
        FollowConfig.builder()
            .maxBatchLines(7)
            .maxBatchBytes(8192)
            .maxScanLinesPerTurn(70)
            .maxScanBytesPerTurn(8192)
            .maxLagBytes(1 << 20)
            .maxLagTime(Duration.ofSeconds(2))
            .lagBytesGrace(Duration.ZERO)
            .build();
    FollowConfig copy = c.toBuilder().build();
    assertThat(copy).isEqualTo(c).hasToString(c.toString());
    assertThat(copy).isNotEqualTo(FollowConfig.defaults());
    assertThat(c.toString()).contains("maxScanLinesPerTurn=70", "lagBytesGrace=PT0S");
  }
}
