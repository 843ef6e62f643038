package io.coderunner.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoadOptionsTest {
  @Test
  void defaults() throws Exception {
    LoadOptions o = LoadOptions.parse(new String[0]);
    assertThat(o.connections()).isEqualTo(100);
    assertThat(o.deployments()).isEqualTo(1);
    assertThat(o.rate()).isEqualTo(1000);
    assertThat(o.durationSeconds()).isEqualTo(30);
    assertThat(o.warmupSeconds()).isEqualTo(5);
    assertThat(o.serverHeap()).isEqualTo("2g");
    assertThat(o.sourceAddresses()).isEqualTo(1);
    assertThat(o.metrics()).isFalse();
  }

  @Test
  void manyConnectionsAreSpreadOverSourceAddresses() throws Exception {
    assertThat(LoadOptions.parse(new String[] {"--connections", "20000"}).sourceAddresses())
        .isEqualTo(2);
    assertThat(LoadOptions.parse(new String[] {"--connections", "10000"}).sourceAddresses())
        .isEqualTo(1);
    assertThat(
            LoadOptions.parse(new String[] {"--connections", "200", "--source-addresses", "0"})
                .sourceAddresses())
        .isZero();
  }

  @Test
  void theCommandLineRepeatsTheRun() throws Exception {
    LoadOptions o =
        LoadOptions.parse(
            new String[] {
              "--connections",
              "1000",
              "--deployments",
              "1",
              "--rate",
              "100",
              "--duration",
              "60",
              "--warmup",
              "15",
              "--server-heap",
              "1g",
              "--batch-lines",
              "10",
              "--client-threads",
              "1",
              "--metrics",
              "on"
            });
    assertThat(o.metrics()).isTrue();
    String[] again = o.commandLine().substring("benchmarks/load-tool ".length()).split(" ", -1);
    assertThat(LoadOptions.parse(again)).isEqualTo(o);
  }

  @Test
  void badValuesAreNamed() {
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--connections", "0"}))
        .hasMessageContaining("--connections must be between 1 and");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--rate", "fast"}))
        .hasMessageContaining("--rate must be a whole number");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--server-heap", "lots"}))
        .hasMessageContaining("--server-heap");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--bogus", "1"}))
        .hasMessageContaining("unknown option --bogus");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--metrics", "yes"}))
        .hasMessageContaining("--metrics must be on or off, was yes");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--duration"}))
        .hasMessageContaining("--duration needs a value");
  }
}
