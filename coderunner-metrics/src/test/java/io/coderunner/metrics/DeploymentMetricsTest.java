package io.coderunner.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.deploy.InMemoryDeploymentStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DeploymentMetricsTest {
  final InMemoryDeploymentStore store = new InMemoryDeploymentStore();
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final AtomicLong nanos = new AtomicLong();
  int next;

  void add(DeploymentStatus status) {
    Instant now = Instant.parse("2026-11-25T00:00:00Z");
    store.insert(
        new Deployment(
            DeploymentId.of("d-" + next++),
            "app",
            "u-1",
            List.of("app"),
            Map.of(),
            null,
            status,
            now,
            now));
  }

  double deployments(DeploymentStatus status) {
    return registry
        .get(CodeRunnerMetricNames.DEPLOYMENTS)
        .tag(CodeRunnerMetricNames.TAG_STATUS, status.name())
        .gauge()
        .value();
  }

  @Test
  void oneGaugePerStatusCountsTheStoreAcrossPages() {
    DeploymentMetrics.of(store, Duration.ZERO, nanos::get).bindTo(registry);
    assertThat(registry.get(CodeRunnerMetricNames.DEPLOYMENTS).gauges())
        .hasSize(DeploymentStatus.values().length);
    for (DeploymentStatus s : DeploymentStatus.values()) {
      assertThat(deployments(s)).isZero();
    }
    for (int i = 0; i < DeploymentMetrics.PAGE_SIZE + 1; i++) {
      add(DeploymentStatus.RUNNING);
    }
    add(DeploymentStatus.FAILED);
    assertThat(deployments(DeploymentStatus.RUNNING)).isEqualTo(DeploymentMetrics.PAGE_SIZE + 1);
    assertThat(deployments(DeploymentStatus.FAILED)).isEqualTo(1);
    assertThat(deployments(DeploymentStatus.STOPPED)).isZero();
  }

  @Test
  void aScrapeWithinTheCacheCountsOnce() {
    DeploymentMetrics.of(store, Duration.ofSeconds(1), nanos::get).bindTo(registry);
    assertThat(deployments(DeploymentStatus.CREATED)).isZero();
    add(DeploymentStatus.CREATED);
    assertThat(deployments(DeploymentStatus.CREATED)).isZero();
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(deployments(DeploymentStatus.CREATED)).isEqualTo(1);
  }

  @Test
  void defaultFactoryBindsTheGauges() {
    DeploymentMetrics.of(store).bindTo(registry);
    add(DeploymentStatus.STOPPED);
    assertThat(deployments(DeploymentStatus.STOPPED)).isEqualTo(1);
  }
}
