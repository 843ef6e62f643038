package io.coderunner.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;

class ProtocolConfigTest {
  @Test
  void defaultsAllow64KiBFrames() {
    assertThat(ProtocolConfig.defaults().maxFrameBytes()).isEqualTo(65_536);
    assertThat(ProtocolConfig.builder().build()).isEqualTo(ProtocolConfig.defaults());
  }

  @Test
  void maxFrameBytesOutsideOneKiBTo16MiBIsRefusedWhenSet() {
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ProtocolConfig.builder().maxFrameBytes(1023))
        .withMessageContaining("maxFrameBytes");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> ProtocolConfig.builder().maxFrameBytes((16 << 20) + 1))
        .withMessageContaining("maxFrameBytes");
    assertThat(ProtocolConfig.builder().maxFrameBytes(1024).build().maxFrameBytes())
        .isEqualTo(1024);
    assertThat(ProtocolConfig.builder().maxFrameBytes(16 << 20).build().maxFrameBytes())
        .isEqualTo(16 << 20);
  }

  @Test
  void toBuilderStartsFromTheSameSettings() {
    ProtocolConfig config = ProtocolConfig.builder().maxFrameBytes(4096).build();
    assertThat(config.toBuilder().build()).isEqualTo(config).hasSameHashCodeAs(config);
    assertThat(config.toBuilder().maxFrameBytes(8192).build()).isNotEqualTo(config);
    assertThat(config).hasToString("ProtocolConfig[maxFrameBytes=4096]");
  }

  @Test
  void aCodecKeepsItsConfig() {
    ProtocolConfig config = ProtocolConfig.builder().maxFrameBytes(2048).build();
    assertThat(FrameCodec.create(config).config()).isSameAs(config);
    assertThat(FrameCodec.create().config()).isEqualTo(ProtocolConfig.defaults());
  }
}
