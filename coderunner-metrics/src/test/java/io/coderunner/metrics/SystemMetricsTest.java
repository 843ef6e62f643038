package io.coderunner.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SystemMetricsTest {
  static final String SAMPLE =
      "Inter-|   Receive                                                |  Transmit\n"
          + " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets"
          + " errs drop fifo colls carrier compressed\n"
          + "    lo:  1000      10    0    0    0     0          0         0     1000      10"
          + "    0    0    0     0       0          0\n"
          + "  eth0: 2000000    3000    0    0    0     0          0         0   500000    2000"
          + "    0    0    0     0       0          0\n"
          + "  bad0: notanumber\n"
          + "  bad1: x 1 2 3 4 5 6 7 y 9 10 11 12 13 14 15\n";

  @TempDir Path dir;
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void netDevSumsEveryInterfaceAndSkipsWhatDoesNotParse() {
    assertThat(NetDev.totals(SAMPLE)).containsExactly(2_001_000L, 501_000L);
    assertThat(NetDev.totals("")).containsExactly(0L, 0L);
  }

  @Test
  void bindsMicrometersJvmBindersAndNetworkCounters() throws IOException {
    Path netDev = dir.resolve("dev");
    Files.writeString(netDev, SAMPLE);
    try (SystemMetrics system = SystemMetrics.create(netDev)) {
      system.bindTo(registry);
      assertThat(registry.find("jvm.memory.used").gauges()).isNotEmpty();
      assertThat(registry.find("jvm.threads.live").gauge()).isNotNull();
      assertThat(registry.find("jvm.classes.loaded").gauge()).isNotNull();
      assertThat(registry.find("process.uptime").timeGauge()).isNotNull();
      assertThat(registry.find("system.cpu.count").gauge()).isNotNull();
      assertThat(registry.find("jvm.gc.memory.allocated").counter()).isNotNull();
      assertThat(
              registry.get(CodeRunnerMetricNames.NETWORK_RECEIVED_BYTES).functionCounter().count())
          .isEqualTo(2_001_000);
      assertThat(registry.get(CodeRunnerMetricNames.NETWORK_SENT_BYTES).functionCounter().count())
          .isEqualTo(501_000);

      Files.delete(netDev); // a read failure keeps the last totals: a counter never goes back
      assertThat(registry.get(CodeRunnerMetricNames.NETWORK_SENT_BYTES).functionCounter().count())
          .isEqualTo(501_000);
    }
  }

  @Test
  void withoutProcNetDevTheNetworkCountersAreSkipped() {
    try (SystemMetrics system = SystemMetrics.create(dir.resolve("absent"))) {
      system.bindTo(registry);
      system.bindTo(new SimpleMeterRegistry());
      assertThat(Search.in(registry).name(CodeRunnerMetricNames.NETWORK_SENT_BYTES).meters())
          .isEmpty();
      assertThat(registry.find("jvm.memory.used").gauges()).isNotEmpty();
    }
  }

  @Test
  void prometheusNamingRenamesTheCpuCountAndDropsNanosecondCpuTime() {
    registry.config().meterFilter(SystemMetrics.prometheusNaming());
    try (SystemMetrics system = SystemMetrics.create()) {
      system.bindTo(registry);
      assertThat(registry.find("system.cpu.count").meters()).isEmpty();
      assertThat(registry.find(SystemMetrics.SYSTEM_CPU_PROCESSORS).gauge()).isNotNull();
      assertThat(registry.find("process.cpu.time").meters()).isEmpty();
      assertThat(registry.find("jvm.threads.live").gauge()).isNotNull();
    }
  }

  @Test
  void closeIsIdempotentAndBindingAfterCloseFails() {
    SystemMetrics system = SystemMetrics.create();
    system.bindTo(registry);
    system.close();
    system.close();
    assertThatThrownBy(() -> system.bindTo(new SimpleMeterRegistry()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }
}
