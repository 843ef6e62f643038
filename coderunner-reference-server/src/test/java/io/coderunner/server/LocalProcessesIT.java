package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.core.deploy.LocalRunnerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The server with its real local process runner: deployments run real commands. */
class LocalProcessesIT {
  private static TestServer start() {
    // ingest's budget of one line a second must not reach a process's own output
    return TestServer.withLocalProcesses(
        b ->
            b.ingestLinesPerSecond(1)
                .ingestRequestsPerSecond(1)
                .runner(
                    LocalRunnerConfig.builder()
                        .allowedCommands(Set.of("sh"))
                        .stopGrace(Duration.ofSeconds(2))
                        .build()));
  }

  @Test
  void aProcessOutputIsNeverRateLimitedOnlyRetained() {
    try (TestServer t = start()) {
      String id =
          t.create(
              ALICE,
              "chatty",
              "sh",
              "-c",
              "i=0; while [ $i -lt 3000 ]; do echo l$i; i=$((i+1)); done");
      assertThat(t.post("/api/deployments/" + id + "/start", ALICE, null).status()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(30)).until(() -> status(t, id).equals("stopped"));
      List<String> out = messages(t, id, "?stream=stdout&limit=5000");
      assertThat(out).hasSize(3000);
      assertThat(out.get(0)).isEqualTo("stdout:info:l0");
      assertThat(out.get(2999)).isEqualTo("stdout:info:l2999");
      // while ingest for the same principal is held to its budget
      TestServer.Res first =
          t.post(
              "/api/deployments/" + id + "/logs",
              ALICE,
              "{\"lines\":[{\"message\":\"a\"},{\"message\":\"b\"}]}");
      assertThat(first.status()).isEqualTo(413);
    }
  }

  private static String status(TestServer t, String id) {
    TestServer.Res r = t.get("/api/deployments/" + id, ALICE);
    assertThat(r.status()).isEqualTo(200);
    return r.json().get("status").asText();
  }

  private static List<String> messages(TestServer t, String id, String query) {
    TestServer.Res r = t.get("/api/deployments/" + id + "/logs" + query, ALICE);
    assertThat(r.status()).isEqualTo(200);
    List<String> out = new ArrayList<>();
    for (JsonNode l : r.json().get("lines")) {
      out.add(
          l.get("stream").asText()
              + ":"
              + l.get("level").asText()
              + ":"
              + l.get("message").asText());
    }
    return out;
  }

  @Test
  void aStartedDeploymentRunsItsCommandAndItsOutputAndStatusesLandInTheLog() {
    try (TestServer t = start()) {
      String id = t.create(ALICE, "job", "sh", "-c", "echo hello; echo 'ERROR boom' >&2");
      assertThat(t.post("/api/deployments/" + id + "/start", ALICE, null).status()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(20)).until(() -> status(t, id).equals("stopped"));

      List<String> messages = messages(t, id, "");
      assertThat(messages).contains("stdout:info:hello", "stderr:error:ERROR boom");
      assertThat(messages.get(messages.size() - 1)).startsWith("system:info:stopped");
    }
  }

  @Test
  void aCommandOffTheAllowlistFailsWithAReasonInTheLog() {
    try (TestServer t = start()) {
      String id = t.create(ALICE, "nope", "rm", "-rf", "/tmp/nothing");
      assertThat(t.post("/api/deployments/" + id + "/start", ALICE, null).status()).isEqualTo(202);

      assertThat(status(t, id)).isEqualTo("failed");
      assertThat(messages(t, id, "?stream=stderr")).anyMatch(m -> m.contains("rm"));
    }
  }

  @Test
  void stoppingALongRunningDeploymentEndsItsProcess() {
    try (TestServer t = start()) {
      String id = t.create(ALICE, "loop", "sh", "-c", "while :; do echo tick; sleep 0.2; done");
      assertThat(t.post("/api/deployments/" + id + "/start", ALICE, null).status()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(20)).until(() -> !messages(t, id, "?q=tick").isEmpty());

      assertThat(t.post("/api/deployments/" + id + "/stop", ALICE, null).status()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(20)).until(() -> status(t, id).equals("stopped"));
      assertThat(t.post("/api/deployments/" + id + "/stop", ALICE, null).status()).isEqualTo(409);
    }
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Starts a deployment whose shell forks a sleep twice, and returns the orphan's pid. */
  private static long startDoubleFork(TestServer t, String id, int run) {
    assertThat(t.post("/api/deployments/" + id + "/start", ALICE, null).status()).isEqualTo(202);
    return orphan(t, id, run);
  }

  /** The pid the {@code run}th run (from 1) of the double fork printed, once it is alive. */
  private static long orphan(TestServer t, String id, int run) {
    await().atMost(Duration.ofSeconds(20)).until(() -> messages(t, id, "?q=orphan").size() == run);
    String line = messages(t, id, "?q=orphan").get(run - 1);
    long orphan = Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
    assertThat(alive(orphan)).isTrue();
    return orphan;
  }

  private static final String[] DOUBLE_FORK = {
    "sh", "-c", "(sleep 1000 >/dev/null 2>&1 & echo orphan $!); sleep 1000"
  };

  @Test
  void stopRestartAndShutdownReachAChildThatForkedTwiceThroughItsProcessGroup() {
    long atShutdown;
    try (TestServer t = start()) {
      String id = t.create(ALICE, "forks", DOUBLE_FORK);
      long first = startDoubleFork(t, id, 1);
      assertThat(t.post("/api/deployments/" + id + "/stop", ALICE, null).status()).isEqualTo(202);
      await().atMost(Duration.ofSeconds(20)).until(() -> !alive(first));
      await().atMost(Duration.ofSeconds(20)).until(() -> status(t, id).equals("stopped"));

      long second = startDoubleFork(t, id, 2);
      await().atMost(Duration.ofSeconds(20)).until(() -> status(t, id).equals("running"));
      assertThat(t.post("/api/deployments/" + id + "/restart", ALICE, null).status())
          .isEqualTo(202);
      await().atMost(Duration.ofSeconds(20)).until(() -> !alive(second));
      atShutdown = orphan(t, id, 3);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> !alive(atShutdown));
  }
}
