package io.coderunner.metrics.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.coderunner.metrics.CodeRunnerMetricNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthRegistryTest {
  final MutableClock clock = new MutableClock();
  final HealthConfig config =
      HealthConfig.builder()
          .timeout(Duration.ofMillis(100))
          .slidingWindowSize(2)
          .failureRateThreshold(50)
          .waitInOpenState(Duration.ofSeconds(30))
          .cache(Duration.ZERO)
          .build();
  final HealthRegistry registry = HealthRegistry.create(config, clock);
  final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void close() {
    release.countDown();
    registry.close();
  }

  @Test
  void aSlowCheckTimesOutAndIsDownWithAMessage() {
    registry.register(
        new Fake(
            "slow",
            true,
            () -> {
              release.await();
              return Health.up();
            }));

    HealthReport report = registry.health();

    assertThat(report.status()).isEqualTo(HealthStatus.DOWN);
    HealthReport.Component slow = report.components().get("slow");
    assertThat(slow.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(slow.details())
        .containsEntry("error", "timed out after 100 ms")
        .containsEntry("breaker", "CLOSED");
    assertThat(report.httpStatus()).isEqualTo(503);
  }

  @Test
  void aThrowingCheckIsDownWithItsMessageAndNoStackTrace() {
    registry.register(
        new Fake(
            "redis",
            false,
            () -> {
              throw new IllegalStateException("connection refused\n\tat somewhere");
            }));

    HealthReport.Component redis = registry.health().components().get("redis");

    assertThat(redis.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(redis.details().get("error")).isEqualTo("IllegalStateException: connection refused");
    assertThat(redis.details().get("lastError")).isEqualTo(redis.details().get("error"));
  }

  @Test
  void repeatedFailuresOpenTheBreakerAndTheCheckIsNotCalled() {
    AtomicInteger calls = new AtomicInteger();
    registry.register(
        new Fake(
            "redis",
            false,
            () -> {
              calls.incrementAndGet();
              throw new IllegalStateException("boom");
            }));

    registry.health();
    registry.health();
    HealthReport.Component open = registry.health().components().get("redis");

    assertThat(calls).hasValue(2);
    assertThat(open.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(open.details())
        .containsEntry("breaker", "OPEN")
        .containsEntry("lastError", "IllegalStateException: boom");
    assertThat(registry.breakerState("redis")).isEqualTo(2);
    assertThat(registry.breakerState("nope")).isEqualTo(-1);
  }

  @Test
  void anOpenBreakerLetsATrialThroughAfterItsWaitAndClosesOnSuccess() {
    AtomicReference<Boolean> failing = new AtomicReference<>(true);
    AtomicInteger calls = new AtomicInteger();
    registry.register(
        new Fake(
            "redis",
            true,
            () -> {
              calls.incrementAndGet();
              if (failing.get()) {
                throw new IllegalStateException("down");
              }
              return Health.up(Map.of("version", "7"));
            }));
    registry.health();
    registry.health();
    assertThat(registry.breakerState("redis")).isEqualTo(2);
    failing.set(false);

    clock.advance(Duration.ofSeconds(29));
    assertThat(registry.health().status()).isEqualTo(HealthStatus.DOWN);
    assertThat(calls).hasValue(2);

    clock.advance(Duration.ofSeconds(2));
    HealthReport report = registry.health();
    assertThat(report.status()).isEqualTo(HealthStatus.UP);
    assertThat(report.components().get("redis").details())
        .containsEntry("version", "7")
        .containsEntry("breaker", "CLOSED");
    assertThat(registry.breakerState("redis")).isZero();
  }

  @Test
  void halfOpenRecoveryWithARealClock() {
    AtomicReference<Boolean> failing = new AtomicReference<>(true);
    try (HealthRegistry real =
        HealthRegistry.create(
            config.toBuilder().waitInOpenState(Duration.ofMillis(50)).build(), Clock.systemUTC())) {
      real.register(
          new Fake(
              "redis",
              false,
              () -> {
                if (failing.get()) {
                  throw new IllegalStateException("down");
                }
                return Health.up();
              }));
      real.health();
      real.health();
      assertThat(real.breakerState("redis")).isEqualTo(2);
      failing.set(false);
      await().atMost(5, TimeUnit.SECONDS).until(() -> real.health().status() == HealthStatus.UP);
      assertThat(real.breakerState("redis")).isZero();
    }
  }

  @Test
  void aNonCriticalDownDegradesAndACriticalDownIsDown() {
    AtomicReference<Health> critical = new AtomicReference<>(Health.up());
    AtomicReference<Health> optional = new AtomicReference<>(Health.up());
    registry.register(new Fake("db", true, critical::get));
    registry.register(new Fake("cache", false, optional::get));
    assertThat(registry.health().status()).isEqualTo(HealthStatus.UP);

    optional.set(Health.down("gone"));
    HealthReport degraded = registry.health();
    assertThat(degraded.status()).isEqualTo(HealthStatus.DEGRADED);
    assertThat(degraded.httpStatus()).isEqualTo(200);
    assertThat(degraded.components().get("cache").details()).containsEntry("error", "gone");

    optional.set(Health.degraded(Map.of()));
    assertThat(registry.health().status()).isEqualTo(HealthStatus.DEGRADED);

    critical.set(Health.down("gone"));
    assertThat(registry.health().status()).isEqualTo(HealthStatus.DOWN);
  }

  @Test
  void readinessFollowsTheLifecycleAndTheDependencies() {
    AtomicReference<Health> dep = new AtomicReference<>(Health.up());
    registry.register(new Fake("db", true, dep::get));
    registry.registerLiveness(new Fake("io", true, Health::up));

    HealthReport notStarted = registry.readiness(() -> false, () -> false);
    assertThat(notStarted.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(notStarted.components()).containsOnlyKeys(HealthRegistry.LIFECYCLE, "db");
    assertThat(notStarted.components().get(HealthRegistry.LIFECYCLE).details())
        .containsEntry("started", false)
        .containsEntry("draining", false);

    assertThat(registry.readiness(() -> true, () -> false).status()).isEqualTo(HealthStatus.UP);
    assertThat(registry.readiness(() -> true, () -> true).status()).isEqualTo(HealthStatus.DOWN);
    dep.set(Health.down("x"));
    assertThat(registry.readiness(() -> true, () -> false).httpStatus()).isEqualTo(503);

    assertThat(registry.liveness().components()).containsOnlyKeys("io");
    assertThat(registry.liveness().status()).isEqualTo(HealthStatus.UP);
    assertThat(registry.health().components()).containsOnlyKeys("io", "db");
  }

  @Test
  void resultsAreReusedWithinTheCache() {
    AtomicInteger calls = new AtomicInteger();
    try (HealthRegistry cached =
        HealthRegistry.create(config.toBuilder().cache(Duration.ofSeconds(1)).build(), clock)) {
      cached.register(
          new Fake(
              "c",
              false,
              () -> {
                calls.incrementAndGet();
                return Health.up();
              }));
      cached.health();
      cached.health();
      assertThat(calls).hasValue(1);
      clock.advance(Duration.ofSeconds(1));
      cached.health();
      assertThat(calls).hasValue(2);
    }
  }

  @Test
  void aCheckReturningNullIsDown() {
    registry.register(new Fake("n", false, () -> null));
    assertThat(registry.health().components().get("n").details().get("error"))
        .isEqualTo("IllegalStateException: check returned no health");
  }

  @Test
  void aCheckThrowingWithoutAMessageIsDownWithItsType() {
    registry.register(
        new Fake(
            "n",
            false,
            () -> {
              throw new java.io.IOException();
            }));
    assertThat(registry.health().components().get("n").details().get("error"))
        .isEqualTo("IOException");
  }

  @Test
  void checksAfterCloseAreDown() {
    registry.register(new Fake("x", true, Health::up));
    registry.close();
    HealthReport.Component x = registry.health().components().get("x");
    assertThat(x.status()).isEqualTo(HealthStatus.DOWN);
    assertThat(x.details()).containsEntry("error", "health registry closed");
  }

  @Test
  void namesAreValidatedAndUnique() {
    registry.register(new Fake("a", false, Health::up));
    assertThatThrownBy(() -> registry.register(new Fake("a", false, Health::up)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a");
    assertThatThrownBy(() -> registry.registerLiveness(new Fake("lifecycle", true, Health::up)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> registry.register(new Fake("a b", false, Health::up)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("name");
    assertThat(registry.names()).containsExactly("a");
    assertThat(registry.component("zz")).isNull();
    assertThat(registry.config()).isEqualTo(config);
  }

  @Test
  void gaugesReportStatusAndBreakerState() {
    AtomicReference<Health> h = new AtomicReference<>(Health.up());
    registry.register(new Fake("db", true, h::get));
    registry.register(
        new Fake(
            "bad",
            false,
            () -> {
              throw new IllegalStateException("x");
            }));
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    HealthMetrics.of(registry).bindTo(meters);

    assertThat(status(meters, "db")).isEqualTo(1.0);
    h.set(Health.degraded(Map.of()));
    assertThat(status(meters, "db")).isEqualTo(0.5);
    h.set(Health.down("x"));
    assertThat(status(meters, "db")).isEqualTo(0.0);
    assertThat(breaker(meters, "db")).isZero();

    assertThat(status(meters, "bad")).isZero();
    assertThat(status(meters, "bad")).isZero();
    assertThat(breaker(meters, "bad")).isEqualTo(2);

    assertThat(meters.get(CodeRunnerMetricNames.HEALTH_STATUS).tag("critical", "true").gauges())
        .singleElement()
        .satisfies(g -> assertThat(g.getId().getTag("component")).isEqualTo("db"));
    assertThat(
            meters
                .get(CodeRunnerMetricNames.HEALTH_BREAKER_STATE)
                .tag("critical", "false")
                .gauges())
        .singleElement()
        .satisfies(g -> assertThat(g.getId().getTag("component")).isEqualTo("bad"));
    assertThat(registry.isCritical("db")).isTrue();
    assertThat(registry.isCritical("bad")).isFalse();
    assertThat(registry.isCritical("nothing")).isFalse();
  }

  static double status(SimpleMeterRegistry meters, String component) {
    return meters
        .get(CodeRunnerMetricNames.HEALTH_STATUS)
        .tag(CodeRunnerMetricNames.TAG_COMPONENT, component)
        .gauge()
        .value();
  }

  static double breaker(SimpleMeterRegistry meters, String component) {
    return meters
        .get(CodeRunnerMetricNames.HEALTH_BREAKER_STATE)
        .tag(CodeRunnerMetricNames.TAG_COMPONENT, component)
        .gauge()
        .value();
  }

  interface Check {
    Health check() throws Exception;
  }

  record Fake(String name, boolean critical, Check body) implements HealthIndicator {
    @Override
    public Health check() throws Exception {
      return body.check();
    }
  }

  static final class MutableClock extends Clock {
    final AtomicLong millis = new AtomicLong(Instant.parse("2026-11-25T00:00:00Z").toEpochMilli());

    void advance(Duration d) {
      millis.addAndGet(d.toMillis());
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
      return millis.get();
    }
  }
}
