package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.server.MonitoringKit.Rule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * Debian's real {@code prometheus}, on loopback, scrapes a real server every second and evaluates
 * the shipped alert rules against it.
 */
class PrometheusIT {
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  static final Duration STARTUP = Duration.ofSeconds(60);

  @TempDir static Path dir;

  static TestServer t;
  static Process prometheus;
  static URI api;
  static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** Any failure, of a test or of the set-up, comes with what Prometheus printed. */
  @RegisterExtension static final ShowPrometheusOutput SHOW_OUTPUT = new ShowPrometheusOutput();

  @BeforeAll
  static void start() throws IOException {
    MonitoringKit.requireDir();
    if (!Binaries.installed(PROMETHEUS, "prometheus")) {
      return; // each test skips, with the reason
    }
    t = new TestServer();
    String id = t.create(ALICE, "scraped");
    t.ingest(ALICE, id, "one", "two", "three");

    Files.copy(MonitoringKit.RULES, dir.resolve("coderunner-alerts.yml"));
    Files.writeString(
        dir.resolve("prometheus.yml"),
        """
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
        rule_files:
          - coderunner-alerts.yml
        scrape_configs:
          - job_name: coderunner
            metrics_path: /metrics
            static_configs:
              - targets: ["127.0.0.1:%d"]
        """
            .formatted(t.server.port()),
        UTF_8);
    int port = freePort();
    api = URI.create("http://127.0.0.1:" + port + "/api/v1/");
    prometheus =
        new ProcessBuilder(
                PROMETHEUS.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("prometheus.log").toFile())
            .start();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    try {
      if (prometheus != null) {
        prometheus.descendants().forEach(ProcessHandle::destroy);
        prometheus.destroy();
        if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
          prometheus.descendants().forEach(ProcessHandle::destroyForcibly);
          prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      if (t != null) {
        t.close();
      }
    }
  }

  /**
   * Waits for Prometheus: until it answers, a refused or reset connection is one more try, not a
   * failure.
   */
  static ConditionFactory awaitPrometheus() {
    return await().atMost(STARTUP).ignoreExceptionsInstanceOf(UncheckedIOException.class);
  }

  @Test
  void prometheusScrapesTheServerAndReadsItsMetricsBack() {
    Binaries.require(PROMETHEUS, "prometheus");
    awaitPrometheus().untilAsserted(() -> assertThat(value("up{job=\"coderunner\"}")).isEqualTo(1));
    // The deployment's CREATED line and the three ingested lines.
    awaitPrometheus()
        .untilAsserted(
            () ->
                assertThat(value("coderunner_logs_appended_lines_total{job=\"coderunner\"}"))
                    .isGreaterThanOrEqualTo(4));
    assertThat(value("coderunner_deployments{job=\"coderunner\", status=\"CREATED\"}"))
        .isEqualTo(1);
  }

  @Test
  void prometheusLoadsTheShippedRulesAndEvaluatesEachWithoutError() {
    Binaries.require(PROMETHEUS, "prometheus");
    List<String> alerts = MonitoringKit.rules().stream().map(Rule::name).toList();
    awaitPrometheus()
        .untilAsserted(
            () -> {
              JsonNode group = coderunnerGroup();
              assertThat(group.path("file").asText()).endsWith("coderunner-alerts.yml");
              assertThat(names(group)).containsExactlyElementsOf(alerts);
              for (JsonNode rule : group.path("rules")) {
                assertThat(rule.path("health").asText())
                    .as("health of %s (lastError %s)", rule.path("name"), rule.path("lastError"))
                    .isEqualTo("ok");
              }
            });
  }

  @Test
  void aHealthyServerRaisesNoAlert() {
    Binaries.require(PROMETHEUS, "prometheus");
    // Wait for a scrape of the server, then for the rules to be evaluated after it.
    JsonNode up =
        awaitPrometheus().until(() -> query("up{job=\"coderunner\"} == 1"), r -> r.size() == 1);
    Instant scraped =
        Instant.ofEpochMilli(
            up.get(0).path("value").get(0).decimalValue().movePointRight(3).longValue());
    JsonNode group =
        awaitPrometheus()
            .until(
                PrometheusIT::coderunnerGroup,
                g ->
                    OffsetDateTime.parse(g.path("lastEvaluation").asText())
                        .toInstant()
                        .isAfter(scraped));
    for (JsonNode rule : group.path("rules")) {
      assertThat(rule.path("state").asText())
          .as("state of %s: %s", rule.path("name").asText(), rule.path("alerts"))
          .isEqualTo("inactive");
    }
  }

  static List<String> names(JsonNode group) {
    List<String> names = new ArrayList<>();
    group.path("rules").forEach(r -> names.add(r.path("name").asText()));
    return names;
  }

  /** The rule group {@code coderunner} from {@code /api/v1/rules}. */
  static JsonNode coderunnerGroup() {
    JsonNode groups = get("rules").path("data").path("groups");
    for (JsonNode g : groups) {
      if (g.path("name").asText().equals("coderunner")) {
        return g;
      }
    }
    throw new AssertionError("no rule group coderunner in " + groups);
  }

  /** The result of an instant query. */
  static JsonNode query(String promql) {
    JsonNode body = get("query?query=" + URLEncoder.encode(promql, UTF_8));
    assertThat(body.path("status").asText()).as("%s: %s", promql, body).isEqualTo("success");
    return body.path("data").path("result");
  }

  /** The value of an instant query that returns one series. */
  static double value(String promql) {
    JsonNode result = query(promql);
    assertThat(result.size()).as("series of %s: %s", promql, result).isEqualTo(1);
    return Double.parseDouble(result.get(0).path("value").get(1).asText());
  }

  static JsonNode get(String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(api.resolve(path)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
      return TestServer.JSON.readTree(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static final class ShowPrometheusOutput
      implements TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {
    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable failure)
        throws Throwable {
      throw withOutput(failure);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable failure)
        throws Throwable {
      throw withOutput(failure);
    }

    /** The failure with Prometheus's output; a skip (binary missing) stays a skip. */
    private static Throwable withOutput(Throwable failure) {
      if (failure instanceof TestAbortedException) {
        return failure;
      }
      String output;
      try {
        Path log = dir == null ? null : dir.resolve("prometheus.log");
        output = log != null && Files.exists(log) ? Files.readString(log, UTF_8) : "(not started)";
      } catch (IOException e) {
        output = "(unreadable: " + e + ")";
      }
      return new AssertionError(
          failure.getMessage() + "\n--- prometheus said ---\n" + output, failure);
    }
  }
}
