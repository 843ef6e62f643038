package io.coderunner.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The files of {@code docs/monitoring/}, read the way the tests need them, and the system tools
 * that check them.
 */
final class MonitoringKit {
  /** Failsafe runs in the module's directory; the docs are beside it. */
  static final Path DIR = Path.of("..", "docs", "monitoring");

  static final Path OPERATIONS = Path.of("..", "docs", "operations.md");
  static final Path RULES = DIR.resolve("coderunner-alerts.yml");
  static final Path RULE_TESTS = DIR.resolve("coderunner-alerts.test.yml");
  static final Path DASHBOARD = DIR.resolve("grafana-dashboard.json");

  private static final Pattern RULE_START =
      Pattern.compile("^\\s*- (alert|record):\\s*(\\S+)\\s*$");
  private static final Pattern KEY_VALUE = Pattern.compile("^(\\s*)([A-Za-z_]+):\\s*(.*)$");

  private MonitoringKit() {}

  /** Checks that the kit is where the tests look for it, so a wrong directory fails clearly. */
  static void requireDir() {
    assertThat(DIR.resolve("prometheus.yml"))
        .as(
            "docs/monitoring, looked for at %s from %s",
            DIR.toAbsolutePath().normalize(), Path.of("").toAbsolutePath())
        .isRegularFile();
  }

  /** What a finished command printed (stdout and stderr together) and its exit code. */
  record Run(List<String> command, int exit, String output) {
    /** Asserts exit code 0, showing the command and its output otherwise. */
    Run succeeded() {
      assertThat(exit).as("%s exited %d:%n%s", String.join(" ", command), exit, output).isZero();
      return this;
    }
  }

  /** Runs {@code command} in {@code dir} and waits for it, at most a minute. */
  static Run run(Path dir, String... command) {
    try {
      Process p =
          new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), UTF_8);
      if (!p.waitFor(1, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        fail("%s did not finish within a minute:%n%s", String.join(" ", command), out);
      }
      return new Run(List.of(command), p.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * One rule of a Prometheus rule file: its name (alert or recorded series), its expression and
   * every other {@code key: value} line of the rule (for, severity, summary, ...), unquoted.
   */
  record Rule(String name, String expr, Map<String, String> fields) {
    String field(String key) {
      String v = fields.get(key);
      assertThat(v).as("%s of rule %s", key, name).isNotNull();
      return v;
    }
  }

  /** The rules of the shipped rule file. */
  static List<Rule> rules() {
    return rules(read(RULES));
  }

  /**
   * The rules of a rule file, read line by line as the shipped file is written: a rule starts at
   * {@code - alert:} or {@code - record:}, its expression is on the {@code expr:} line or, after
   * {@code expr: |} or {@code expr: >}, on the lines indented below it.
   */
  static List<Rule> rules(String yaml) {
    List<Rule> rules = new ArrayList<>();
    String name = null;
    String expr = null;
    Map<String, String> fields = new LinkedHashMap<>();
    List<String> lines = yaml.lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.strip().startsWith("#")) {
        continue;
      }
      Matcher start = RULE_START.matcher(line);
      if (start.matches()) {
        if (name != null) {
          rules.add(rule(name, expr, fields));
        }
        name = start.group(2);
        expr = null;
        fields = new LinkedHashMap<>();
        continue;
      }
      Matcher kv = KEY_VALUE.matcher(line);
      if (name == null || !kv.matches()) {
        continue;
      }
      String key = kv.group(2);
      String value = kv.group(3).strip();
      if (key.equals("expr") && value.matches("[|>][-+]?")) {
        int indent = kv.group(1).length();
        StringBuilder block = new StringBuilder();
        while (i + 1 < lines.size()
            && (lines.get(i + 1).isBlank() || indentOf(lines.get(i + 1)) > indent)) {
          block.append(lines.get(++i).strip()).append('\n');
        }
        value = block.toString().strip();
      } else {
        value = unquote(value);
      }
      if (key.equals("expr")) {
        expr = value;
      } else {
        fields.putIfAbsent(key, value);
      }
    }
    if (name != null) {
      rules.add(rule(name, expr, fields));
    }
    return rules;
  }

  private static Rule rule(String name, String expr, Map<String, String> fields) {
    assertThat(expr).as("expr of rule %s", name).isNotBlank();
    return new Rule(name, expr, fields);
  }

  private static int indentOf(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    return i;
  }

  private static String unquote(String v) {
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    if (v.length() >= 2 && v.startsWith("'") && v.endsWith("'")) {
      return v.substring(1, v.length() - 1).replace("''", "'");
    }
    return v;
  }

  /** The dashboard's panels, rows' nested panels included. */
  static List<JsonNode> panels(JsonNode dashboard) {
    List<JsonNode> out = new ArrayList<>();
    addPanels(dashboard.path("panels"), out);
    return out;
  }

  private static void addPanels(JsonNode panels, List<JsonNode> out) {
    for (JsonNode p : panels) {
      out.add(p);
      addPanels(p.path("panels"), out);
    }
  }

  /** Every query of the dashboard's panels, by panel title. */
  static Map<String, List<String>> dashboardExprs() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (JsonNode panel : panels(dashboard())) {
      for (JsonNode target : panel.path("targets")) {
        String expr = target.path("expr").asText("");
        assertThat(expr)
            .as("expr of a target of panel %s", panel.path("title").asText())
            .isNotBlank();
        out.computeIfAbsent(panel.path("title").asText(), k -> new ArrayList<>()).add(expr);
      }
    }
    return out;
  }

  static JsonNode dashboard() {
    try {
      return TestServer.JSON.readTree(read(DASHBOARD));
    } catch (IOException e) {
      throw new UncheckedIOException("grafana-dashboard.json is not JSON", e);
    }
  }

  static String read(Path file) {
    try {
      return Files.readString(file, UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
