package io.coderunner.metrics.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.log.InMemoryLogStore;
import io.coderunner.core.log.RetentionConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IndicatorsTest {
  final InMemoryLogStore store =
      InMemoryLogStore.create(RetentionConfig.defaults(), Clock.systemUTC());
  final ExecutorService pool = Executors.newSingleThreadExecutor();

  @AfterEach
  void close() {
    store.close();
    pool.shutdownNow();
  }

  @Test
  void logBuffersAreUpThenDegradedThenDownAsTheyFill() {
    DeploymentId id = DeploymentId.of("d-1");
    store.create(id);
    store.append(id, LogEntry.stdout("x".repeat(100)));
    long used = store.stats().retainedBytes();
    assertThat(used).isPositive();

    Health up = LogBufferIndicator.of(store, used * 2).check();
    assertThat(up.status()).isEqualTo(HealthStatus.UP);
    assertThat(up.details())
        .containsEntry("retainedBytes", used)
        .containsEntry("budgetBytes", used * 2)
        .containsEntry("usedPercent", 50.0);

    assertThat(LogBufferIndicator.of(store, (long) (used / 0.9)).check().status())
        .isEqualTo(HealthStatus.DEGRADED);
    Health down = LogBufferIndicator.of(store, used).check();
    assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(down.error()).contains("95 %");

    LogBufferIndicator indicator = LogBufferIndicator.of(store, 1);
    assertThat(indicator.name()).isEqualTo(LogBufferIndicator.NAME);
    assertThat(indicator.critical()).isFalse();
    assertThatThrownBy(() -> LogBufferIndicator.of(store, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("budgetBytes");
  }

  @Test
  void processRunnerReportsItsKindAndDetails() {
    ProcessRunnerIndicator runner = ProcessRunnerIndicator.of("local", () -> Map.of("running", 3));
    Health h = runner.check();
    assertThat(h.status()).isEqualTo(HealthStatus.UP);
    assertThat(h.details()).containsEntry("runner", "local").containsEntry("running", 3);
    assertThat(runner.name()).isEqualTo(ProcessRunnerIndicator.NAME);
    assertThat(runner.critical()).isFalse();
  }

  @Test
  void executorLivenessIsUpWhenTheExecutorRunsTheTask() throws Exception {
    ExecutorLivenessIndicator live =
        ExecutorLivenessIndicator.of("ioThread", pool, Duration.ofSeconds(1));
    Health h = live.check();
    assertThat(h.status()).isEqualTo(HealthStatus.UP);
    assertThat(h.details()).containsKey("responseMicros");
    assertThat(live.name()).isEqualTo("ioThread");
    assertThat(live.critical()).isTrue();
  }

  @Test
  void executorLivenessIsDownWhenTheExecutorNeverRunsTheTask() throws Exception {
    Executor stuck = r -> {};
    Health h = ExecutorLivenessIndicator.of("io", stuck, Duration.ofMillis(20)).check();
    assertThat(h.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(h.error()).isEqualTo("no answer within 20 ms");
    assertThatThrownBy(() -> ExecutorLivenessIndicator.of("io", stuck, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }

  @Test
  void aRejectingExecutorIsDownThroughTheRegistry() {
    pool.shutdown();
    try (HealthRegistry registry =
        HealthRegistry.create(HealthConfig.defaults(), Clock.systemUTC())) {
      registry.registerLiveness(ExecutorLivenessIndicator.of("io", pool, Duration.ofMillis(100)));
      HealthReport live = registry.liveness();
      assertThat(live.status()).isEqualTo(HealthStatus.DOWN);
      assertThat(live.components().get("io").details().get("error").toString())
          .startsWith("RejectedExecutionException");
    }
  }

  @Test
  void statusHelpers() {
    assertThat(HealthStatus.UP.worst(HealthStatus.DOWN)).isEqualTo(HealthStatus.DOWN);
    assertThat(HealthStatus.DOWN.worst(HealthStatus.UP)).isEqualTo(HealthStatus.DOWN);
    assertThat(Health.of(HealthStatus.DEGRADED, Map.of()).status())
        .isEqualTo(HealthStatus.DEGRADED);
    assertThat(Health.down("x", Map.of("a", 1)).details()).containsEntry("a", 1);
    assertThat(HealthReport.aggregate(java.util.List.of())).isEqualTo(HealthStatus.UP);
  }
}
