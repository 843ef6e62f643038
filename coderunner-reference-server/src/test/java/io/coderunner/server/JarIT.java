package io.coderunner.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Runs the real shaded jar in a child JVM, as the README does. */
class JarIT {
  @Test
  void demoJarServesTheApiAndExitsZeroOnSigterm() throws Exception {
    Path jar = Path.of("target", "coderunner-reference-server.jar");
    assertThat(jar).exists();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(java.toString(), "-jar", jar.toString(), "--demo", "--port", "0")
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().remove("CODERUNNER_JWT_SECRET");
    pb.environment().remove("CODERUNNER_CONFIG");
    Process p = pb.start();
    try {
      BufferedReader stdout = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
      String line = stdout.readLine();
      assertThat(line).matches("CodeRunner listening on http://127\\.0\\.0\\.1:\\d+");
      URI base = URI.create(line.substring("CodeRunner listening on ".length()));
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> login =
          http.send(
              HttpRequest.newBuilder(base.resolve("/api/auth/login"))
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"username\":\"demo\",\"password\":\"demo\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).isEqualTo(200);
      String token = TestServer.JSON.readTree(login.body()).get("token").asText();
      HttpResponse<String> list =
          http.send(
              HttpRequest.newBuilder(base.resolve("/api/deployments"))
                  .header("Authorization", "Bearer " + token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(list.body()).contains("shop-frontend");

      p.destroy(); // SIGTERM
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
    } finally {
      p.destroyForcibly();
    }
    assertThat(Files.exists(jar)).isTrue();
  }

  @Test
  void sigtermStopsRunningChildProcessesBeforeTheJarExits() throws Exception {
    Path jar = Path.of("target", "coderunner-reference-server.jar");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    ProcessBuilder pb =
        new ProcessBuilder(java.toString(), "-jar", jar.toString(), "--demo", "--port", "0")
            .redirectError(ProcessBuilder.Redirect.DISCARD);
    pb.environment().remove("CODERUNNER_JWT_SECRET");
    pb.environment().remove("CODERUNNER_CONFIG");
    pb.environment().put("CODERUNNER_RUNNER_ALLOWED_COMMANDS", "sh");
    String marker = "sleep 317";
    Process p = pb.start();
    try {
      BufferedReader stdout = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
      String line = stdout.readLine();
      URI base = URI.create(line.substring("CodeRunner listening on ".length()));
      HttpClient http = HttpClient.newHttpClient();
      String token =
          TestServer.JSON
              .readTree(
                  http.send(
                          HttpRequest.newBuilder(base.resolve("/api/auth/login"))
                              .POST(
                                  HttpRequest.BodyPublishers.ofString(
                                      "{\"username\":\"demo\",\"password\":\"demo\"}"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body())
              .get("token")
              .asText();
      // A shell with a child of its own: SIGTERM must reach the whole tree.
      String body = "{\"name\":\"tree\",\"command\":[\"sh\",\"-c\",\"" + marker + " & wait\"]}";
      HttpResponse<String> created =
          http.send(
              HttpRequest.newBuilder(base.resolve("/api/deployments"))
                  .header("Authorization", "Bearer " + token)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
      String id = TestServer.JSON.readTree(created.body()).get("id").asText();
      HttpResponse<String> started =
          http.send(
              HttpRequest.newBuilder(base.resolve("/api/deployments/" + id + "/start"))
                  .header("Authorization", "Bearer " + token)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> !processesRunning(marker).isEmpty());

      p.destroy(); // SIGTERM
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isZero();
      assertThat(processesRunning(marker)).as("child processes left behind").isEmpty();
    } finally {
      p.destroyForcibly();
      processesRunning(marker).forEach(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void aStoredHashWeakerThanNewOnesStillLogsInAndItsUserIsNamedAtStart() throws Exception {
    Path jar = Path.of("target", "coderunner-reference-server.jar");
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path dir = Files.createTempDirectory("jarit");
    Path config = dir.resolve("coderunner.json");
    Files.writeString(
        config,
        "{\"users\":[{\"username\":\"old\",\"roles\":[\"deployer\"],\"passwordHash\":\""
            + TestServer.hashWith("older secret", 210_000)
            + "\"},{\"username\":\"fresh\",\"passwordHash\":\""
            + TestServer.HASH
            + "\"}]}",
        UTF_8);
    Path stderr = dir.resolve("stderr.txt");
    ProcessBuilder pb =
        new ProcessBuilder(
                java.toString(),
                "-jar",
                jar.toString(),
                "--port",
                "0",
                "--data-dir",
                dir.resolve("data").toString(),
                "--config",
                config.toString())
            .redirectError(stderr.toFile());
    pb.environment().put("CODERUNNER_JWT_SECRET", new String(TestServer.SECRET, UTF_8));
    Process p = pb.start();
    try {
      BufferedReader stdout = new BufferedReader(new InputStreamReader(p.getInputStream(), UTF_8));
      String line = stdout.readLine();
      assertThat(line).as(Files.readString(stderr)).startsWith("CodeRunner listening on ");
      URI base = URI.create(line.substring("CodeRunner listening on ".length()));
      HttpResponse<String> login =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(base.resolve("/api/auth/login"))
                      .POST(
                          HttpRequest.BodyPublishers.ofString(
                              "{\"username\":\"old\",\"password\":\"older secret\"}"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(login.statusCode()).isEqualTo(200);
      String warning =
          Files.readAllLines(stderr, UTF_8).stream()
              .filter(l -> l.contains("PBKDF2 iterations"))
              .findFirst()
              .orElseThrow();
      assertThat(warning)
          .contains("WARN")
          .contains("[old]")
          .contains("600000")
          .doesNotContain("fresh");
    } finally {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static List<ProcessHandle> processesRunning(String commandLinePart) {
    return ProcessHandle.allProcesses()
        .filter(h -> h.info().commandLine().map(c -> c.contains(commandLinePart)).orElse(false))
        .filter(ProcessHandle::isAlive)
        .toList();
  }
}
