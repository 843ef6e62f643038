package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static io.coderunner.server.TestServer.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.deploy.InMemoryDeploymentStore;
import io.coderunner.core.deploy.LocalRunnerConfig;
import io.coderunner.core.log.RetentionConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in real headless Chromium against the real server. One browser for the class, and
 * two servers: one with a fake runner for the list, one running real scripts for the log view.
 */
class DashboardIT {
  static TestServer t;
  static TestServer processes;
  static Browser browser;
  static WebDriver driver;

  @BeforeAll
  static void start() {
    browser = Browser.start();
    driver = browser.driver;
    t = new TestServer();
    processes =
        TestServer.withLocalProcesses(
            b ->
                b.loginFailuresPerMinutePerUserAndAddress(2)
                    .runner(
                        LocalRunnerConfig.builder()
                            .allowedCommands(Set.of("sh"))
                            .stopGrace(Duration.ofSeconds(2))
                            .build()));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {t, processes, browser}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing the others matters more
      }
    }
  }

  @BeforeEach
  void freshPage() {
    open(t, "/");
  }

  /** Loads {@code path} of {@code server} in a fresh session (in every tab but this one). */
  private static void open(TestServer server, String path) {
    openAt(server.uri(path).toString());
  }

  /** Loads {@code url} in a fresh session (in every tab but this one). */
  private static void openAt(String url) {
    driver.get(url);
    ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
    driver.navigate().refresh();
    waitFor(testid("login-username"));
  }

  private static Object js(String script) {
    return browser.js(script);
  }

  /**
   * Logs alice in to the processes server, starts a script that prints {@code word} and a counter
   * every {@code pause} seconds, and opens its log view until it shows {@code lines} lines.
   */
  private static String followCounter(String name, String word, String pause, int lines) {
    open(processes, "/");
    logIn("alice", TestServer.PASSWORD);
    waitForText(testid("connection-state"), "connected");
    String id =
        processes.create(
            ALICE,
            name,
            "sh",
            "-c",
            "i=0; while [ $i -lt 100000 ]; do echo \""
                + word
                + " $i\"; i=$((i+1)); sleep "
                + pause
                + "; done");
    assertThat(processes.post("/api/deployments/" + id + "/start", ALICE, null).status())
        .isEqualTo(202);
    driver.get(processes.uri("/deployments/" + id).toString());
    waitUpTo(15).until(d -> lastShown() >= lines); // the view holds only rows near its viewport
    return id;
  }

  private static long lastShown() {
    List<Long> seqs = shownSeqs();
    return seqs.isEmpty() ? 0 : seqs.get(seqs.size() - 1);
  }

  /** The seqs of the lines the log view shows, in order. */
  private static List<Long> shownSeqs() {
    return browser.shownSeqs();
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

  private static void waitForText(By by, String text) {
    waitUpTo(10).until(ExpectedConditions.textToBePresentInElementLocated(by, text));
  }

  private static By row(String id) {
    return By.cssSelector("[data-testid=\"deployment-row\"][data-deployment-id=\"" + id + "\"]");
  }

  private static void logIn(String user, String password) {
    driver.findElement(testid("login-username")).sendKeys(user);
    driver.findElement(testid("login-password")).sendKeys(password);
    driver.findElement(testid("login-submit")).click();
  }

  @Test
  void aWrongPasswordIsSaidAndARightOneShowsTheListConnected() {
    logIn("alice", "wrong");
    waitForText(By.id("login-error"), "Wrong username or password");
    browser.screenshot("01-login-refused");
    driver.findElement(testid("login-password")).clear();
    driver.findElement(testid("login-username")).clear();
    logIn("alice", TestServer.PASSWORD);
    waitForText(testid("connection-state"), "connected");
    assertThat(driver.findElement(By.id("who")).getText()).isEqualTo("alice");
    browser.screenshot("02-logged-in");

    driver.findElement(testid("logout")).click();
    waitFor(testid("login-username"));
    assertThat(driver.findElement(testid("connection-state")).getText()).isEqualTo("offline");
    assertThat(
            ((JavascriptExecutor) driver)
                .executeScript("return sessionStorage.getItem('coderunner.session')"))
        .as("logging out forgets the token")
        .isNull();
    assertThat(driver.manage().getCookies()).as("the token is never a cookie").isEmpty();
  }

  @Test
  void aDeploymentMadeThroughTheApiAppearsWithoutAReloadAndItsBadgeFollowsStartAndStop() {
    logIn("alice", TestServer.PASSWORD);
    waitForText(testid("connection-state"), "connected");
    String id = t.create(ALICE, "made-by-api");
    String bobs = t.create(BOB, "bobs-own");
    WebElement r = waitFor(row(id));
    waitForText(row(id), "created");
    assertThat(driver.findElements(row(bobs))).as("another owner's deployment").isEmpty();
    assertThat(r.findElement(testid("action-stop")).isEnabled()).isFalse();

    r.findElement(testid("action-start")).click();
    waitForText(row(id), "running");
    assertThat(driver.findElement(row(id)).findElement(testid("action-start")).isEnabled())
        .isFalse();
    browser.screenshot("03-running");

    driver.findElement(row(id)).findElement(testid("action-stop")).click();
    waitForText(row(id), "stopped");
    waitFor(testid("toast"));
    List<String> toasts =
        driver.findElements(testid("toast")).stream().map(WebElement::getText).toList();
    assertThat(toasts).anyMatch(s -> s.contains("made-by-api") && s.contains("stopped"));
    browser.screenshot("04-stopped-toast");

    assertThat(t.call("DELETE", "/api/deployments/" + id, ALICE, null).status()).isEqualTo(204);
    waitUpTo(10).until(ExpectedConditions.numberOfElementsToBe(row(id), 0));
  }

  @Test
  void theCreateFormShowsTheServersFieldErrorsNextToTheirFields() {
    logIn("alice", TestServer.PASSWORD);
    waitForText(testid("connection-state"), "connected");
    driver.findElement(By.id("show-create")).click();
    driver.findElement(By.id("create-name")).sendKeys("   ");
    driver.findElement(By.cssSelector("#create-form button[type=submit]")).click();
    WebElement nameError = waitFor(By.cssSelector(".field-error[data-field=\"name\"]"));
    assertThat(nameError.getText()).contains("name");
    WebElement commandError =
        driver.findElement(By.cssSelector(".field-error[data-field=\"command\"]"));
    assertThat(commandError.getText()).contains("command");
    browser.screenshot("05-create-errors");

    driver.findElement(By.id("create-name")).clear();
    driver.findElement(By.id("create-name")).sendKeys("from-the-form");
    driver.findElement(By.id("create-command")).sendKeys("app\n--port\n8080");
    driver.findElement(By.id("add-env")).click();
    driver.findElement(By.cssSelector(".env-row .env-name")).sendKeys("MODE");
    driver.findElement(By.cssSelector(".env-row .env-value")).sendKeys("demo");
    driver.findElement(By.cssSelector("#create-form button[type=submit]")).click();
    waitForText(By.id("deployments"), "from-the-form");
    String created =
        driver.findElements(testid("deployment-row")).stream()
            .filter(e -> e.getText().contains("from-the-form"))
            .findFirst()
            .orElseThrow()
            .getAttribute("data-deployment-id");
    var d = t.get("/api/deployments/" + created, ALICE).json();
    assertThat(d.get("command").toString()).isEqualTo("[\"app\",\"--port\",\"8080\"]");
    assertThat(d.get("env").get("MODE").asText()).isEqualTo("demo");
  }

  @Test
  void aScriptsLinesArriveLiveAndAnErrorFilterAppliesToItsHistoryToo() {
    open(processes, "/");
    logIn("alice", TestServer.PASSWORD);
    waitForText(testid("connection-state"), "connected");
    String id =
        processes.create(
            ALICE,
            "ticker",
            "sh",
            "-c",
            "i=0; while [ $i -lt 100000 ]; do echo \"INFO tick $i\";"
                + " if [ $((i%5)) -eq 0 ]; then echo \"ERROR tick $i failed\" >&2; fi;"
                + " i=$((i+1)); sleep 0.05; done");
    waitFor(row(id)).findElement(testid("action-start")).click();
    waitForText(row(id), "running");
    driver.findElement(row(id)).findElement(By.cssSelector("a.name")).click();
    waitFor(testid("log-view"));
    assertThat(driver.getCurrentUrl()).endsWith("/deployments/" + id);
    waitUpTo(15).until(d -> d.findElements(testid("log-line")).size() >= 20);
    List<Long> live = shownSeqs();
    assertThat(live).isSorted().doesNotHaveDuplicates();
    browser.screenshot("06-log-live");

    new org.openqa.selenium.support.ui.Select(driver.findElement(testid("filter-level")))
        .selectByValue("error");
    waitUpTo(15)
        .until(
            d ->
                !d.findElements(testid("log-line")).isEmpty()
                    && d.findElements(testid("log-line")).stream()
                        .allMatch(e -> "error".equals(e.getAttribute("data-level"))));
    assertThat(driver.getCurrentUrl()).endsWith("/deployments/" + id + "?level=error");
    List<Long> errors = shownSeqs();
    assertThat(errors.get(0))
        .as("the filtered view starts with history from before the filter")
        .isLessThan(live.get(live.size() - 1));
    browser.screenshot("07-log-errors-only");

    // Shared: the same URL in a new tab shows the same filtered view.
    String url = driver.getCurrentUrl();
    String first = driver.getWindowHandle();
    driver.switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
    driver.get(url);
    waitForText(testid("connection-state"), "connected");
    waitUpTo(15).until(d -> !d.findElements(testid("log-line")).isEmpty());
    assertThat(driver.findElements(testid("log-line")))
        .allMatch(e -> "error".equals(e.getAttribute("data-level")));
    assertThat(driver.findElement(testid("filter-level")).getAttribute("value")).isEqualTo("error");

    // A logout in this tab logs the first one out too.
    driver.findElement(testid("logout")).click();
    waitFor(testid("login-username"));
    driver.close();
    driver.switchTo().window(first);
    waitFor(testid("login-username"));
    waitForText(By.id("login-error"), "logged out in another tab");
    assertThat(processes.post("/api/deployments/" + id + "/stop", ALICE, null).status())
        .isEqualTo(202);
  }

  @Test
  void aDroppedConnectionReconnectsAndResumesWithoutALostOrRepeatedLine() throws Exception {
    String id = followCounter("steady", "line", "0.02", 30);

    for (var c : processes.get("/api/ws/connections", TestServer.ROOT).json().get("items")) {
      processes.call(
          "DELETE", "/api/ws/connections/" + c.get("id").asText(), TestServer.ROOT, null);
    }
    waitForText(testid("connection-state"), "reconnecting");
    waitForText(testid("connection-state"), "connected");
    long before = lastShown();
    waitUpTo(15).until(d -> lastShown() > before + 30);
    browser.screenshot("08-reconnected");
    assertThat(processes.post("/api/deployments/" + id + "/stop", ALICE, null).status())
        .isEqualTo(202);

    List<Long> shown = shownSeqs();
    long from = shown.get(0);
    long to = shown.get(shown.size() - 1);
    List<Long> stored = historySeqs(processes, id, from - 1, (int) (to - from + 1));
    assertThat(shown).as("every line once, in order, as the history has them").isEqualTo(stored);
  }

  @Test
  void theNarrowLayoutHasNoHorizontalScrollAndTabReachesEveryControl() {
    browser.size(360, 740);
    try {
      List<String> reached = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        driver.switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.TAB);
        Object testId = js("return document.activeElement.dataset.testid || ''");
        reached.add(String.valueOf(testId));
      }
      assertThat(reached).contains("login-username", "login-password", "login-submit");
      logIn("alice", TestServer.PASSWORD);
      waitForText(testid("connection-state"), "connected");
      String id = t.create(ALICE, "a-deployment-with-a-rather-long-name-for-a-narrow-screen");
      waitFor(row(id));
      assertThat((Long) js("return document.documentElement.scrollWidth - window.innerWidth"))
          .as("no horizontal overflow at 360 px")
          .isLessThanOrEqualTo(0L);
      browser.screenshot("09-narrow");

      String running = t.create(ALICE, "running-on-a-narrow-screen");
      assertThat(t.post("/api/deployments/" + running + "/start", ALICE, null).status())
          .isEqualTo(202);
      waitForText(row(running), "running");
      // Between them the two rows have every action enabled: start and delete on the created
      // one, stop and restart on the running one. Tab reaches each, and shows where it is.
      Set<String> wanted =
          Set.of(
              "logout",
              "show-create",
              "action-start",
              "action-stop",
              "action-restart",
              "action-delete");
      Set<String> reachedOnce = new java.util.HashSet<>();
      for (int i = 0; i < 300 && !reachedOnce.containsAll(wanted); i++) {
        driver.switchTo().activeElement().sendKeys(org.openqa.selenium.Keys.TAB);
        String testId =
            String.valueOf(
                js("const e = document.activeElement; return e.dataset.testid || e.id || ''"));
        if (wanted.contains(testId) && reachedOnce.add(testId)) {
          assertThat(
                  js(
                      "const s = getComputedStyle(document.activeElement);"
                          + " return s.outlineStyle + ' ' + s.outlineWidth"))
              .as("%s shows it has the focus", testId)
              .asString()
              .doesNotStartWith("none")
              .doesNotEndWith(" 0px");
        }
      }
      assertThat(reachedOnce)
          .as("Tab reaches login, logout, create and every action")
          .isEqualTo(wanted);
    } finally {
      browser.size(1280, 900);
    }
  }

  @Test
  void deleteAsksFirstAndTheRowGoesOnlyWhenConfirmed() {
    logIn("alice", TestServer.PASSWORD);
    waitForText(testid("connection-state"), "connected");
    String id = t.create(ALICE, "to-delete");
    waitFor(row(id)).findElement(testid("action-delete")).click();
    org.openqa.selenium.Alert ask = waitUpTo(10).until(ExpectedConditions.alertIsPresent());
    assertThat(ask.getText()).contains("to-delete");
    ask.dismiss();
    assertThat(t.get("/api/deployments/" + id, ALICE).status()).isEqualTo(200);
    driver.findElement(row(id)).findElement(testid("action-delete")).click();
    waitUpTo(10).until(ExpectedConditions.alertIsPresent()).accept();
    waitUpTo(10).until(ExpectedConditions.numberOfElementsToBe(row(id), 0));
    assertThat(t.get("/api/deployments/" + id, ALICE).status()).isEqualTo(404);
  }

  @Test
  void scrollingUpPausesFollowingAndJumpToLatestCountsWhatArrived() {
    String id = followCounter("scroller", "row", "0.01", 200);
    js("document.querySelector('.lines').scrollTop = 0");
    WebElement jump = waitFor(testid("jump-to-latest"));
    waitUpTo(15).until(d -> jump.getText().matches("Jump to latest \\(\\d+ new\\)"));
    assertThat((Long) js("return document.querySelector('.lines').scrollTop"))
        .as("new lines do not pull a reader back down")
        .isZero();
    browser.screenshot("10-paused");
    jump.click();
    waitUpTo(10).until(ExpectedConditions.invisibilityOfElementLocated(testid("jump-to-latest")));
    assertThat(
            (Boolean)
                js(
                    "const l = document.querySelector('.lines');"
                        + " return l.scrollHeight - l.scrollTop - l.clientHeight < 40"))
        .isTrue();
    assertThat(processes.post("/api/deployments/" + id + "/stop", ALICE, null).status())
        .isEqualTo(202);
  }

  @Test
  void tooManyWrongPasswordsAreSaidWithTheWait() {
    open(processes, "/");
    for (int i = 0; i < 3; i++) {
      driver.findElement(testid("login-username")).clear();
      driver.findElement(testid("login-password")).clear();
      logIn("bob", "wrong-" + i);
      waitUpTo(10).until(d -> !d.findElement(By.id("login-error")).getText().isEmpty());
      if (i < 2) {
        waitForText(By.id("login-error"), "Wrong username or password");
        js("document.getElementById('login-error').textContent = ''");
      }
    }
    waitForText(By.id("login-error"), "Too many requests. Try again in");
    browser.screenshot("11-login-429");
  }

  @Test
  void anExpiredTokenEndsTheSessionWithAMessage() {
    try (TestServer shortLived = new TestServer(b -> b.tokenTtl(Duration.ofSeconds(3)))) {
      open(shortLived, "/");
      logIn("alice", TestServer.PASSWORD);
      waitForText(testid("connection-state"), "connected");
      waitUpTo(15).until(ExpectedConditions.visibilityOfElementLocated(testid("login-username")));
      waitForText(By.id("login-error"), "Your session has ended");
      assertThat(js("return sessionStorage.getItem('coderunner.session')")).isNull();
    }
  }

  @Test
  void theStreamAndTextFiltersNarrowTheViewAndClearingThemBringsEveryLineBack() {
    logIn("alice", TestServer.PASSWORD);
    waitForText(testid("connection-state"), "connected");
    String id = t.create(ALICE, "filtered");
    StringBuilder body = new StringBuilder("{\"lines\":[");
    for (int i = 0; i < 30; i++) {
      String stream = i % 3 == 0 ? "stderr" : "stdout";
      String word = i % 2 == 0 ? "needle" : "hay";
      body.append(i == 0 ? "" : ",")
          .append("{\"stream\":\"" + stream + "\",\"message\":\"" + word + " " + i + "\"}");
    }
    assertThat(t.post("/api/deployments/" + id + "/logs", ALICE, body + "]}").status())
        .isEqualTo(202);
    driver.get(t.uri("/deployments/" + id).toString());
    waitUpTo(15).until(d -> d.findElements(testid("log-line")).size() == 31); // and "created"

    new org.openqa.selenium.support.ui.Select(driver.findElement(testid("filter-stream")))
        .selectByValue("stderr");
    waitUpTo(15)
        .until(
            d ->
                d.findElements(testid("log-line")).size() == 10
                    && d.findElements(testid("log-line")).stream()
                        .allMatch(e -> "stderr".equals(e.getAttribute("data-stream"))));
    assertThat(driver.getCurrentUrl()).endsWith("?stream=stderr");

    driver.findElement(testid("filter-text")).sendKeys("needle");
    // stderr lines are 0, 3, ..., 27; the needles among them the even ones: 0, 6, 12, 18, 24.
    waitUpTo(15)
        .until(
            d ->
                texts(d)
                    .equals(
                        List.of("needle 0", "needle 6", "needle 12", "needle 18", "needle 24")));
    assertThat(driver.getCurrentUrl()).endsWith("?stream=stderr&q=needle");
    t.ingest(ALICE, id, "needle on stdout", "hay again");
    assertThat(
            t.post(
                    "/api/deployments/" + id + "/logs",
                    ALICE,
                    "{\"lines\":[{\"stream\":\"stderr\",\"message\":\"needle live\"}]}")
                .status())
        .isEqualTo(202);
    waitUpTo(15).until(d -> texts(d).size() == 6 && texts(d).get(5).equals("needle live"));

    driver.findElement(testid("filter-text")).clear();
    driver.findElement(testid("filter-text")).sendKeys(org.openqa.selenium.Keys.BACK_SPACE);
    new org.openqa.selenium.support.ui.Select(driver.findElement(testid("filter-stream")))
        .selectByValue("");
    waitUpTo(15).until(d -> d.findElements(testid("log-line")).size() == 34);
    assertThat(driver.getCurrentUrl()).endsWith("/deployments/" + id);
  }

  /** The messages of the lines the log view shows, in order, read in one step of the page. */
  @SuppressWarnings("unchecked")
  private static List<String> texts(WebDriver d) {
    return (List<String>)
        ((JavascriptExecutor) d)
            .executeScript(
                "return [...document.querySelectorAll('[data-testid=\"log-line\"] .msg')]"
                    + ".map(e => e.textContent)");
  }

  @Test
  void aRestartedServerOnTheSamePortIsReconnectedToAndTheResetIsMarked() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    // The host keeps its deployments (as in its own database); their logs are in each server's
    // memory, so the page that comes back to the second server is told the log was reset.
    InMemoryDeploymentStore kept = new InMemoryDeploymentStore();
    TestServer first = TestServer.withServer(b -> b.port(port), s -> s.deploymentStore(kept));
    String id;
    try {
      open(first, "/");
      logIn("alice", TestServer.PASSWORD);
      waitForText(testid("connection-state"), "connected");
      id = first.create(ALICE, "across-the-restart");
      first.ingest(ALICE, id, "said before the restart");
      waitFor(row(id));
      driver.findElement(row(id)).findElement(By.cssSelector("a.name")).click();
      waitForText(testid("log-view"), "said before the restart");
    } finally {
      first.close();
    }
    waitForText(testid("connection-state"), "reconnecting");
    browser.screenshot("12-reconnecting");
    try (TestServer second =
        TestServer.withServer(b -> b.port(port), s -> s.deploymentStore(kept))) {
      waitForText(testid("connection-state"), "connected");
      waitFor(testid("gap-marker"));
      assertThat(driver.findElement(testid("gap-marker")).getText()).contains("reset");
      second.ingest(ALICE, id, "said after the restart");
      waitForText(testid("log-view"), "said after the restart");
      List<WebElement> items = driver.findElements(By.cssSelector("#log-view .row"));
      List<String> order = new java.util.ArrayList<>();
      for (WebElement li : items) {
        String text = li.getText();
        if ("gap-marker".equals(li.getAttribute("data-testid"))) {
          order.add("reset");
        } else if (text.contains("said before")) {
          order.add("before");
        } else if (text.contains("said after")) {
          order.add("after");
        }
      }
      assertThat(order)
          .as("the old epoch's line, then the marker, then the new epoch's line")
          .containsExactly("before", "reset", "after");
      browser.screenshot("13-after-restart");
      String fresh = second.create(ALICE, "after-the-restart");
      driver.findElement(By.cssSelector("#log-view a.back")).click();
      waitFor(row(fresh));
      assertThat(driver.findElements(row(id))).as("the kept deployment is still listed").hasSize(1);
    }
  }

  @Test
  void linesRetentionDroppedWhileThePageWasAwayAreMarkedAsAGap() {
    try (TcpProxy proxy = new TcpProxy()) {
      String origin = "http://127.0.0.1:" + proxy.port();
      try (TestServer small =
          new TestServer(
              b ->
                  b.corsOrigins(Set.of(origin))
                      .retention(RetentionConfig.builder().maxLines(20).build()))) {
        proxy.target(small.server.port());
        String id = small.create(ALICE, "forgetful");
        small.ingest(ALICE, id, "first words");
        openAt(origin + "/");
        logIn("alice", TestServer.PASSWORD);
        waitForText(testid("connection-state"), "connected");
        driver.get(origin + "/deployments/" + id);
        waitForText(testid("log-view"), "first words");
        waitForText(testid("connection-state"), "connected");
        long seen = lastShown();

        proxy.refuse(true);
        proxy.cut();
        waitForText(testid("connection-state"), "reconnecting");
        String[] away = new String[50];
        for (int i = 0; i < away.length; i++) {
          away[i] = "while away " + i;
        }
        small.ingest(ALICE, id, away);
        List<Long> retained = historySeqs(small, id, 0, 100);
        assertThat(retained).hasSize(20);
        proxy.refuse(false);

        waitFor(testid("gap-marker"));
        assertThat(driver.findElement(testid("gap-marker")).getText())
            .isEqualTo(
                "Lines "
                    + (seen + 1)
                    + " to "
                    + (retained.get(0) - 1)
                    + " were dropped by retention.");
        waitUpTo(15).until(d -> lastShown() == retained.get(retained.size() - 1));
        List<Long> shown = shownSeqs();
        assertThat(shown.subList(shown.indexOf(seen) + 1, shown.size()))
            .as("after the gap, every retained line once, in order")
            .isEqualTo(retained);
        browser.screenshot("14-gap");
      }
    }
  }

  /** The seqs the history API holds after {@code after}, at most {@code limit}. */
  private static List<Long> historySeqs(TestServer server, String id, long after, int limit) {
    var lines =
        server
            .get("/api/deployments/" + id + "/logs?after=" + after + "&limit=" + limit, ALICE)
            .json()
            .get("lines");
    List<Long> seqs = new java.util.ArrayList<>();
    lines.forEach(l -> seqs.add(l.get("seq").asLong()));
    return seqs;
  }

  @Test
  void aRowsActionsAreDisabledWhileOneIsInFlight() {
    logIn("alice", TestServer.PASSWORD);
    waitForText(testid("connection-state"), "connected");
    String id = t.create(ALICE, "held", "hold");
    waitFor(row(id)).findElement(testid("action-start")).click();
    // The start is held in the runner: its status is starting, and stop (which starting allows)
    // stays disabled until the start's answer is in.
    waitForText(row(id), "starting");
    for (String action : List.of("start", "stop", "restart", "delete")) {
      assertThat(driver.findElement(row(id)).findElement(testid("action-" + action)).isEnabled())
          .as(action + " while the start is in flight")
          .isFalse();
    }
    t.runner.gate.countDown();
    waitForText(row(id), "running");
    waitUpTo(10).until(d -> d.findElement(row(id)).findElement(testid("action-stop")).isEnabled());
    assertThat(t.post("/api/deployments/" + id + "/stop", ALICE, null).status()).isEqualTo(202);
  }
}
