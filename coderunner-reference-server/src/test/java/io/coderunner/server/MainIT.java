package io.coderunner.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.server.internal.Passwords;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@link Main#launch} in-process: it returns exit codes instead of exiting. */
class MainIT {
  @TempDir java.nio.file.Path dataDir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private Main.Launch launch(Map<String, String> env, InputStream in, String... args) {
    return Main.launch(
        args, env, in, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
  }

  private Main.Launch launch(Map<String, String> env, String... args) {
    return launch(env, new ByteArrayInputStream(new byte[0]), args);
  }

  @Test
  void refusesToStartWithoutSecretAndUsers() {
    Main.Launch l = launch(Map.of(), "--port", "0");
    assertThat(l.exitCode()).isEqualTo(2);
    assertThat(l.server()).isNull();
    assertThat(err.toString(UTF_8)).contains("refusing to start").contains("CODERUNNER_JWT_SECRET");
    assertThat(out.toString(UTF_8)).isEmpty();
  }

  @Test
  void refusesToStartWithAShortSecret() {
    Main.Launch l = launch(Map.of("CODERUNNER_JWT_SECRET", "too-short"), "--demo");
    assertThat(l.exitCode()).isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("at least 32 bytes");
  }

  @Test
  void refusesRedisWithAClearMessage() {
    assertThat(launch(Map.of(), "--demo", "--redis", "redis://127.0.0.1:6379").exitCode())
        .isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("Redis is not supported by this build yet");
  }

  @Test
  void helpPrintsUsageAndEverySetting() {
    assertThat(launch(Map.of(), "--help").exitCode()).isZero();
    assertThat(out.toString(UTF_8))
        .startsWith("usage:")
        .contains("--websocket.maxConnectionsPerPrincipal INTEGER")
        .contains("--ingest.linesPerSecond INTEGER")
        .contains("  users\n");
  }

  @Test
  void versionPrintsTheVersionAndTheCommit() {
    assertThat(launch(Map.of(), "--version").exitCode()).isZero();
    assertThat(out.toString(UTF_8))
        .matches("coderunner-reference-server \\S+ \\(commit ([0-9a-f]{40}|unknown)[^)]*\\)\n");
    assertThat(out.toString(UTF_8)).doesNotContain("version unknown");
  }

  @Test
  void printConfigShowsWhereEachValueCameFromWithoutStarting() throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("coderunner", ".yaml");
    f.toFile().deleteOnExit();
    java.nio.file.Files.writeString(f, "websocket:\n  maxConnectionsPerPrincipal: 1000\n");
    Main.Launch l =
        launch(
            Map.of(
                "CODERUNNER_JWT_SECRET", new String(TestServer.SECRET, UTF_8), "CODERUNNER_X", "1"),
            "--config",
            f.toString(),
            "--sse.maxStreamsPerPrincipal=3",
            "--print-config");
    assertThat(l.exitCode()).isZero();
    assertThat(l.server()).isNull();
    assertThat(out.toString(UTF_8))
        .containsPattern("(?m)^websocket\\.maxConnectionsPerPrincipal +1000  # config file ")
        .containsPattern(
            "(?m)^sse\\.maxStreamsPerPrincipal +3  # flag --sse\\.maxStreamsPerPrincipal$")
        .containsPattern("(?m)^jwt\\.secret +\\(redacted\\)  # environment CODERUNNER_JWT_SECRET$")
        .containsPattern("(?m)^dataDir +data  # default outside the demo$")
        .doesNotContain(new String(TestServer.SECRET, UTF_8));
    assertThat(err.toString(UTF_8))
        .contains("coderunner: warning: unknown environment variable CODERUNNER_X is ignored");
  }

  @Test
  void anUnknownKeyInTheFileStopsStartWithExitTwoAndTheClosestName() throws Exception {
    java.nio.file.Path f = java.nio.file.Files.createTempFile("coderunner", ".json");
    f.toFile().deleteOnExit();
    java.nio.file.Files.writeString(f, "{\"websocket\":{\"maxConnectionsPerPrincipa\":5}}");
    Main.Launch l = launch(Map.of(), "--demo", "--port", "0", "--config", f.toString());
    assertThat(l.exitCode()).isEqualTo(2);
    assertThat(l.server()).isNull();
    assertThat(err.toString(UTF_8))
        .contains(
            "unknown setting 'websocket.maxConnectionsPerPrincipa'; did you mean"
                + " 'websocket.maxConnectionsPerPrincipal'?");
    assertThat(out.toString(UTF_8)).isEmpty();
  }

  @Test
  void hashPasswordReadsStandardInputOrTheFlag() {
    Main.Launch l =
        launch(Map.of(), new ByteArrayInputStream("s3cret\n".getBytes(UTF_8)), "hash-password");
    assertThat(l.exitCode()).isZero();
    String hash = out.toString(UTF_8).trim();
    assertThat(Passwords.verify("s3cret".toCharArray(), hash)).isTrue();

    out.reset();
    assertThat(launch(Map.of(), "hash-password", "--password", "pw").exitCode()).isZero();
    assertThat(Passwords.verify("pw".toCharArray(), out.toString(UTF_8).trim())).isTrue();

    assertThat(launch(Map.of(), "hash-password").exitCode()).isEqualTo(2);
    assertThat(launch(Map.of(), "hash-password", "extra").exitCode()).isEqualTo(2);
  }

  @Test
  void startsWithAConfiguredSecretAndUserAndPrintsOneListeningLine() {
    Main.Launch l =
        launch(
            Map.of(
                "CODERUNNER_JWT_SECRET",
                new String(TestServer.SECRET, UTF_8),
                "CODERUNNER_PORT",
                "0",
                "CODERUNNER_DATA_DIR",
                dataDir.toString()),
            "--config",
            writeUsers());
    try (CodeRunnerServer server = l.server()) {
      assertThat(l.exitCode()).isZero();
      assertThat(server).isNotNull();
      assertThat(out.toString(UTF_8))
          .isEqualTo("CodeRunner listening on http://127.0.0.1:" + server.port() + "\n");
      assertThat(server.generatedSecret()).isFalse();
      assertThat(server.demoDeployment()).isNull();
      // Outside the demo the stores are durable, in the data directory given.
      assertThat(dataDir.resolve("coderunner.db")).isRegularFile();
    }
  }

  @Test
  void demoGeneratesASecretSaysSoAndKeepsLogging() {
    Main.Launch l = launch(Map.of(), "--demo", "--port", "0");
    try (CodeRunnerServer server = l.server()) {
      assertThat(server).isNotNull();
      assertThat(server.generatedSecret()).isTrue();
      String stderr = err.toString(UTF_8);
      assertThat(stderr).contains("generated").contains("demo/demo").contains("admin/admin");
      var demo = server.demoDeployment();
      assertThat(demo).isNotNull();
      assertThat(demo.ownerId()).isEqualTo("u-demo");
      org.awaitility.Awaitility.await()
          .until(() -> server.logStore().info(demo.id()).orElseThrow().lastSeq() > 5);
      TestServer.Res login;
      var http = java.net.http.HttpClient.newHttpClient();
      try {
        var r =
            http.send(
                java.net.http.HttpRequest.newBuilder(server.uri().resolve("/api/auth/login"))
                    .POST(
                        java.net.http.HttpRequest.BodyPublishers.ofString(
                            "{\"username\":\"admin\",\"password\":\"admin\"}"))
                    .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        login = new TestServer.Res(r.statusCode(), r.headers(), r.body());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      assertThat(login.status()).isEqualTo(200);
      assertThat(login.json().get("user").get("roles").get(0).asText()).isEqualTo("admin");
    }
  }

  private static String writeUsers() {
    try {
      java.nio.file.Path f = java.nio.file.Files.createTempFile("coderunner", ".json");
      f.toFile().deleteOnExit();
      java.nio.file.Files.writeString(
          f,
          "{\"users\":[{\"username\":\"ops\",\"id\":\"u-ops\",\"roles\":[\"admin\"],"
              + "\"passwordHash\":\""
              + TestServer.HASH
              + "\"}]}");
      return f.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
