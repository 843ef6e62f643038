package io.coderunner.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.log.InMemoryLogStore;
import io.coderunner.core.log.LogCursor;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.LogStoreStats;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.core.log.StartPosition;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogStoreMetricsTest {
  final InMemoryLogStore store =
      InMemoryLogStore.create(RetentionConfig.builder().maxLines(2).build(), Clock.systemUTC());
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final AtomicLong nanos = new AtomicLong();

  @AfterEach
  void close() {
    store.close();
  }

  double counter(String name) {
    return registry.get(name).functionCounter().count();
  }

  double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  void metersFollowTheStore() {
    LogStoreMetrics.of(store, Duration.ZERO, nanos::get).bindTo(registry);
    assertThat(counter(CodeRunnerMetricNames.LOGS_APPENDED)).isZero();
    assertThat(gauge(CodeRunnerMetricNames.LOGS_STORED)).isZero();

    DeploymentId id = DeploymentId.of("d-1");
    store.create(id);
    for (int i = 0; i < 5; i++) {
      store.append(id, LogEntry.stdout("line " + i));
    }
    LogCursor cursor = store.subscribe(id, StartPosition.after(0), LogFilter.all(), c -> {});
    var unused = cursor.poll(100, 1 << 20);

    assertThat(counter(CodeRunnerMetricNames.LOGS_APPENDED)).isEqualTo(5);
    assertThat(counter(CodeRunnerMetricNames.LOGS_APPENDED_BYTES)).isPositive();
    assertThat(counter(CodeRunnerMetricNames.LOGS_EVICTED)).isEqualTo(3);
    assertThat(counter(CodeRunnerMetricNames.LOGS_GAPS)).isEqualTo(1);
    assertThat(gauge(CodeRunnerMetricNames.LOGS_RETAINED)).isEqualTo(2);
    assertThat(gauge(CodeRunnerMetricNames.LOGS_RETAINED_BYTES)).isPositive();
    assertThat(gauge(CodeRunnerMetricNames.LOGS_STORED)).isEqualTo(1);
    assertThat(gauge(CodeRunnerMetricNames.LOGS_CURSORS)).isEqualTo(1);
    assertThat(gauge(CodeRunnerMetricNames.LOGS_BUDGET))
        .isEqualTo((double) RetentionConfig.defaults().globalMaxBytes());
    assertThat(registry.get(CodeRunnerMetricNames.LOGS_BUDGET).gauge().getId().getBaseUnit())
        .isEqualTo("bytes");
    assertThat(registry.get(CodeRunnerMetricNames.LOGS_APPENDED).functionCounter().getId())
        .extracting(id2 -> id2.getBaseUnit())
        .isEqualTo("lines");

    cursor.close();
    store.delete(id);
    assertThat(counter(CodeRunnerMetricNames.LOGS_APPENDED)).isEqualTo(5);
    assertThat(gauge(CodeRunnerMetricNames.LOGS_STORED)).isZero();
  }

  @Test
  void oneScrapeReadsTheStatsOnceWithinTheCache() {
    LogStoreMetrics.of(store, Duration.ofSeconds(1), nanos::get).bindTo(registry);
    DeploymentId id = DeploymentId.of("d-2");
    store.create(id);
    assertThat(counter(CodeRunnerMetricNames.LOGS_APPENDED)).isZero();
    store.append(id, LogEntry.stdout("x"));
    assertThat(counter(CodeRunnerMetricNames.LOGS_APPENDED)).isZero();
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(counter(CodeRunnerMetricNames.LOGS_APPENDED)).isEqualTo(1);
  }

  @Test
  void defaultFactoryBindsEveryMeter() {
    LogStoreMetrics.of(store).bindTo(registry);
    assertThat(registry.getMeters()).hasSize(9);
    assertThat(registry.getMeters())
        .allSatisfy(m -> assertThat(m.getId().getName()).startsWith(CodeRunnerMetricNames.PREFIX));
  }

  @Test
  void aStoreWithoutABudgetReportsItAsNaN() {
    LogStoreStats unbounded = new LogStoreStats(0, 0, 0, 0, 0, 0, 0, 0, Long.MAX_VALUE);
    LogStore storeWithoutBudget =
        (LogStore)
            Proxy.newProxyInstance(
                LogStore.class.getClassLoader(),
                new Class<?>[] {LogStore.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("stats")) {
                    return unbounded;
                  }
                  throw new UnsupportedOperationException(method.getName());
                });
    LogStoreMetrics.of(storeWithoutBudget, Duration.ZERO, nanos::get).bindTo(registry);
    assertThat(gauge(CodeRunnerMetricNames.LOGS_BUDGET)).isNaN();
    assertThat(gauge(CodeRunnerMetricNames.LOGS_RETAINED_BYTES)).isZero();
  }

  @Test
  void aCacheOutsideItsRangeIsRejected() {
    assertThatThrownBy(() -> LogStoreMetrics.of(store, Duration.ofMinutes(2), nanos::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cache");
    assertThatThrownBy(() -> LogStoreMetrics.of(store, Duration.ofNanos(-1), nanos::get))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
