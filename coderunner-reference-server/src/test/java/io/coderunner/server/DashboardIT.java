package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static io.coderunner.server.TestServer.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
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

/** The dashboard in real headless Chromium against the real server: login, the live list. */
class DashboardIT {
  static TestServer t;
  static Browser browser;
  static WebDriver driver;

  @BeforeAll
  static void start() {
    browser = Browser.start();
    driver = browser.driver;
    t = new TestServer();
  }

  @AfterAll
  static void stop() {
    if (t != null) {
      t.close();
    }
    if (browser != null) {
      browser.close();
    }
  }

  @BeforeEach
  void freshPage() {
    driver.get(t.uri("/").toString());
    ((JavascriptExecutor) driver).executeScript("sessionStorage.clear()");
    driver.navigate().refresh();
    waitFor(testid("login-username"));
  }

  private static By testid(String id) {
    return By.cssSelector("[data-testid=\"" + id + "\"]");
  }

  private static WebElement waitFor(By by) {
    return new WebDriverWait(driver, Duration.ofSeconds(10))
        .until(ExpectedConditions.visibilityOfElementLocated(by));
  }

  private static void waitForText(By by, String text) {
    new WebDriverWait(driver, Duration.ofSeconds(10))
        .until(ExpectedConditions.textToBePresentInElementLocated(by, text));
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
    new WebDriverWait(driver, Duration.ofSeconds(10))
        .until(ExpectedConditions.numberOfElementsToBe(row(id), 0));
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
}
