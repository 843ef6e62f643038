package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coderunner.metrics.DeliveryMetrics;
import io.coderunner.server.TestServer.Res;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /metrics} against a real server: CodeRunner's meters move, and promtool accepts it. */
class MetricsIT {
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");

  static TestServer t;
  static String deploymentId;

  @BeforeAll
  static void start() {
    t = new TestServer();
    deploymentId = t.create(ALICE, "metrics-app");
    Res ingest =
        t.post(
            "/api/deployments/" + deploymentId + "/logs",
            ALICE,
            "{\"lines\":[{\"message\":\"one\"},{\"message\":\"two\"},{\"message\":\"three\"}]}");
    assertThat(ingest.status()).isEqualTo(202);
    assertThat(t.get("/api/deployments/" + deploymentId, ALICE).status()).isEqualTo(200);
    assertThat(t.get("/nowhere/" + deploymentId, null).status()).isEqualTo(404);
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  static String scrape() {
    return scrape(t);
  }

  static String scrape(TestServer server) {
    Res r = server.get("/metrics", null);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
    return r.body();
  }

  /** The value of the sample {@code name} whose labels include every {@code labels} pair. */
  static double sample(String text, String name, String... labels) {
    Pattern line = Pattern.compile("^" + Pattern.quote(name) + "(\\{.*})? (\\S+)$");
    for (String l : text.split("\n", -1)) {
      Matcher m = line.matcher(l);
      if (!m.matches()) {
        continue;
      }
      String set = m.group(1) == null ? "" : m.group(1);
      boolean all = true;
      for (int i = 0; i < labels.length; i += 2) {
        all &= set.contains(labels[i] + "=\"" + labels[i + 1] + "\"");
      }
      if (all) {
        return Double.parseDouble(m.group(2));
      }
    }
    throw new AssertionError("no sample " + name + " " + List.of(labels) + " in\n" + text);
  }

  @Test
  void scrapeShowsTheLogStoreDeploymentsAndRequestsByRouteTemplate() {
    await()
        .atMost(10, TimeUnit.SECONDS)
        .untilAsserted(
            () -> {
              String text = scrape();
              // create appends the CREATED status line; the ingest three more
              assertThat(sample(text, "coderunner_logs_appended_lines_total")).isGreaterThan(3);
              assertThat(sample(text, "coderunner_logs_appended_bytes_total")).isPositive();
              assertThat(sample(text, "coderunner_logs_retained_lines")).isGreaterThan(3);
              assertThat(sample(text, "coderunner_logs_retained_bytes")).isPositive();
              assertThat(sample(text, "coderunner_logs_evicted_lines_total")).isZero();
              assertThat(sample(text, "coderunner_logs_gaps_total")).isZero();
              assertThat(sample(text, "coderunner_logs_stored_logs")).isEqualTo(1);
              assertThat(sample(text, "coderunner_logs_cursors")).isZero();
              assertThat(sample(text, "coderunner_deployments", "status", "CREATED")).isEqualTo(1);
              assertThat(sample(text, "coderunner_deployments", "status", "RUNNING")).isZero();
              assertThat(
                      sample(
                          text,
                          "coderunner_http_server_requests_seconds_count",
                          "method",
                          "GET",
                          "route",
                          "/api/deployments/{id}",
                          "status",
                          "200",
                          "outcome",
                          "SUCCESS"))
                  .isEqualTo(1);
              assertThat(
                      sample(
                          text,
                          "coderunner_http_server_requests_seconds_count",
                          "method",
                          "POST",
                          "route",
                          "/api/deployments/{id}/logs",
                          "status",
                          "202"))
                  .isEqualTo(1);
              assertThat(
                      sample(
                          text,
                          "coderunner_http_server_requests_seconds_count",
                          "route",
                          "UNKNOWN",
                          "status",
                          "404",
                          "outcome",
                          "CLIENT_ERROR"))
                  .isEqualTo(1);
              assertThat(text).contains("jvm_memory_used_bytes", "process_uptime_seconds");
              assertThat(text).doesNotContain(deploymentId);
            });
  }

  @Test
  void scrapeShowsTheWebSocketBroadcaster() {
    String text = scrape();
    assertThat(sample(text, "coderunner_ws_connections")).isGreaterThanOrEqualTo(0);
    assertThat(sample(text, "coderunner_ws_connections_authenticated")).isGreaterThanOrEqualTo(0);
    assertThat(sample(text, "coderunner_ws_subscriptions")).isGreaterThanOrEqualTo(0);
    assertThat(sample(text, "coderunner_ws_connections_accepted_total")).isGreaterThanOrEqualTo(0);
    assertThat(sample(text, "coderunner_ws_bytes_sent_bytes_total")).isGreaterThanOrEqualTo(0);
    assertThat(sample(text, "coderunner_ws_closes_total", "code", "4008")).isZero();
    assertThat(sample(text, "coderunner_ws_closes_total", "code", "1001")).isZero();
    assertThat(sample(text, "coderunner_ws_auth_failures_total", "reason", "expired")).isZero();
    assertThat(sample(text, "coderunner_ws_auth_failures_total", "reason", "other")).isZero();
  }

  @Test
  void scrapeShowsDeliveryLatencyResumesByOutcomeAndDeploymentStartsAndFailures() throws Exception {
    try (TestServer own = new TestServer()) {
      String followed = own.create(ALICE, "followed-app");
      WsFrames frames = new WsFrames();
      WebSocket ws = WsFrames.open(own, ALICE, frames);
      try {
        WsFrames.send(
            ws, "{\"type\":\"subscribe\",\"deploymentId\":\"" + followed + "\",\"after\":0}");
        frames.await("\"subscribed\"");
        // One line per frame, so that the listener's one-in-16 timing times two of them.
        for (int i = 1; i <= 2 * DeliveryMetrics.DEFAULT_TIMING_INTERVAL; i++) {
          own.ingest(ALICE, followed, "live " + i);
          frames.await("\"live " + i + "\"");
        }
      } finally {
        ws.abort();
      }
      assertThat(
              own.post("/api/deployments/" + own.create(ALICE, "runs", "app") + "/start", ALICE, "")
                  .status())
          .isEqualTo(202);
      assertThat(
              own.post(
                      "/api/deployments/" + own.create(ALICE, "refused", "fail") + "/start",
                      ALICE,
                      "")
                  .status())
          .isEqualTo(202);

      await()
          .atMost(10, TimeUnit.SECONDS)
          .untilAsserted(
              () -> {
                String text = scrape(own);
                assertThat(sample(text, "coderunner_ws_delivery_latency_seconds_count"))
                    .isEqualTo(2);
                assertThat(
                        sample(text, "coderunner_ws_delivery_latency_seconds_bucket", "le", "+Inf"))
                    .isEqualTo(sample(text, "coderunner_ws_delivery_latency_seconds_count"));
                assertThat(
                        sample(
                            text, "coderunner_ws_delivery_latency_seconds_bucket", "le", "0.001"))
                    .isLessThanOrEqualTo(
                        sample(
                            text, "coderunner_ws_delivery_latency_seconds_bucket", "le", "10.0"));
                assertThat(sample(text, "coderunner_ws_resumes_total", "outcome", "continued"))
                    .isEqualTo(1);
                assertThat(sample(text, "coderunner_ws_resumes_total", "outcome", "gap")).isZero();
                assertThat(sample(text, "coderunner_ws_resumes_total", "outcome", "reset"))
                    .isZero();
                assertThat(sample(text, "coderunner_deployments_starts_total")).isEqualTo(2);
                assertThat(sample(text, "coderunner_deployments_failures_total", "reason", "start"))
                    .isEqualTo(1);
                assertThat(sample(text, "coderunner_deployments_failures_total", "reason", "exit"))
                    .isZero();
                assertThat(sample(text, "coderunner_logs_budget_bytes")).isPositive();
              });
    }
  }

  @Test
  void networkCountersAppearOnLinux() {
    Assumptions.assumeTrue(
        Files.isReadable(Path.of("/proc/net/dev")), "no /proc/net/dev on this platform");
    String text = scrape();
    assertThat(sample(text, "coderunner_network_received_bytes_total")).isPositive();
    assertThat(sample(text, "coderunner_network_sent_bytes_total")).isPositive();
  }

  @Test
  void promtoolAcceptsARealScrape() throws IOException, InterruptedException {
    Binaries.require(PROMTOOL, "prometheus");
    String text = scrape();
    Process p =
        new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
            .redirectErrorStream(true)
            .start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(text.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool said:\n%s", out).isZero();
    assertThat(out.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.equals("OK")))
        .as("promtool said:\n%s", out)
        .isEmpty();
  }
}
