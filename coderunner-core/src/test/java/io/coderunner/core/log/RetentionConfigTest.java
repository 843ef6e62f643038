package io.coderunner.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetentionConfigTest {
  @Test
  void defaultsAreDocumented() {
    RetentionConfig d = RetentionConfig.defaults();
    assertThat(d.maxLines()).isEqualTo(100_000);
    assertThat(d.maxBytes()).isEqualTo(64L << 20);
    assertThat(d.maxAge()).isEqualTo(Duration.ofHours(24));
    assertThat(d.globalMaxBytes()).isEqualTo(512L << 20);
    assertThat(d.maxLineBytes()).isEqualTo(64 << 10);
  }

  @Test
  void eachSetterRejectsABadValueByName() {
    RetentionConfig.Builder b = RetentionConfig.builder();
    assertThatThrownBy(() -> b.maxLines(0)).hasMessageContaining("maxLines");
    assertThatThrownBy(() -> b.maxLines(2_000_000_000L)).hasMessageContaining("maxLines");
    assertThatThrownBy(() -> b.maxBytes(10)).hasMessageContaining("maxBytes");
    assertThatThrownBy(() -> b.maxAge(Duration.ofMillis(5))).hasMessageContaining("maxAge");
    assertThatThrownBy(() -> b.globalMaxBytes(1)).hasMessageContaining("globalMaxBytes");
    assertThatThrownBy(() -> b.maxLineBytes(10)).hasMessageContaining("maxLineBytes");
    assertThatThrownBy(() -> b.maxLineBytes(2 << 20)).hasMessageContaining("maxLineBytes");
  }

  @Test
  void buildRefusesLimitsThatCannotHoldOneLine() {
    assertThatThrownBy(() -> RetentionConfig.builder().maxBytes(2048).build())
        .hasMessageContaining("maxBytes");
    assertThatThrownBy(
            () -> RetentionConfig.builder().maxBytes(1 << 20).globalMaxBytes(2048).build())
        .hasMessageContaining("globalMaxBytes");
  }

  @Test
  void toBuilderDerivesAnEqualConfig() {
    RetentionConfig c = RetentionConfig.builder().maxLines(7).maxAge(Duration.ofMinutes(3)).build();
    assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
    assertThat(c.toBuilder().maxLines(8).build()).isNotEqualTo(c);
    assertThat(c.toString()).contains("maxLines=7");
  }
}
