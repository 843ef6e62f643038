package io.coderunner.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver ({@code /usr/bin/chromium}, {@code
 * /usr/bin/chromedriver}), never a downloaded one: one driver process and one browser per test
 * class, with a fresh profile. Skips (or fails under {@code CI=true}) when they are not installed.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target/screenshots");

  final WebDriver driver;
  private final ChromeDriverService service;
  private final Path profile;

  private Browser(ChromeDriverService service, WebDriver driver, Path profile) {
    this.service = service;
    this.driver = driver;
    this.profile = profile;
  }

  /** Starts the browser, or skips the calling test class when Chromium is not installed. */
  static Browser start() {
    Binaries.require(CHROMIUM, "chromium");
    Binaries.require(CHROMEDRIVER, "chromium-driver");
    try {
      Path profile = Files.createTempDirectory("coderunner-chromium");
      ChromeDriverService service =
          new ChromeDriverService.Builder()
              .usingDriverExecutable(CHROMEDRIVER.toFile())
              .usingAnyFreePort()
              .build();
      service.start();
      ChromeOptions options = new ChromeOptions();
      options.setBinary(CHROMIUM.toFile());
      Path downloads = Files.createDirectories(profile.resolve("downloads"));
      options.setExperimentalOption(
          "prefs",
          java.util.Map.of(
              "download.default_directory",
              downloads.toString(),
              "download.prompt_for_download",
              false));
      options.addArguments(
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
          "--disable-dev-shm-usage",
          "--window-size=1280,900",
          "--user-data-dir=" + profile);
      ChromeDriver driver = new ChromeDriver(service, options);
      driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
      return new Browser(service, driver, profile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A wait of up to {@code seconds} that retries a condition whose element the page replaced while
   * it was read (the log view rebuilds its rows as it scrolls and when a filter changes).
   */
  WebDriverWait waitUpTo(int seconds) {
    WebDriverWait w = new WebDriverWait(driver, Duration.ofSeconds(seconds));
    w.ignoring(StaleElementReferenceException.class);
    return w;
  }

  /** The element {@code by} finds, once it is visible (within 10 s). */
  WebElement waitFor(By by) {
    return waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  static By testid(String id) {
    return By.cssSelector("[data-testid=\"" + id + "\"]");
  }

  /** The seqs of the log lines the page has rendered, in order. */
  List<Long> shownSeqs() {
    @SuppressWarnings("unchecked")
    List<String> seqs =
        (List<String>)
            js(
                "return [...document.querySelectorAll('[data-testid=\"log-line\"]')]"
                    + ".map(e => e.dataset.seq)");
    return seqs.stream().map(Long::parseLong).toList();
  }

  /** Where the browser saves what it downloads. */
  Path downloads() {
    return profile.resolve("downloads");
  }

  /** Resizes the window; a test of the narrow layout sets 360 px. */
  void size(int width, int height) {
    driver.manage().window().setSize(new Dimension(width, height));
  }

  /** Saves what the window shows as {@code target/screenshots/<name>.png}. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path to = SCREENSHOTS.resolve(name + ".png");
      Files.write(to, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // a temporary profile left behind is harmless
      }
    }
  }
}
