package io.coderunner.client;

import static io.coderunner.client.Server.ALICE;
import static io.coderunner.client.Server.BOB;
import static io.coderunner.client.Server.CAROL;
import static io.coderunner.client.Server.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.StreamKind;
import io.coderunner.core.delivery.DeliveryStats;
import io.coderunner.core.deploy.DeploymentPage;
import io.coderunner.core.deploy.DeploymentSpec;
import io.coderunner.core.log.AppendResult;
import io.coderunner.core.protocol.SubscribeFilter;
import io.coderunner.server.TcpProxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every REST route through the SDK against the real reference server, errors included. */
class RestIT {
  static Server server;
  static CodeRunnerClient alice;
  static CodeRunnerClient bob;
  static CodeRunnerClient carol;
  static CodeRunnerClient root;

  @BeforeAll
  static void start() {
    server = new Server();
    alice = server.client(ALICE);
    bob = server.client(BOB);
    carol = server.client(CAROL);
    root = server.client(ROOT);
  }

  @AfterAll
  static void stop() {
    for (CodeRunnerClient c : List.of(alice, bob, carol, root)) {
      c.close();
    }
    server.close();
  }

  private static DeploymentSpec spec(String name, String... command) {
    return new DeploymentSpec(
        name,
        command.length == 0 ? List.of("sh", "-c", "sleep 60") : List.of(command),
        Map.of(),
        null);
  }

  @Test
  void loginGivesASessionAndALoginClientUsesIt() {
    try (CodeRunnerClient anonymous = CodeRunnerClient.builder().baseUri(server.uri()).build()) {
      Session s = anonymous.login("alice", Server.PASSWORD.toCharArray());
      assertThat(s.user()).isEqualTo(ALICE);
      assertThat(s.expiresAt()).isAfter(java.time.Instant.now());
      assertThatThrownBy(() -> anonymous.login("alice", "wrong".toCharArray()))
          .isInstanceOfSatisfying(
              UnauthorizedException.class,
              e -> {
                assertThat(e.status()).isEqualTo(401);
                assertThat(e.problem().requestId()).isNotBlank();
                assertThat(e.problem().detail()).contains("invalid username or password");
              });
      assertThatThrownBy(anonymous::profile)
          .isInstanceOf(ClientException.class)
          .hasMessageContaining("no token");
    }
    try (CodeRunnerClient loggedIn =
        CodeRunnerClient.builder()
            .baseUri(server.uri())
            .login("bob", Server.PASSWORD.toCharArray())
            .build()) {
      assertThat(loggedIn.profile()).isEqualTo(BOB);
    }
  }

  @Test
  void aDeploymentsWholeLifeThroughTheSdk() {
    Deployment d =
        alice.create(
            new DeploymentSpec(
                "life", List.of("sh", "-c", "echo up; sleep 60"), Map.of("MODE", "x"), "/tmp"));
    assertThat(d.status()).isEqualTo(DeploymentStatus.CREATED);
    assertThat(d.ownerId()).isEqualTo(ALICE.id());
    assertThat(d.env()).containsEntry("MODE", "x");
    assertThat(d.workingDir()).isEqualTo("/tmp");
    assertThat(alice.deployment(d.id())).isEqualTo(d);
    assertThat(alice.allDeployments()).extracting(Deployment::id).contains(d.id());

    Deployment replaced = alice.replace(d.id(), spec("life-2", "sh", "-c", "echo up; sleep 60"));
    assertThat(replaced.name()).isEqualTo("life-2");
    assertThat(alice.start(d.id()).status())
        .isIn(DeploymentStatus.STARTING, DeploymentStatus.RUNNING);
    await().until(() -> alice.deployment(d.id()).status() == DeploymentStatus.RUNNING);
    assertThatThrownBy(() -> alice.delete(d.id()))
        .isInstanceOfSatisfying(
            ConflictException.class, e -> assertThat(e.status()).isEqualTo(409));
    assertThatThrownBy(() -> alice.start(d.id())).isInstanceOf(ConflictException.class);
    assertThat(alice.restart(d.id()).status()).isEqualTo(DeploymentStatus.RESTARTING);
    await().until(() -> alice.deployment(d.id()).status() == DeploymentStatus.RUNNING);
    alice.stop(d.id());
    await().until(() -> alice.deployment(d.id()).status() == DeploymentStatus.STOPPED);
    HistoryPage log = alice.logs(d.id(), HistoryQuery.first().limit(1000));
    assertThat(log.lines()).extracting(LogLine::message).contains("up");
    alice.delete(d.id());
    assertThatThrownBy(() -> alice.deployment(d.id())).isInstanceOf(NotFoundException.class);
  }

  @Test
  void pagesOfDeploymentsFollowTheirCursor() {
    try (Server own = new Server();
        CodeRunnerClient c = own.client(ALICE)) {
      List<DeploymentId> made = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        made.add(c.create(spec("p" + i)).id());
      }
      List<DeploymentId> seen = new ArrayList<>();
      String cursor = null;
      do {
        DeploymentPage page = c.deployments(2, cursor);
        assertThat(page.items()).hasSizeLessThanOrEqualTo(2);
        page.items().forEach(x -> seen.add(x.id()));
        cursor = page.nextCursor();
      } while (cursor != null);
      assertThat(seen).containsExactlyInAnyOrderElementsOf(made).doesNotHaveDuplicates();
      assertThat(c.allDeployments()).extracting(Deployment::id).containsExactlyElementsOf(seen);
    }
  }

  @Test
  void ingestAndHistoryWithFilters() {
    DeploymentId id = alice.create(spec("ingested")).id();
    AppendResult r =
        alice.ingest(
            id,
            List.of(
                new LogEntry(null, StreamKind.STDOUT, LogLevel.INFO, "hello"),
                new LogEntry(null, StreamKind.STDERR, LogLevel.ERROR, "boom"),
                new LogEntry(null, StreamKind.STDOUT, LogLevel.WARN, "careful")));
    assertThat(r.lastSeq() - r.firstSeq()).isEqualTo(2);
    HistoryPage all = alice.logs(id, HistoryQuery.first());
    assertThat(all.lines()).extracting(LogLine::message).endsWith("hello", "boom", "careful");
    assertThat(all.epoch()).isNotBlank();
    assertThat(all.next()).isEqualTo(r.lastSeq() + 1);
    HistoryPage errors =
        alice.logs(
            id,
            HistoryQuery.first()
                .filter(
                    new SubscribeFilter(Set.of(LogLevel.ERROR, LogLevel.WARN), Set.of(), null)));
    assertThat(errors.lines()).extracting(LogLine::message).containsExactly("boom", "careful");
    HistoryPage text =
        alice.logs(
            id,
            HistoryQuery.first()
                .filter(new SubscribeFilter(Set.of(), Set.of(StreamKind.STDOUT), "car")));
    assertThat(text.lines()).extracting(LogLine::message).containsExactly("careful");
    HistoryPage after = alice.logs(id, HistoryQuery.first().after(r.firstSeq()));
    assertThat(after.lines())
        .extracting(LogLine::seq)
        .containsExactly(r.firstSeq() + 1, r.lastSeq());

    assertThatThrownBy(() -> new SubscribeFilter(Set.of(), Set.of(), "x".repeat(300)))
        .as("what the client can check, it checks before sending")
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> alice.deployments(0, null))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e ->
                assertThat(e.fieldErrors())
                    .extracting(Problem.FieldError::field)
                    .contains("limit"));
    List<LogEntry> tooMany = new ArrayList<>();
    for (int i = 0; i < 1_001; i++) {
      tooMany.add(LogEntry.stdout("line " + i));
    }
    assertThatThrownBy(() -> alice.ingest(id, tooMany))
        .isInstanceOf(PayloadTooLargeException.class);
    assertThat(alice.logs(id, HistoryQuery.first()).next())
        .as("a refused ingest stored nothing")
        .isEqualTo(r.lastSeq() + 1);
  }

  @Test
  void anIngestWhoseAnswerIsLostIsSentAgainWithItsKeyAndStoredOnce() {
    DeploymentId id = alice.create(spec("answer-lost")).id();
    try (TcpProxy proxy = new TcpProxy().target(server.uri().getPort());
        CodeRunnerClient viaProxy =
            CodeRunnerClient.builder()
                .baseUri(URI.create("http://127.0.0.1:" + proxy.port()))
                .token(server.token(ALICE))
                .retry(new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), 3))
                .build()) {
      proxy.cutAtNextAnswer(); // the server stores the lines; the client hears a reset
      AppendResult r =
          viaProxy.ingest(id, List.of(LogEntry.stdout("sent once"), LogEntry.stdout("or twice")));
      assertThat(r.replayed()).as("the retry was answered from the key").isTrue();
      HistoryPage page = alice.logs(id, HistoryQuery.first());
      assertThat(page.lines())
          .extracting(LogLine::message)
          .containsExactly("deployment created by alice", "sent once", "or twice");
      assertThat(page.lines().get(1).seq()).isEqualTo(r.firstSeq());
    }
  }

  @Test
  void anIngestWithTheCallersKeyIsStoredOnceAndAKeyForOtherLinesIsRefused() {
    DeploymentId id = alice.create(spec("keyed")).id();
    List<LogEntry> batch = List.of(LogEntry.stdout("a"), LogEntry.stderr("b"));
    AppendResult first = alice.ingest(id, batch, "agent-7:batch-42");
    AppendResult again = alice.ingest(id, batch, "agent-7:batch-42");
    assertThat(first.replayed()).isFalse();
    assertThat(again).isEqualTo(new AppendResult(first.firstSeq(), first.lastSeq(), true));
    assertThatThrownBy(() -> alice.ingest(id, List.of(LogEntry.stdout("c")), "agent-7:batch-42"))
        .isInstanceOfSatisfying(
            UnprocessableContentException.class,
            e -> {
              assertThat(e.status()).isEqualTo(422);
              assertThat(e.problem().detail())
                  .contains("seqs " + first.firstSeq() + " to " + first.lastSeq());
            });
    assertThatThrownBy(() -> alice.ingest(id, batch, "has space"))
        .as("a malformed key is refused before anything is sent")
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(alice.logs(id, HistoryQuery.first()).next()).isEqualTo(first.lastSeq() + 1);
  }

  @Test
  void eachRefusalIsItsTypedExceptionAndChangesNothing() {
    Deployment mine = alice.create(spec("guarded"));
    assertThatThrownBy(() -> alice.create(new DeploymentSpec(" ", List.of("sh"), Map.of(), null)))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              assertThat(e.fieldErrors()).extracting(Problem.FieldError::field).contains("name");
              assertThat(e.getMessage()).contains("400").contains("name");
            });
    assertThatThrownBy(() -> carol.create(spec("viewer-may-not")))
        .isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(() -> bob.deployment(mine.id())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> bob.delete(mine.id())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> bob.ingest(mine.id(), List.of(LogEntry.stdout("not yours"))))
        .isInstanceOf(NotFoundException.class);
    assertThatThrownBy(alice::broadcasterStats).isInstanceOf(ForbiddenException.class);
    assertThatThrownBy(alice::connections).isInstanceOf(ForbiddenException.class);
    try (CodeRunnerClient forged =
        CodeRunnerClient.builder().baseUri(server.uri()).token("not.a.token").build()) {
      assertThatThrownBy(forged::profile).isInstanceOf(UnauthorizedException.class);
    }
    assertThat(alice.deployment(mine.id())).isEqualTo(mine);
    assertThat(alice.logs(mine.id(), HistoryQuery.first()).lines()).hasSize(1);
  }

  @Test
  void aRefusedTokenIsRenewedOnceFromTheSupplier() {
    AtomicInteger asked = new AtomicInteger();
    List<String> tokens = List.of("garbage.token.here", server.token(ALICE));
    try (CodeRunnerClient c =
        CodeRunnerClient.builder()
            .baseUri(server.uri())
            .tokenSupplier(() -> tokens.get(Math.min(asked.getAndIncrement(), 1)))
            .build()) {
      assertThat(c.profile()).isEqualTo(ALICE);
      assertThat(asked).hasValue(2);
      assertThat(c.profile()).isEqualTo(ALICE);
      assertThat(asked).as("the good token is kept").hasValue(2);
    }
    try (CodeRunnerClient stuck =
        CodeRunnerClient.builder()
            .baseUri(server.uri())
            .tokenSupplier(() -> "same.bad.token")
            .build()) {
      assertThatThrownBy(stuck::profile).isInstanceOf(UnauthorizedException.class);
    }
  }

  @Test
  void aSpentIngestBudgetIsWaitedOutOrReported() {
    try (Server tight = new Server(b -> b.ingestRequestsPerSecond(1));
        CodeRunnerClient patient = tight.client(ALICE);
        CodeRunnerClient hasty =
            CodeRunnerClient.builder()
                .baseUri(tight.uri())
                .token(tight.token(ALICE))
                .maxRetryAfter(Duration.ZERO)
                .build()) {
      DeploymentId id = patient.create(spec("budget")).id();
      patient.ingest(id, List.of(LogEntry.stdout("one")));
      patient.ingest(id, List.of(LogEntry.stdout("two")));
      patient.ingest(id, List.of(LogEntry.stdout("three")));
      assertThatThrownBy(
              () -> {
                for (int i = 0; i < 5; i++) {
                  hasty.ingest(id, List.of(LogEntry.stdout("hurry " + i)));
                }
              })
          .isInstanceOfSatisfying(
              RateLimitedException.class,
              e -> {
                assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(1));
                assertThat(e.problem().detail()).contains("ingest.requestsPerSecond");
              });
      assertThat(patient.logs(id, HistoryQuery.first()).lines())
          .extracting(LogLine::message)
          .contains("one", "two", "three");
    }
  }

  @Test
  void operationsRoutes() {
    DeliveryStats stats = root.broadcasterStats();
    assertThat(stats.connections()).isGreaterThanOrEqualTo(0);
    assertThat(root.connections()).isNotNull();
    assertThatThrownBy(() -> root.disconnect("no-such-connection"))
        .isInstanceOf(NotFoundException.class);
    Health health = alice.health();
    assertThat(health.status()).isEqualTo("UP");
    assertThat(health.components()).containsKey("logBuffers");
    assertThat(alice.liveness().isServing()).isTrue();
    assertThat(alice.readiness().status()).isEqualTo("UP");
    assertThat(alice.metrics()).contains("# TYPE");
  }

  @Test
  void theAsyncVariantsCompleteWithTheSameAnswersAndFailures() throws Exception {
    Deployment d = alice.createAsync(spec("async")).get();
    assertThat(alice.deploymentAsync(d.id()).get()).isEqualTo(d);
    ExecutionException failed =
        org.junit.jupiter.api.Assertions.assertThrows(
            ExecutionException.class, () -> bob.deploymentAsync(d.id()).get());
    assertThat(failed.getCause()).isInstanceOf(NotFoundException.class);
    alice.deleteAsync(d.id()).get();
    assertThat(alice.allDeploymentsAsync().get()).extracting(Deployment::id).doesNotContain(d.id());
  }
}
