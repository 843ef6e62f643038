package io.coderunner.client;

import static io.coderunner.client.Server.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coderunner.client.examples.ExamplesAccess;
import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.StreamKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The examples of docs/client.md run against the real server, and the page shows them as they are.
 */
class ExamplesIT {
  static Server server;
  static CodeRunnerClient alice;

  @BeforeAll
  static void start() {
    server = new Server();
    alice = server.client(ALICE);
  }

  @AfterAll
  static void stop() {
    alice.close();
    server.close();
  }

  @Test
  void login() {
    assertThat(ExamplesAccess.login(server.uri(), "alice", Server.PASSWORD.toCharArray()))
        .isEqualTo(ALICE);
  }

  @Test
  void createAndStart() {
    Deployment d = ExamplesAccess.createAndStart(alice);
    await().until(() -> alice.deployment(d.id()).status() == DeploymentStatus.RUNNING);
    alice.stop(d.id());
  }

  @Test
  void historyPages() {
    DeploymentId id =
        alice
            .create(
                new io.coderunner.core.deploy.DeploymentSpec(
                    "h", List.of("sh"), java.util.Map.of(), null))
            .id();
    List<LogEntry> lines = new ArrayList<>();
    for (int i = 0; i < 1_200; i++) {
      lines.add(
          new LogEntry(
              null, StreamKind.STDOUT, i % 3 == 0 ? LogLevel.ERROR : LogLevel.INFO, "l" + i));
      if (lines.size() == 1_000) {
        alice.ingest(id, lines);
        lines.clear();
      }
    }
    alice.ingest(id, lines);
    List<LogLine> errors = ExamplesAccess.history(alice, id);
    assertThat(errors).hasSize(400).allMatch(l -> l.level() == LogLevel.ERROR);
    assertThat(errors).extracting(LogLine::seq).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void followAndResume() throws Exception {
    DeploymentId id =
        alice
            .create(
                new io.coderunner.core.deploy.DeploymentSpec(
                    "f", List.of("sh"), java.util.Map.of(), null))
            .id();
    alice.ingest(id, List.of(LogEntry.stdout("one"), LogEntry.stdout("two")));
    List<String> seen = new CopyOnWriteArrayList<>();
    CountDownLatch three = new CountDownLatch(3); // "created", one, two
    Optional<Position> at =
        ExamplesAccess.follow(
            alice,
            id,
            Optional.empty(),
            l -> {
              seen.add(l.message());
              three.countDown();
            },
            three);
    assertThat(at).hasValueSatisfying(p -> assertThat(p.seq()).isEqualTo(3));
    alice.ingest(id, List.of(LogEntry.stdout("three")));
    List<String> later = new CopyOnWriteArrayList<>();
    CountDownLatch one = new CountDownLatch(1);
    ExamplesAccess.follow(
        alice,
        id,
        at,
        l -> {
          later.add(l.message());
          one.countDown();
        },
        one);
    assertThat(seen).containsExactly("deployment created by alice", "one", "two");
    assertThat(later).containsExactly("three");
  }

  @Test
  void thePageShowsEachExampleAsItIs() throws Exception {
    String page = Files.readString(Path.of("..", "docs", "client.md"));
    for (String name :
        List.of("LoginExample", "CreateAndStartExample", "HistoryExample", "FollowExample")) {
      String source =
          Files.readString(
              Path.of(
                  "src", "test", "java", "io", "coderunner", "client", "examples", name + ".java"));
      String body =
          source.substring(
              source.indexOf("// example:start\n") + 17, source.indexOf("    // example:end"));
      String shown =
          body.lines()
              .map(l -> l.length() >= 4 ? l.substring(4) : l.strip())
              .reduce((a, b) -> a + "\n" + b)
              .orElseThrow();
      assertThat(page).as(name + " in docs/client.md").contains(shown);
    }
  }
}
