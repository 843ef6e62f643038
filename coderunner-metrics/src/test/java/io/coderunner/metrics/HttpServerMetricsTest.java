package io.coderunner.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class HttpServerMetricsTest {
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final HttpServerMetrics http = HttpServerMetrics.create(registry);

  @Test
  void recordsByMethodRouteTemplateStatusAndOutcome() {
    http.record("get", "/api/deployments/{id}", 200, Duration.ofMillis(3));
    http.record("GET", "/api/deployments/{id}", 200, Duration.ofMillis(5));
    http.record("POST", "/api/deployments", 400, Duration.ofMillis(1));
    Timer ok =
        registry
            .get(CodeRunnerMetricNames.HTTP_SERVER_REQUESTS)
            .tags("method", "GET", "route", "/api/deployments/{id}", "status", "200")
            .tag("outcome", "SUCCESS")
            .timer();
    assertThat(ok.count()).isEqualTo(2);
    assertThat(ok.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(8);
    assertThat(
            registry
                .get(CodeRunnerMetricNames.HTTP_SERVER_REQUESTS)
                .tags("status", "400", "outcome", "CLIENT_ERROR")
                .timer()
                .count())
        .isEqualTo(1);
  }

  @Test
  void nonStandardMethodsShareOneTag() {
    http.record("BREW", CodeRunnerMetricNames.UNKNOWN_ROUTE, 405, Duration.ZERO);
    http.record("PROPFIND", CodeRunnerMetricNames.UNKNOWN_ROUTE, 405, Duration.ZERO);
    assertThat(
            registry
                .get(CodeRunnerMetricNames.HTTP_SERVER_REQUESTS)
                .tags("method", "OTHER", "route", "UNKNOWN")
                .timer()
                .count())
        .isEqualTo(2);
  }
}
