package io.coderunner.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

/**
 * An axe-core audit of the page a browser test shows, so that the dashboard stays usable with a
 * screen reader and a keyboard: fails on serious and critical violations, returns the rest. The
 * pinned axe.min.js comes from {@code scripts/install-test-deps}, never from the network at test
 * time; without it a test skips (or fails under {@code CI=true}).
 */
final class Accessibility {
  /** Where axe.min.js is; failsafe sets it, a test run from an IDE finds it from the directory. */
  static final String PROPERTY = "coderunner.axe";

  private static final Path UNDER_ROOT = Path.of(".test-deps/node_modules/axe-core/axe.min.js");

  /** The impacts that fail an audit; minor and moderate ones are reported but let it pass. */
  private static final Set<String> FAILING = Set.of("serious", "critical");

  /** axe.run takes a few seconds on a big page, longer than a browser test's script timeout. */
  private static final Duration RUN_TIMEOUT = Duration.ofSeconds(30);

  /** Enough nodes per violation to find the pattern, few enough to read the message. */
  private static final int NODES_SHOWN = 5;

  /**
   * Runs axe and hands back only what the message needs: the whole result holds every node's HTML
   * and is large. A target is one selector per frame, a frame's selector one per shadow root.
   */
  private static final String RUN =
      """
      const done = arguments[arguments.length - 1];
      axe.run(document, {resultTypes: ['violations']}).then(
          (results) => done(JSON.stringify(results.violations.map((v) => ({
            id: v.id,
            impact: v.impact || 'unknown',
            help: v.help,
            helpUrl: v.helpUrl,
            nodes: v.nodes.map((n) => ({
              target: n.target.map((t) => [].concat(t).join(' >>> ')).join(' >> '),
              failureSummary: n.failureSummary || '',
            })),
          })))),
          (error) => done({error: String((error && error.stack) || error)}));
      """;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** axe.min.js, read once: half a megabyte, injected into every page audited. */
  private static @Nullable String source;

  private Accessibility() {}

  /** One rule a page breaks, with the elements that break it. */
  record Violation(String id, String impact, String help, String helpUrl, List<Node> nodes) {
    boolean fails() {
      return FAILING.contains(impact);
    }

    List<String> targets() {
      return nodes.stream().map(Node::target).toList();
    }
  }

  /** An element that breaks a rule: its CSS selector, and axe's list of what to fix. */
  record Node(String target, String failureSummary) {}

  /**
   * Audits the page {@code driver} shows, and fails naming {@code what} (the page or state under
   * test) when it has serious or critical violations. Returns every violation, failing or not.
   */
  static List<Violation> audit(WebDriver driver, String what) {
    String axe = source();
    JavascriptExecutor js = (JavascriptExecutor) driver;
    if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe !== 'undefined';"))) {
      js.executeScript(axe);
    }
    WebDriver.Timeouts timeouts = driver.manage().timeouts();
    Duration previous = timeouts.getScriptTimeout();
    Object result;
    timeouts.scriptTimeout(RUN_TIMEOUT);
    try {
      result = js.executeAsyncScript(RUN);
    } finally {
      timeouts.scriptTimeout(previous);
    }
    if (!(result instanceof String json)) {
      throw new AssertionError("axe-core could not audit " + what + ": " + result);
    }
    List<Violation> violations;
    try {
      violations = List.of(JSON.readValue(json, Violation[].class));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Violation> failing = violations.stream().filter(Violation::fails).toList();
    if (!failing.isEmpty()) {
      throw new AssertionError(message(what, failing));
    }
    if (!violations.isEmpty()) {
      System.err.println(
          "Accessibility of "
              + what
              + ": minor or moderate axe-core violations: "
              + violations.stream().map(v -> v.id() + " (" + v.impact() + ")").toList());
    }
    return violations;
  }

  private static String message(String what, List<Violation> failing) {
    StringBuilder message =
        new StringBuilder("Accessibility of ")
            .append(what)
            .append(": ")
            .append(failing.size())
            .append(" serious or critical axe-core violation")
            .append(failing.size() == 1 ? "" : "s");
    for (Violation v : failing) {
      message
          .append("\n\n")
          .append(v.id())
          .append(" (")
          .append(v.impact())
          .append("): ")
          .append(v.help())
          .append("\n  ")
          .append(v.helpUrl());
      for (Node node : v.nodes().subList(0, Math.min(NODES_SHOWN, v.nodes().size()))) {
        message.append("\n  ").append(node.target());
        node.failureSummary().lines().forEach(line -> message.append("\n    ").append(line));
      }
      if (v.nodes().size() > NODES_SHOWN) {
        message.append("\n  and ").append(v.nodes().size() - NODES_SHOWN).append(" more");
      }
    }
    return message.toString();
  }

  private static synchronized String source() {
    String read = source;
    if (read == null) {
      Path file = script();
      Binaries.requireFile(file, "npm package axe-core");
      try {
        read = Files.readString(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      source = read;
    }
    return read;
  }

  /** {@link #PROPERTY}, else under the first directory up from here that holds the repository. */
  static Path script() {
    String property = System.getProperty(PROPERTY);
    if (property != null && !property.isBlank()) {
      return Path.of(property);
    }
    Path here = Path.of("").toAbsolutePath();
    for (Path dir = here; dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve(".test-deps")) || Files.exists(dir.resolve("mvnw"))) {
        return dir.resolve(UNDER_ROOT);
      }
    }
    return here.resolve(UNDER_ROOT);
  }
}
