package io.coderunner.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SdkFollowTest {
  @Test
  void serverSettingsAreCollectedAsGiven() throws Exception {
    SdkFollow.Options o =
        SdkFollow.Options.parse(
            new String[] {
              "--server-setting", "dataDir=/tmp/x", "--server-setting", "storage.fsync=always"
            });
    assertThat(o.serverSettings())
        .isEqualTo(Map.of("dataDir", "/tmp/x", "storage.fsync", "always"));
    assertThat(SdkFollow.Options.parse(new String[0]).serverSettings()).isEmpty();
    assertThatThrownBy(() -> SdkFollow.Options.parse(new String[] {"--server-setting", "=x"}))
        .hasMessageContaining("--server-setting must be KEY=VALUE");
  }
}
