package io.coderunner.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.metrics.health.Health;
import io.coderunner.metrics.health.HealthConfig;
import io.coderunner.metrics.health.HealthIndicator;
import io.coderunner.server.TestServer.Res;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code /health}, {@code /health/live} and {@code /health/ready}: shapes, codes and gauges. */
class HealthIT {
  final AtomicReference<Health> database = new AtomicReference<>(Health.up());
  final AtomicReference<Health> cache = new AtomicReference<>(Health.up());
  final TestServer t =
      TestServer.withServer(
          c -> c.health(HealthConfig.builder().cache(Duration.ZERO).build()),
          b ->
              b.healthIndicator(new Fake("database", true, database))
                  .healthIndicator(new Fake("cache", false, cache)));

  @AfterEach
  void close() {
    t.close();
  }

  @Test
  void everythingUpAnswers200WithEveryComponent() {
    Res health = t.get("/health", null);
    assertThat(health.status()).isEqualTo(200);
    JsonNode body = health.json();
    assertThat(body.get("status").asText()).isEqualTo("UP");
    JsonNode components = body.get("components");
    assertThat(components.fieldNames())
        .toIterable()
        .containsExactly(
            CodeRunnerServer.IO_THREAD_HEALTH, "logBuffers", "processRunner", "database", "cache");
    JsonNode logBuffers = components.get("logBuffers");
    assertThat(logBuffers.get("status").asText()).isEqualTo("UP");
    assertThat(logBuffers.get("details").get("budgetBytes").asLong())
        .isEqualTo(t.server.config().retention().globalMaxBytes());
    assertThat(logBuffers.get("details").get("breaker").asText()).isEqualTo("CLOSED");
    assertThat(components.get("processRunner").get("details").get("runner").asText())
        .isEqualTo("custom");

    Res live = t.get("/health/live", null);
    assertThat(live.status()).isEqualTo(200);
    assertThat(live.json().get("components").fieldNames())
        .toIterable()
        .containsExactly(CodeRunnerServer.IO_THREAD_HEALTH);
    assertThat(live.json().get("components").get("ioThread").get("status").asText())
        .isEqualTo("UP");

    Res ready = t.get("/health/ready", null);
    assertThat(ready.status()).isEqualTo(200);
    JsonNode lifecycle = ready.json().get("components").get("lifecycle");
    assertThat(lifecycle.get("status").asText()).isEqualTo("UP");
    assertThat(lifecycle.get("details").get("started").asBoolean()).isTrue();
    assertThat(lifecycle.get("details").get("draining").asBoolean()).isFalse();
  }

  @Test
  void aNonCriticalDependencyDownDegradesButStaysReady() {
    cache.set(Health.down("connection refused"));

    Res health = t.get("/health", null);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("status").asText()).isEqualTo("DEGRADED");
    JsonNode c = health.json().get("components").get("cache");
    assertThat(c.get("status").asText()).isEqualTo("DOWN");
    assertThat(c.get("details").get("error").asText()).isEqualTo("connection refused");

    Res ready = t.get("/health/ready", null);
    assertThat(ready.status()).isEqualTo(200);
    assertThat(ready.json().get("status").asText()).isEqualTo("DEGRADED");
  }

  @Test
  void aCriticalDependencyDownMakesHealthAndReadiness503ButNotLiveness() {
    database.set(Health.down("no primary"));

    Res health = t.get("/health", null);
    assertThat(health.status()).isEqualTo(503);
    assertThat(health.json().get("status").asText()).isEqualTo("DOWN");
    assertThat(health.body()).doesNotContain("\tat ");
    Res ready = t.get("/health/ready", null);
    assertThat(ready.status()).isEqualTo(503);
    assertThat(ready.json().get("components").get("database").get("details").get("error").asText())
        .isEqualTo("no primary");
    assertThat(t.get("/health/live", null).status()).isEqualTo(200);
  }

  @Test
  void aThrowingCheckIsDownWithItsMessage() {
    database.set(null);
    Res health = t.get("/health", null);
    assertThat(health.status()).isEqualTo(503);
    JsonNode db = health.json().get("components").get("database");
    assertThat(db.get("details").get("error").asText()).startsWith("IllegalStateException");
    assertThat(db.get("details").get("lastError").asText()).startsWith("IllegalStateException");
  }

  @Test
  void readinessIsDownOnceTheServerDrains() {
    t.server.close();
    assertThat(t.server.health().readiness(() -> true, () -> true).httpStatus()).isEqualTo(503);
  }

  @Test
  void healthGaugesAppearInMetrics() {
    cache.set(Health.degraded(Map.of()));
    String metrics = t.get("/metrics", null).body();
    assertThat(metrics)
        .contains("coderunner_health_status{component=\"logBuffers\",critical=\"false\"} 1.0")
        .contains("coderunner_health_status{component=\"cache\",critical=\"false\"} 0.5")
        .contains("coderunner_health_status{component=\"ioThread\",critical=\"true\"} 1.0")
        .contains("coderunner_health_breaker_state{component=\"database\",critical=\"true\"} 0.0");
  }

  /** A host's dependency check whose result the test sets; null makes it throw. */
  record Fake(String name, boolean critical, AtomicReference<Health> result)
      implements HealthIndicator {
    @Override
    public Health check() {
      Health h = result.get();
      if (h == null) {
        throw new IllegalStateException("driver exploded");
      }
      return h;
    }
  }
}
