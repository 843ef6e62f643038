package io.coderunner.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.AccessPolicy;
import io.coderunner.core.deploy.DeploymentRunner;
import io.coderunner.core.deploy.DeploymentService;
import io.coderunner.core.deploy.DeploymentSpec;
import io.coderunner.core.deploy.InMemoryDeploymentStore;
import io.coderunner.core.deploy.RunListener;
import io.coderunner.core.deploy.RunnerException;
import io.coderunner.core.log.InMemoryLogStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

  /** Starts synchronously: a command named "refused" is refused, any other exits with its code. */
  static final class ExitingRunner implements DeploymentRunner {
    @Override
    public void start(Deployment deployment, RunListener listener) {
      String command = deployment.command().get(0);
      if (command.equals("refused")) {
        throw new RunnerException("command not allowed: refused");
      }
      listener.started(42);
      listener.exited(Integer.parseInt(command), false);
    }

    @Override
    public void stop(DeploymentId id, Duration grace) {}

    @Override
    public boolean isRunning(DeploymentId id) {
      return false;
    }

    @Override
    public void close() {}
  }

  @Test
  void boundToAServiceItAlsoCountsStartsAndFailuresByReason() {
    Principal owner = new Principal("u-1", "alice", Set.of("deployer"));
    try (InMemoryLogStore logs = InMemoryLogStore.create();
        DeploymentService service =
            DeploymentService.create(
                store,
                logs,
                new ExitingRunner(),
                AccessPolicy.ownerOrAdmin(),
                Clock.systemUTC(),
                Duration.ofSeconds(1))) {
      DeploymentMetrics.of(service).bindTo(registry);
      assertThat(counter(CodeRunnerMetricNames.DEPLOYMENTS_STARTS)).isZero();
      assertThat(failures("start")).isZero();
      assertThat(failures("exit")).isZero();

      for (String command : List.of("0", "3", "refused", "0")) {
        Deployment d =
            service.create(owner, new DeploymentSpec("app", List.of(command), Map.of(), null));
        service.start(owner, d.id());
      }

      assertThat(counter(CodeRunnerMetricNames.DEPLOYMENTS_STARTS)).isEqualTo(4);
      assertThat(failures("start")).isEqualTo(1);
      assertThat(failures("exit")).isEqualTo(1);
      assertThat(deployments(DeploymentStatus.STOPPED)).isEqualTo(2);
      assertThat(deployments(DeploymentStatus.FAILED)).isEqualTo(2);
    }
  }

  @Test
  void boundToAStoreAloneItHasNoLifecycleCounters() {
    DeploymentMetrics.of(store).bindTo(registry);
    assertThat(registry.find(CodeRunnerMetricNames.DEPLOYMENTS_STARTS).meter()).isNull();
    assertThat(registry.find(CodeRunnerMetricNames.DEPLOYMENTS_FAILURES).meter()).isNull();
  }

  double counter(String name) {
    return registry.get(name).functionCounter().count();
  }

  double failures(String reason) {
    return registry
        .get(CodeRunnerMetricNames.DEPLOYMENTS_FAILURES)
        .tag(CodeRunnerMetricNames.TAG_REASON, reason)
        .functionCounter()
        .count();
  }
}
