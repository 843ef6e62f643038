package io.coderunner.benchmarks.load;

import io.coderunner.client.CodeRunnerClient;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.StreamKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.openqa.selenium.By;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * What the dashboard's log view costs the browser: time to the first rendered line and the page's
 * memory, with 100,000 and 1,000,000 lines retained, next to the floors they compete with, in one
 * run. It starts the server's jar as a child ({@code --demo}, retention raised to 1,000,000 lines a
 * deployment), fills one deployment per size through the SDK's ingest with build-log-like lines
 * (levels, a coloured line in ten, a section every 10,000 lines, the word {@code needle} every
 * 1,000th line), logs in through the login form of Debian's headless Chromium ({@code
 * /usr/bin/chromium} through {@code /usr/bin/chromedriver}, never a downloaded one) and opens each
 * view {@code --runs} times, each from {@code about:blank}:
 *
 * <ul>
 *   <li><b>tail</b>: the log view as it opens, following the last 1,000 lines;
 *   <li><b>100,000 held</b> and (with 1,000,000 retained) <b>200,000 held</b>, the view's limit: a
 *       permalink {@code #L<seq>} to the line that many lines back, which pages the history in
 *       before it can show that line highlighted;
 *   <li><b>find</b>: with the tail open, typing {@code needle} into Find until the count of every
 *       match in the retained log is shown;
 *   <li>floors: the history API's newest 1,000 lines fetched and parsed by the page itself (what
 *       the tail view cannot be faster than), and the deployments list, the app without a log open
 *       (what its memory cannot be below).
 * </ul>
 *
 * <p><b>How it measures.</b> A script the browser runs before each document's own (CDP {@code
 * Page.addScriptToEvaluateOnNewDocument}) watches the DOM: the first {@code log-line} element (for
 * a permalink, the permalinked one) is the line rendered, and the time is {@code performance.now()}
 * in the animation frame after it was added, counted from the navigation's start. The same script
 * records long tasks (main-thread work over 50 ms, which is what freezes a page). Memory is CDP
 * {@code Performance.getMetrics} after {@code HeapProfiler.collectGarbage}: the JS heap in use and
 * the DOM's node count. Figures are the median of the runs, with the smallest and largest.
 *
 * <p>Exit code: 0 done; 2 bad options or setup; 3 timed out (a watchdog bounds the run).
 */
public final class ViewerPage {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final int BATCH = 1000;
  private static final String WATCH =
      """
      (() => {
        const m = /^#L(\\d+)$/.exec(location.hash);
        const sel = m ? `[data-testid="log-line"][data-seq="${m[1]}"]` : '[data-testid="log-line"]';
        const r = (window.__viewer = { longest: 0, blocked: 0, tasks: 0, shown: null });
        try {
          new PerformanceObserver((l) => {
            for (const e of l.getEntries()) {
              r.tasks += 1;
              r.blocked += e.duration;
              r.longest = Math.max(r.longest, e.duration);
            }
          }).observe({ type: 'longtask', buffered: true });
        } catch (e) {}
        const obs = new MutationObserver(() => {
          if (r.seen || !document.querySelector(sel)) return;
          r.seen = true;
          obs.disconnect();
          requestAnimationFrame(() => { r.shown = performance.now(); });
        });
        obs.observe(document, { childList: true, subtree: true });
      })();
      """;

  /** The command line. */
  record Options(Path serverJar, List<Integer> sizes, int runs) {
    static final String USAGE =
        """
        usage: benchmarks/viewer-page [options]
          --lines N,M          retained lines of the deployments measured (100000,1000000;
                               each 1,000 to 1,000,000)
          --runs R             times each view is opened (5)
          --server-jar PATH    the reference server's jar
                               (coderunner-reference-server/target/coderunner-reference-server.jar)
        Needs Debian's chromium and chromium-driver (scripts/install-test-deps installs them).
        Exit code: 0 done; 2 bad options or setup; 3 timed out.
        """;

    static Options parse(String[] args) throws LoadOptions.UsageException {
      Path jar = Path.of("coderunner-reference-server/target/coderunner-reference-server.jar");
      List<Integer> sizes = List.of(100_000, 1_000_000);
      int runs = 5;
      for (int i = 0; i < args.length; i++) {
        String name = args[i];
        if (name.equals("--help") || name.equals("-h")) {
          throw new LoadOptions.UsageException("");
        }
        if (i + 1 >= args.length) {
          throw new LoadOptions.UsageException(name + " needs a value");
        }
        String v = args[++i];
        switch (name) {
          case "--lines" -> {
            List<Integer> given = new ArrayList<>();
            for (String size : v.split(",", -1)) {
              given.add(LoadOptions.intIn(name, size.trim(), 1000, 1_000_000));
            }
            sizes = List.copyOf(given);
          }
          case "--runs" -> runs = LoadOptions.intIn(name, v, 1, 100);
          case "--server-jar" -> jar = Path.of(v);
          default -> throw new LoadOptions.UsageException("unknown option " + name);
        }
      }
      return new Options(jar, sizes, runs);
    }
  }

  /** One opening of a view: when its line showed, its long tasks, and the page's memory. */
  record Sample(double shownMs, double longestTaskMs, double heapBytes, double nodes) {}

  private final Options options;
  private volatile @Nullable ServerJar server;

  private ViewerPage(Options options) {
    this.options = options;
  }

  public static void main(String[] args) {
    ToolMain.run("viewer-page", Options.USAGE, args, Options::parse, o -> new ViewerPage(o).run());
  }

  private static void log(String message) {
    System.err.println("[viewer-page] " + message);
  }

  private int run() throws Exception {
    Options o = options;
    for (Path p : List.of(CHROMIUM, CHROMEDRIVER)) {
      if (!Files.isExecutable(p)) {
        System.err.println("viewer-page: " + p + " not found; run scripts/install-test-deps");
        return 2;
      }
    }
    long lines = o.sizes().stream().mapToLong(Integer::longValue).sum();
    startWatchdog(300 + lines / 5_000 + 60L * o.runs() * o.sizes().size());
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("retention.maxLines", "1000000");
    settings.put("retention.maxBytes", "1073741824");
    settings.put("retention.globalMaxBytes", "4294967296");
    settings.put("ingest.linesPerSecond", "10000000");
    settings.put("ingest.bytesPerSecond", "1073741824");
    try (ServerJar s =
        ServerJar.start(
            o.serverJar(), settings, Map.of(), List.of("-Xms3g", "-Xmx3g", "-XX:+UseG1GC"))) {
      server = s;
      Runtime.getRuntime().addShutdownHook(new Thread(s::close, "viewer-page-stop-server"));
      log("server " + o.serverJar() + " pid " + s.pid() + " at " + s.base());
      Map<Integer, String> ids = new LinkedHashMap<>();
      Map<Integer, Long> lastSeqs = new LinkedHashMap<>();
      try (CodeRunnerClient client =
          CodeRunnerClient.builder().baseUri(s.base()).token(s.demoToken()).build()) {
        for (int size : o.sizes()) {
          String id = s.createDeployment("viewer-" + size);
          lastSeqs.put(size, fill(client, DeploymentId.of(id), size));
          ids.put(size, id);
          log("filled " + id + " with " + size + " lines");
        }
      }
      try (Chromium browser = Chromium.start()) {
        browser.logIn(s.base().toString());
        StringBuilder b = new StringBuilder();
        b.append(
            String.format(
                Locale.ROOT,
                "%n== viewer-page: %s, %d run(s) each, %s%n",
                browser.version(),
                o.runs(),
                LocalDate.now(ZoneOffset.UTC)));
        b.append(
            String.format(
                Locale.ROOT,
                "%-10s %-22s %16s %14s %14s %10s%n",
                "retained",
                "view",
                "line shown ms",
                "longest task",
                "JS heap MiB",
                "DOM nodes"));
        for (var e : ids.entrySet()) {
          int size = e.getKey();
          long last = lastSeqs.getOrDefault(size, 0L);
          String page = s.base() + "/deployments/" + e.getValue();
          List<String[]> views = new ArrayList<>();
          views.add(new String[] {"floor: fetch 1,000", page});
          views.add(new String[] {"floor: list page", s.base() + "/"});
          views.add(new String[] {"tail", page});
          for (int held : new int[] {100_000, 200_000}) {
            if (held <= size) {
              views.add(
                  new String[] {
                    String.format(Locale.ROOT, "%,d held", held), page + "#L" + (last - held + 1)
                  });
            }
          }
          views.add(new String[] {"find needle", page});
          for (String[] v : views) {
            List<Sample> samples = new ArrayList<>();
            for (int r = 0; r < o.runs(); r++) {
              samples.add(browser.open(v[0], v[1], size, last));
            }
            String row = row(size, v[0], samples);
            b.append(row);
            log(row.strip());
          }
        }
        System.out.print(b);
      }
    }
    return 0;
  }

  private static String row(int size, String view, List<Sample> samples) {
    return String.format(
        Locale.ROOT,
        "%-10s %-22s %16s %14s %14s %10s%n",
        String.format(Locale.ROOT, "%,d", size),
        view,
        spread(samples, Sample::shownMs, 1, "%.0f"),
        spread(samples, Sample::longestTaskMs, 1, "%.0f"),
        spread(samples, Sample::heapBytes, 1024.0 * 1024, "%.1f"),
        spread(samples, Sample::nodes, 1, "%.0f"));
  }

  /** The median of the samples' {@code value}, and its range when they differ. */
  private static String spread(
      List<Sample> samples,
      java.util.function.ToDoubleFunction<Sample> value,
      double unit,
      String f) {
    double[] v = samples.stream().mapToDouble(value).map(x -> x / unit).sorted().toArray();
    if (Double.isNaN(v[0])) {
      return "—";
    }
    String median = String.format(Locale.ROOT, f, v[v.length / 2]);
    if (v.length < 3) {
      return median;
    }
    return median
        + " ("
        + String.format(Locale.ROOT, f, v[0])
        + "–"
        + String.format(Locale.ROOT, f, v[v.length - 1])
        + ")";
  }

  /**
   * Appends {@code size} build-log-like lines to {@code id} in 1,000-line requests.
   *
   * @return the last one's seq
   */
  private static long fill(CodeRunnerClient client, DeploymentId id, int size) {
    List<LogEntry> batch = new ArrayList<>(BATCH);
    long last = 0;
    for (int i = 1; i <= size; i++) {
      batch.add(lineAt(i));
      if (batch.size() == BATCH || i == size) {
        last = client.ingest(id, batch).lastSeq();
        batch = new ArrayList<>(BATCH);
      }
    }
    return last;
  }

  /** Line {@code i} (seq {@code i}) of a long build: steps, a few colours, warnings and errors. */
  static LogEntry lineAt(int i) {
    String message;
    if (i % 10_000 == 1) {
      message =
          "section_start:" + (1_700_000_000 + i / 100) + ":step_" + i / 10_000 + "\r\u001b[0K";
      message += "\u001b[36;1mStep " + (i / 10_000 + 1) + "\u001b[0;m";
    } else if (i % 10_000 == 0) {
      message = "section_end:" + (1_700_000_000 + i / 100) + ":step_" + (i - 1) / 10_000;
      message += "\r\u001b[0K";
    } else if (i % 10 == 0) {
      message = "\u001b[32m✔\u001b[0m test " + i + " passed in " + (i % 97) + " ms";
    } else if (i % 1000 == 999) {
      message = "found the needle at step " + i;
    } else {
      message =
          "Compiling module-" + (i % 313) + " [" + i + "/" + 1_000_000 + "] src/main/java/Foo.java";
    }
    LogLevel level = i % 500 == 7 ? LogLevel.ERROR : i % 100 == 3 ? LogLevel.WARN : LogLevel.INFO;
    StreamKind stream = level == LogLevel.ERROR ? StreamKind.STDERR : StreamKind.STDOUT;
    return new LogEntry(null, stream, level, message);
  }

  private void startWatchdog(long seconds) {
    ToolMain.watchdog(
        "viewer-page",
        seconds,
        () -> {
          ServerJar s = server;
          if (s != null) {
            s.close();
          }
        });
  }

  /** Debian's headless Chromium, one window, a fresh profile. */
  private static final class Chromium implements AutoCloseable {
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private Chromium(ChromeDriverService service, ChromeDriver driver, Path profile) {
      this.service = service;
      this.driver = driver;
      this.profile = profile;
    }

    static Chromium start() throws IOException {
      Path profile = Files.createTempDirectory("coderunner-viewer-page");
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(CHROMEDRIVER.toFile())
              .usingAnyFreePort()
              .build();
      service.start();
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      options.addArguments(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-dev-shm-usage",
          "--enable-precise-memory-info",
          "--window-size=1280,900",
          "--user-data-dir=" + profile);
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().scriptTimeout(Duration.ofMinutes(2));
      driver.executeCdpCommand("Page.enable", Map.of());
      driver.executeCdpCommand("Performance.enable", Map.of());
      driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", WATCH));
      return new Chromium(service, driver, profile);
    }

    String version() {
      return "Chromium " + driver.getCapabilities().getBrowserVersion();
    }

    void logIn(String base) {
      driver.get(base + "/");
      wait(30).until(d -> !d.findElements(testid("login-username")).isEmpty());
      driver.findElement(testid("login-username")).sendKeys("demo");
      driver.findElement(testid("login-password")).sendKeys("demo");
      driver.findElement(testid("login-submit")).click();
      wait(30)
          .until(d -> driver.executeScript("return sessionStorage.getItem('coderunner.session')"));
    }

    /** Opens {@code url} from a blank page as {@code view} wants and measures it. */
    Sample open(String view, String url, int size, long last) {
      driver.get("about:blank");
      driver.executeCdpCommand("HeapProfiler.collectGarbage", Map.of());
      double shown;
      if (view.startsWith("floor: fetch")) {
        driver.get(url.replaceFirst("/deployments/.*", "/"));
        waitForList();
        String api = url.replace("/deployments/", "/api/deployments/");
        shown =
            number(
                driver.executeAsyncScript(
                    "const done = arguments[arguments.length - 1];"
                        + "const t = JSON.parse(sessionStorage.getItem('coderunner.session')).token;"
                        + "const t0 = performance.now();"
                        + "fetch(arguments[0], { headers: { Authorization: 'Bearer ' + t } })"
                        + ".then((r) => r.json()).then((j) => done(j.lines.length === 1000"
                        + " ? performance.now() - t0 : -1));",
                    api + "/logs?before=" + (last + 1) + "&limit=1000"));
        if (shown < 0) {
          throw new IllegalStateException("the history API did not answer 1,000 lines");
        }
      } else if (view.startsWith("floor: list")) {
        driver.get(url);
        shown = waitForList();
      } else {
        driver.get(url);
        shown = waitShown();
        if (view.startsWith("find")) {
          driver.findElement(testid("find-text")).sendKeys("needle");
          double t0 = number(driver.executeScript("return performance.now()"));
          String count = "/ " + size / 1000;
          wait(60).until(d -> d.findElement(testid("find-count")).getText().endsWith(count));
          shown = number(driver.executeScript("return performance.now()")) - t0;
        }
      }
      double longest = number(driver.executeScript("return window.__viewer.longest"));
      driver.executeCdpCommand("HeapProfiler.collectGarbage", Map.of());
      Map<String, Double> metrics = metrics();
      return new Sample(
          shown,
          longest,
          metrics.getOrDefault("JSHeapUsedSize", Double.NaN),
          metrics.getOrDefault("Nodes", Double.NaN));
    }

    private double waitForList() {
      wait(30)
          .until(
              d -> !d.findElements(By.cssSelector("[data-testid=\"deployment-row\"]")).isEmpty());
      return number(driver.executeScript("return performance.now()"));
    }

    private double waitShown() {
      wait(120).until(d -> driver.executeScript("return window.__viewer && window.__viewer.shown"));
      return number(driver.executeScript("return window.__viewer.shown"));
    }

    private Map<String, Double> metrics() {
      Map<String, Object> r = driver.executeCdpCommand("Performance.getMetrics", Map.of());
      Map<String, Double> out = new LinkedHashMap<>();
      if (r.get("metrics") instanceof List<?> list) {
        for (Object m : list) {
          if (m instanceof Map<?, ?> metric && metric.get("value") instanceof Number n) {
            out.put(String.valueOf(metric.get("name")), n.doubleValue());
          }
        }
      }
      return out;
    }

    private WebDriverWait wait(int seconds) {
      return new WebDriverWait(driver, Duration.ofSeconds(seconds), Duration.ofMillis(20));
    }

    private static By testid(String id) {
      return By.cssSelector("[data-testid=\"" + id + "\"]");
    }

    private static double number(@Nullable Object o) {
      return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @Override
    public void close() {
      try {
        driver.quit();
      } finally {
        service.stop();
        try (var files = Files.walk(profile)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
          // a temporary profile left behind is harmless
        }
      }
    }
  }
}
