package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.StreamKind;
import io.coderunner.core.deploy.LocalRunnerConfig;
import io.coderunner.core.log.LogStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The log viewer in real headless Chromium: terminal output of a real script, whole-log search,
 * permalinks, earlier lines, the raw download and a view of 100,000 lines. One browser and one
 * server for the class; big logs are appended to the server's store directly.
 */
class LogViewerIT {
  static TestServer t;
  static Browser browser;
  static WebDriver driver;

  @BeforeAll
  static void start() {
    browser = Browser.start();
    driver = browser.driver;
    t =
        TestServer.withLocalProcesses(
            b ->
                b.runner(
                    LocalRunnerConfig.builder()
                        .allowedCommands(Set.of("sh"))
                        .stopGrace(Duration.ofSeconds(2))
                        .build()));
    driver.get(t.uri("/").toString());
    waitFor(testid("login-username")).sendKeys("alice");
    driver.findElement(testid("login-password")).sendKeys(TestServer.PASSWORD);
    driver.findElement(testid("login-submit")).click();
    waitFor(By.id("show-create"));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {t, browser}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing the other matters more
      }
    }
  }

  private static Object js(String script, Object... args) {
    return browser.js(script, args);
  }

  private static WebDriverWait waitUpTo(int seconds) {
    return browser.waitUpTo(seconds);
  }

  private static By testid(String id) {
    return Browser.testid(id);
  }

  private static WebElement waitFor(By by) {
    return browser.waitFor(by);
  }

  private static By line(long seq) {
    return By.cssSelector("[data-testid=\"log-line\"][data-seq=\"" + seq + "\"]");
  }

  private static void openLog(String id, String suffix) {
    driver.get(t.uri("/deployments/" + id + suffix).toString());
    waitFor(By.cssSelector(".lines"));
  }

  private static long domLines() {
    return (Long) js("return document.querySelectorAll('[data-testid=\"log-line\"]').length");
  }

  /** A deployment whose log holds {@code n} lines after its "created" line, appended directly. */
  private static String bigLog(String name, int n, String every300th) {
    return bigLog(name, n, every300th, 1000);
  }

  /** As above, with every {@code errorEvery}th line an error. */
  private static String bigLog(String name, int n, String every300th, int errorEvery) {
    String id = t.create(ALICE, name);
    LogStore logs = t.server.logStore();
    List<LogEntry> batch = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      boolean word = every300th != null && i % (n / 300) == 0 && i / (n / 300) <= 300;
      LogLevel level = i % errorEvery == 0 ? LogLevel.ERROR : LogLevel.INFO;
      batch.add(
          new LogEntry(
              null,
              StreamKind.STDOUT,
              level,
              "line " + i + (word ? " " + every300th : "") + " lorem ipsum dolor sit amet"));
      if (batch.size() == 10_000 || i == n) {
        logs.append(new DeploymentId(id), batch);
        batch.clear();
      }
    }
    return id;
  }

  @Test
  void aScriptsColoursProgressAndSectionsRenderAsATerminalWould() {
    String script =
        "printf 'section_start:%s:build[collapsed=false]\\r\\033[0KBuilding\\n' $(date +%s);"
            + "printf '\\033[31mred\\033[0m \\033[1;4mbold underlined\\033[0m"
            + " \\033[38;5;208morange\\033[0m \\033[38;2;10;200;30mtrue\\033[0m\\n';"
            + "printf 'progress 10%%\\rprogress 50%%\\rprogress 100%%\\n';"
            + "printf 'section_end:%s:build\\r\\033[0K\\n' $(date +%s);"
            + "printf 'section_start:%s:tests\\r\\033[0KTesting\\n' $(date +%s);"
            + "printf 'test one ok\\n';"
            + "printf 'section_end:%s:tests\\r\\033[0K\\n' $(date +%s);"
            + "printf 'after the sections\\n'";
    String id = t.create(ALICE, "terminal", "sh", "-c", script);
    assertThat(t.post("/api/deployments/" + id + "/start", ALICE, null).status()).isEqualTo(202);
    openLog(id, "");
    WebElement last =
        waitUpTo(15)
            .until(
                d ->
                    d
                        .findElements(
                            By.xpath(
                                "//*[@data-testid='log-line'][contains(., 'after the sections')]"))
                        .stream()
                        .findFirst()
                        .orElse(null));
    assertThat(last.getText()).contains("after the sections");

    // Colours are styles, never escape codes in the text.
    WebElement colours =
        driver.findElement(By.xpath("//*[@data-testid='log-line'][contains(., 'orange')]"));
    String text = colours.findElement(By.cssSelector(".msg")).getText();
    assertThat(text).isEqualTo("red bold underlined orange true").doesNotContain("\u001b", "[31m");
    WebElement red = colours.findElement(By.xpath(".//span[text()='red']"));
    assertThat(red.getAttribute("class")).isEqualTo("ansi-fg-1");
    WebElement bold = colours.findElement(By.xpath(".//span[text()='bold underlined']"));
    assertThat(bold.getCssValue("font-weight")).isEqualTo("700");
    assertThat(bold.getCssValue("text-decoration-line")).isEqualTo("underline");
    assertThat(colours.findElement(By.xpath(".//span[text()='orange']")).getCssValue("color"))
        .isEqualTo("rgba(255, 135, 0, 1)");
    assertThat(colours.findElement(By.xpath(".//span[text()='true']")).getCssValue("color"))
        .isEqualTo("rgba(10, 200, 30, 1)");

    // The progress line is one line, in its last state.
    List<WebElement> progress =
        driver.findElements(By.xpath("//*[@data-testid='log-line'][contains(., 'progress')]"));
    assertThat(progress).hasSize(1);
    assertThat(progress.get(0).findElement(By.cssSelector(".msg")).getText())
        .isEqualTo("progress 100%");

    // "build" said collapsed=false: it stays open; "tests" folded when it finished.
    WebElement build = sectionHeader("Building");
    assertThat(build.findElement(testid("section-toggle")).getAttribute("aria-expanded"))
        .isEqualTo("true");
    WebElement tests = sectionHeader("Testing");
    assertThat(tests.findElement(testid("section-toggle")).getAttribute("aria-expanded"))
        .isEqualTo("false");
    assertThat(tests.findElement(testid("section-duration")).getText()).matches("\\d+ (ms|s)");
    assertThat(
            driver.findElements(
                By.xpath("//*[@data-testid='log-line'][contains(., 'test one ok')]")))
        .as("a folded section's lines are not shown")
        .isEmpty();
    assertThat(
            driver.findElements(By.xpath("//*[@data-testid='log-line'][contains(., 'section_')]")))
        .as("markers show as their headers, never as text")
        .isEmpty();
    browser.screenshot("viewer-terminal");

    tests.findElement(testid("section-toggle")).click();
    waitFor(By.xpath("//*[@data-testid='log-line'][contains(., 'test one ok')]"));
    assertThat(
            sectionHeader("Testing")
                .findElement(testid("section-toggle"))
                .getAttribute("aria-expanded"))
        .isEqualTo("true");
    sectionHeader("Building").findElement(testid("section-toggle")).click();
    waitUpTo(5)
        .until(
            d ->
                d.findElements(By.xpath("//*[@data-testid='log-line'][contains(., 'orange')]"))
                    .isEmpty());
    browser.screenshot("viewer-sections");
  }

  private static WebElement sectionHeader(String title) {
    return waitFor(
        By.xpath(
            "//*[@data-testid='log-line'][contains(@class,'section')][.//span[@class='msg' and text()='"
                + title
                + "']]"));
  }

  @Test
  void findStepsThroughEveryMatchInTheWholeLogWithTheCount() {
    String id = bigLog("find", 50_000, "needle");
    JsonNode api = t.get("/api/deployments/" + id + "/logs/search?q=needle", ALICE).json();
    List<Long> matches = new ArrayList<>();
    api.get("seqs").forEach(s -> matches.add(s.asLong()));
    assertThat(matches).hasSize(300);
    openLog(id, "");
    waitFor(line(50_001));

    WebElement find = driver.findElement(testid("find-text"));
    find.sendKeys("needle");
    WebElement count = driver.findElement(testid("find-count"));
    waitUpTo(10).until(d -> count.getText().equals("300 / 300"));
    assertCurrentMatch(matches.get(299));
    // 300 steps forwards (wrapping from 300 to 1) and 299 back, each with a real click or key
    // press, waiting in the page for its answer: the count and the row marked current.
    List<String> forwards = steps("[data-testid=\"find-next\"]", 300);
    List<String> backwards = steps("[data-testid=\"find-text\"]", 299);
    List<String> expectedForwards = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      expectedForwards.add((i + 1) + " / 300 at " + matches.get(i));
    }
    List<String> expectedBackwards = new ArrayList<>();
    for (int i = 298; i >= 0; i--) {
      expectedBackwards.add((i + 1) + " / 300 at " + matches.get(i));
    }
    assertThat(forwards).isEqualTo(expectedForwards);
    assertThat(backwards).isEqualTo(expectedBackwards);
    assertCurrentMatch(matches.get(0));
    browser.screenshot("viewer-find");
    assertThat(domLines()).as("the view stays virtual").isLessThanOrEqualTo(500);
  }

  /**
   * Presses next ({@code target} a button: a click) or previous (the find field: Shift+Enter)
   * {@code n} times, each once the last was answered, and gives each answer as "{count} at {seq}".
   */
  @SuppressWarnings("unchecked")
  private static List<String> steps(String target, int n) {
    driver.manage().timeouts().scriptTimeout(Duration.ofMinutes(2));
    try {
      return (List<String>)
          ((JavascriptExecutor) driver)
              .executeAsyncScript(
                  "const [sel, n, done] = arguments; const el = document.querySelector(sel);"
                      + " const count = document.querySelector('[data-testid=\"find-count\"]');"
                      + " const out = [];"
                      + " const press = () => el.tagName === 'BUTTON' ? el.click()"
                      + "   : el.dispatchEvent(new KeyboardEvent('keydown',"
                      + "       {key: 'Enter', shiftKey: true, bubbles: true}));"
                      + " const answered = (before) => new Promise((resolve) => {"
                      + "   const check = () => {"
                      + "     const cur = document.querySelector('.current-match');"
                      + "     if (cur && count.textContent !== before) {"
                      + "       resolve(count.textContent + ' at ' + cur.dataset.seq); return; }"
                      + "     requestAnimationFrame(check); };"
                      + "   check(); });"
                      + " (async () => { for (let i = 0; i < n; i++) {"
                      + "   const before = count.textContent; press();"
                      + "   await new Promise((r) => setTimeout(r, 0));"
                      + "   out.push(await answered(before)); }"
                      + "   done(out); })();",
                  target,
                  n);
    } finally {
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    }
  }

  private static void assertCurrentMatch(long seq) {
    WebElement current = waitFor(line(seq));
    waitUpTo(5).until(d -> current.getAttribute("class").contains("current-match"));
    assertThat(current.findElement(By.cssSelector("mark")).getText()).isEqualTo("needle");
  }

  @Test
  void aPermalinkFarBackOpensThereHighlighted() {
    String id = bigLog("permalink", 30_000, null);
    openLog(id, "#L1234");
    WebElement target =
        waitUpTo(20).until(ExpectedConditions.visibilityOfElementLocated(line(1234)));
    assertThat(target.getAttribute("class")).contains("highlighted");
    assertThat(target.getText()).contains("line 1233 lorem");
    browser.screenshot("viewer-permalink");

    // A line's number is its link: following one moves the highlight there.
    WebElement other = driver.findElement(line(1240)).findElement(By.cssSelector("a.ln"));
    assertThat(other.getAttribute("href")).endsWith("/deployments/" + id + "#L1240");
    other.click();
    waitUpTo(5).until(d -> d.findElement(line(1240)).getAttribute("class").contains("highlighted"));
    assertThat(driver.findElement(line(1234)).getAttribute("class")).doesNotContain("highlighted");
  }

  @Test
  void loadEarlierUnderAnErrorFilterPagesInOlderErrorsOnly() {
    String id = bigLog("earlier", 30_000, null, 10); // 3,000 errors: the tail holds 1,000
    openLog(id, "?level=error");
    waitFor(line(30_001));
    assertThat(rowsHeld()).isEqualTo(1000);
    driver.findElement(testid("load-earlier")).click();
    waitUpTo(10).until(d -> rowsHeld() == 3000);
    assertThat(driver.findElement(testid("load-earlier")).isDisplayed())
        .as("nothing earlier is left")
        .isFalse();
    js("document.querySelector('.lines').scrollTop = 0");
    waitFor(line(11));
    List<Long> top = shown();
    List<Long> api = new ArrayList<>();
    t.get("/api/deployments/" + id + "/logs?level=error&limit=" + top.size(), ALICE)
        .json()
        .get("lines")
        .forEach(l -> api.add(l.get("seq").asLong()));
    assertThat(top).as("the oldest errors, as the history has them").isEqualTo(api);
    assertThat(
            driver.findElements(
                By.cssSelector("[data-testid='log-line']:not([data-level='error'])")))
        .isEmpty();
    browser.screenshot("viewer-earlier");
  }

  /** The rows the view holds, rendered or not. */
  private static long rowsHeld() {
    return (Long) js("return Math.round(document.querySelector('.spacer').offsetHeight / 20)");
  }

  private static List<Long> shown() {
    return browser.shownSeqs();
  }

  @Test
  void theDownloadIsTheRawLogTheHistoryHolds() throws Exception {
    String id = t.create(ALICE, "download");
    t.ingest(ALICE, id, "first", "\\u001b[32mgreen\\u001b[0m", "50%\\r100%");
    openLog(id, "");
    waitFor(line(4));
    Path dir = browser.downloads();
    driver.findElement(testid("download")).click();
    Path file = dir.resolve(id + ".log");
    waitUpTo(15).until(d -> Files.exists(file) && sizeOf(file) > 0);
    StringBuilder expected = new StringBuilder();
    t.get("/api/deployments/" + id + "/logs?limit=1000", ALICE)
        .json()
        .get("lines")
        .forEach(l -> expected.append(l.get("message").asText()).append('\n'));
    assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo(expected.toString());
  }

  private static long sizeOf(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      return 0;
    }
  }

  @Test
  void aHundredThousandLinesStayVirtualAndJumpToLatestAnswers() {
    String id = bigLog("hundred-thousand", 99_999, null);
    openLog(id, "#L1");
    waitUpTo(60).until(ExpectedConditions.visibilityOfElementLocated(line(1)));
    assertThat(domLines()).as("only rows near the viewport").isLessThanOrEqualTo(500);
    assertThat(rowsHeld()).as("every line is in the view's model").isEqualTo(100_000);
    WebElement jump = waitFor(testid("jump-to-latest"));
    jump.click();
    waitFor(line(100_000));
    assertThat(domLines()).isLessThanOrEqualTo(500);

    // Typing in the filter stays answered: the text appears as typed.
    WebElement filter = driver.findElement(testid("filter-text"));
    filter.sendKeys("line 99999");
    assertThat(filter.getAttribute("value")).isEqualTo("line 99999");
    waitUpTo(10).until(d -> shown().equals(List.of(100_000L)));
  }

  @Test
  void theLightThemeIsRememberedAndEveryViewPassesTheAudit() {
    String id = t.create(ALICE, "audited");
    t.ingest(ALICE, id, "\\u001b[31mred\\u001b[0m plain", "\\u001b[33myellow\\u001b[0m");
    driver.get(t.uri("/").toString());
    waitFor(By.id("show-create"));
    Accessibility.audit(driver, "the list, dark");
    openLog(id, "");
    waitFor(line(3));
    Accessibility.audit(driver, "the log view, dark");
    if ("light".equals(js("return document.documentElement.dataset.theme"))) {
      driver.findElement(testid("theme-toggle")).click(); // the system's preference was light
      Accessibility.audit(driver, "the log view, dark");
    }
    driver.findElement(testid("theme-toggle")).click();
    assertThat(js("return document.documentElement.dataset.theme")).isEqualTo("light");
    driver.navigate().refresh();
    waitFor(line(3));
    assertThat(js("return document.documentElement.dataset.theme"))
        .as("remembered")
        .isEqualTo("light");
    Accessibility.audit(driver, "the log view, light");
    browser.screenshot("viewer-light");
    js("sessionStorage.clear()");
    driver.navigate().refresh();
    waitFor(testid("login-username"));
    Accessibility.audit(driver, "the login, light");
    driver.findElement(testid("theme-toggle")).click();
    Accessibility.audit(driver, "the login, dark");
    driver.findElement(testid("login-username")).sendKeys("alice");
    driver.findElement(testid("login-password")).sendKeys(TestServer.PASSWORD);
    driver.findElement(testid("login-submit")).click();
    waitFor(line(3)); // back where the session ended
  }
}
