package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.server.MonitoringKit.Rule;
import io.coderunner.server.TestServer.Res;
import java.io.IOException;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring kit in {@code docs/monitoring/}: Prometheus's and Alertmanager's own tools accept
 * it, every alert is unit-tested both ways and has a runbook, and every metric its rules and
 * dashboard query is one a real server exports.
 */
class MonitoringKitIT {
  static final Path PROMTOOL = Path.of("/usr/bin/promtool");
  static final Path AMTOOL = Path.of("/usr/bin/amtool");

  /** Prometheus's own series, which no server exports. */
  static final Set<String> PROMETHEUS_SERIES = Set.of("up");

  @BeforeAll
  static void kitIsThere() {
    MonitoringKit.requireDir();
  }

  @Test
  void promtoolAcceptsThePrometheusConfigWithItsRuleFile() {
    Binaries.require(PROMTOOL, "prometheus");
    MonitoringKit.Run run =
        MonitoringKit.run(
                MonitoringKit.DIR, PROMTOOL.toString(), "check", "config", "prometheus.yml")
            .succeeded();
    assertThat(run.output()).contains("SUCCESS: 1 rule files found", "coderunner-alerts.yml");
    assertThat(MonitoringKit.read(MonitoringKit.DIR.resolve("prometheus.yml")))
        .contains(
            "job_name: coderunner",
            "metrics_path: /metrics",
            "\"127.0.0.1:8080\"",
            "\"127.0.0.1:9093\"",
            "- coderunner-alerts.yml");
  }

  @Test
  void promtoolAcceptsTheAlertRules() {
    Binaries.require(PROMTOOL, "prometheus");
    MonitoringKit.Run run =
        MonitoringKit.run(
                MonitoringKit.DIR, PROMTOOL.toString(), "check", "rules", "coderunner-alerts.yml")
            .succeeded();
    assertThat(run.output()).contains("SUCCESS: " + MonitoringKit.rules().size() + " rules found");
  }

  @Test
  void everyAlertFiresInItsUnitTestsAndStaysQuietOnAHealthySeries() {
    Binaries.require(PROMTOOL, "prometheus");
    Map<String, Set<String>> outcomes = unitTestOutcomes();
    for (Rule alert : MonitoringKit.rules()) {
      assertThat(outcomes.get(alert.name()))
          .as("unit tests of %s in coderunner-alerts.test.yml", alert.name())
          .containsExactlyInAnyOrder("fires", "quiet");
    }
    MonitoringKit.Run run =
        MonitoringKit.run(
                MonitoringKit.DIR,
                PROMTOOL.toString(),
                "test",
                "rules",
                "coderunner-alerts.test.yml")
            .succeeded();
    assertThat(run.output()).contains("SUCCESS");
  }

  /**
   * For each alert name, whether some {@code alert_rule_test} expects it to fire ({@code
   * exp_alerts} with entries) and whether some expects it quiet ({@code exp_alerts: []}).
   */
  static Map<String, Set<String>> unitTestOutcomes() {
    Pattern alertname = Pattern.compile("^\\s*alertname:\\s*(\\S+)\\s*$");
    Pattern expected = Pattern.compile("^\\s*exp_alerts:\\s*(.*)$");
    Map<String, Set<String>> out = new TreeMap<>();
    String current = null;
    for (String line : MonitoringKit.read(MonitoringKit.RULE_TESTS).lines().toList()) {
      Matcher a = alertname.matcher(line);
      if (a.matches()) {
        current = a.group(1);
        continue;
      }
      Matcher e = expected.matcher(line);
      if (e.matches() && current != null) {
        String outcome = e.group(1).strip().equals("[]") ? "quiet" : "fires";
        out.computeIfAbsent(current, k -> new TreeSet<>()).add(outcome);
        current = null;
      }
    }
    return out;
  }

  @Test
  void everyAlertHasASeveritySummaryDescriptionAndARunbookInOperationsMd() {
    String operations = MonitoringKit.read(MonitoringKit.OPERATIONS);
    List<Rule> alerts = MonitoringKit.rules();
    assertThat(alerts).extracting(Rule::name).doesNotHaveDuplicates().isNotEmpty();
    for (Rule alert : alerts) {
      assertThat(alert.field("severity")).as(alert.name()).isIn("critical", "warning");
      assertThat(alert.field("summary")).as(alert.name()).isNotBlank();
      assertThat(alert.field("description")).as(alert.name()).isNotBlank();
      assertThat(alert.field("for")).as(alert.name()).matches("\\d+[smh]");
      assertThat(alert.field("runbook_url"))
          .as(alert.name())
          .isEqualTo("docs/operations.md#" + alert.name().toLowerCase(Locale.ROOT));
      assertThat(operations.lines())
          .as("the runbook heading of %s in operations.md", alert.name())
          .contains("### " + alert.name());
    }
  }

  @Test
  void amtoolAcceptsTheAlertmanagerConfig() {
    Binaries.require(AMTOOL, "prometheus-alertmanager");
    MonitoringKit.Run run =
        MonitoringKit.run(MonitoringKit.DIR, AMTOOL.toString(), "check-config", "alertmanager.yml")
            .succeeded();
    assertThat(run.output()).contains("SUCCESS", "1 inhibit rules", "2 receivers");
  }

  @Test
  void alertmanagerRoutesEachAlertToTheReceiverOfItsSeverity() {
    Binaries.require(AMTOOL, "prometheus-alertmanager");
    for (Rule alert : MonitoringKit.rules()) {
      String receiver = "coderunner-" + alert.field("severity");
      MonitoringKit.run(
              MonitoringKit.DIR,
              AMTOOL.toString(),
              "config",
              "routes",
              "test",
              "--config.file=alertmanager.yml",
              "--verify.receivers=" + receiver,
              "alertname=" + alert.name(),
              "severity=" + alert.field("severity"),
              "job=coderunner",
              "instance=127.0.0.1:8080")
          .succeeded();
    }
  }

  @Test
  void theDashboardIsAnImportableGrafanaDashboardOnThePrometheusInput() {
    JsonNode dashboard = MonitoringKit.dashboard();
    assertThat(dashboard.path("schemaVersion").asInt()).isEqualTo(39);
    assertThat(dashboard.path("__inputs").findValuesAsText("name")).contains("DS_PROMETHEUS");
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : MonitoringKit.panels(dashboard)) {
      String title = panel.path("title").asText();
      assertThat(ids.add(panel.path("id").asInt())).as("id of panel %s is unique", title).isTrue();
      for (JsonNode target : panel.path("targets")) {
        assertThat(target.path("datasource").path("uid").asText())
            .as("data source of a query of panel %s", title)
            .isEqualTo("${DS_PROMETHEUS}");
      }
    }
    assertThat(MonitoringKit.panels(dashboard))
        .as("rows that are collapsed keep their panels inside")
        .anySatisfy(
            p -> {
              assertThat(p.path("type").asText()).isEqualTo("row");
              assertThat(p.path("panels").size()).isPositive();
            });
  }

  @Test
  void promtoolParsesEveryDashboardQuery(@TempDir Path dir) throws IOException {
    Binaries.require(PROMTOOL, "prometheus");
    // Each query becomes a recording rule, so promtool parses it; Grafana's variables get values.
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    int n = 0;
    for (List<String> exprs : MonitoringKit.dashboardExprs().values()) {
      for (String expr : exprs) {
        String promql =
            expr.replace("$__rate_interval", "5m")
                .replace("$__interval", "1m")
                .replace("$instance", ".*");
        rules
            .append("      - record: dashboard:query_")
            .append(n++)
            .append("\n        expr: ")
            .append(yamlString(promql))
            .append('\n');
      }
    }
    Path file = dir.resolve("dashboard-queries.yml");
    Files.writeString(file, rules, UTF_8);
    MonitoringKit.Run run =
        MonitoringKit.run(dir, PROMTOOL.toString(), "check", "rules", file.toString()).succeeded();
    assertThat(run.output()).contains("SUCCESS: " + n + " rules found");
  }

  private static String yamlString(String s) {
    try {
      return TestServer.JSON.writeValueAsString(s); // a JSON string is a YAML double-quoted one
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void everyMetricTheRulesAndTheDashboardQueryIsExportedByARealServer() throws Exception {
    Map<String, Set<String>> queriedBy = new TreeMap<>();
    for (Rule rule : MonitoringKit.rules()) {
      for (String name : PromQlNames.of(rule.expr())) {
        queriedBy.computeIfAbsent(name, k -> new TreeSet<>()).add("alert " + rule.name());
      }
    }
    MonitoringKit.dashboardExprs()
        .forEach(
            (panel, exprs) -> {
              for (String expr : exprs) {
                for (String name : PromQlNames.of(expr)) {
                  queriedBy.computeIfAbsent(name, k -> new TreeSet<>()).add("panel " + panel);
                }
              }
            });
    assertThat(queriedBy)
        .as("names read from the kit")
        .containsKeys("up", "coderunner_ws_connections", "jvm_memory_used_bytes");

    try (TestServer t = new TestServer()) {
      WebSocket ws = exerciseEveryMeter(t);
      try {
        await()
            .atMost(10, TimeUnit.SECONDS)
            .untilAsserted(
                () -> {
                  Set<String> exported = exportedNames(t);
                  Map<String, Set<String>> missing = new TreeMap<>(queriedBy);
                  missing.keySet().removeAll(exported);
                  missing.keySet().removeAll(PROMETHEUS_SERIES);
                  assertThat(missing)
                      .as(
                          "metrics the kit queries that /metrics does not export (name=[queried by])")
                      .isEmpty();
                });
      } finally {
        ws.abort();
      }
    }
  }

  /** Makes the server create every series the kit reads, and returns a subscribed WebSocket. */
  static WebSocket exerciseEveryMeter(TestServer t) throws Exception {
    Res login =
        t.post(
            "/api/auth/login",
            null,
            "{\"username\":\"alice\",\"password\":\"" + TestServer.PASSWORD + "\"}");
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    String app = t.create(ALICE, "kit-app");
    assertThat(t.post("/api/deployments/" + app + "/start", ALICE, null).status()).isEqualTo(202);
    String bad = t.create(ALICE, "kit-bad", "fail");
    Res failed = t.post("/api/deployments/" + bad + "/start", ALICE, null);
    assertThat(failed.json().path("status").asText()).as(failed.body()).isEqualTo("failed");
    t.ingest(ALICE, app, "history one", "history two");
    assertThat(t.get("/nowhere", null).status()).isEqualTo(404);

    WsFrames frames = new WsFrames();
    WebSocket ws = WsFrames.open(t, ALICE, frames);
    frames.await("\"welcome\"");
    // after = 1 resumes from a position: the server counts the resume by its outcome.
    WsFrames.send(ws, "{\"type\":\"subscribe\",\"deploymentId\":\"" + app + "\",\"after\":1}");
    frames.await("\"subscribed\"");
    frames.await("history two");
    t.ingest(ALICE, app, "live line");
    frames.await("live line");

    System.gc(); // the GC pause timers appear with the first collection
    return ws;
  }

  /** The names of the samples in a scrape of {@code /metrics}. */
  static Set<String> exportedNames(TestServer t) {
    Res r = t.get("/metrics", null);
    assertThat(r.status()).isEqualTo(200);
    Set<String> names = new TreeSet<>();
    for (String line : r.body().split("\n", -1)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = 0;
      while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
        end++;
      }
      names.add(line.substring(0, end));
    }
    return names;
  }
}
