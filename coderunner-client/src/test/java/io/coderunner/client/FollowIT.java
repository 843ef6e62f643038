package io.coderunner.client;

import static io.coderunner.client.Server.ALICE;
import static io.coderunner.client.Server.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.deploy.DeploymentSpec;
import io.coderunner.core.deploy.InMemoryDeploymentStore;
import io.coderunner.core.follow.FollowConfig;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.server.ServerConfig;
import io.coderunner.server.TcpProxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** Following a log through the SDK across every kind of drop, against the real server. */
class FollowIT {
  private static final Duration LONG = Duration.ofSeconds(60);

  private static UnaryOperator<ServerConfig.Builder> roomy(int port) {
    return b ->
        b.port(port)
            .retention(
                RetentionConfig.builder()
                    .maxLines(500_000)
                    .maxBytes(256L << 20)
                    .globalMaxBytes(512L << 20)
                    .build())
            .follow(FollowConfig.builder().maxLagTime(Duration.ofSeconds(2)).build())
            .ingestLinesPerSecond(1_000_000)
            .ingestBytesPerSecond(1L << 30)
            .ingestRequestsPerSecond(100_000);
  }

  private static void ingest(CodeRunnerClient c, DeploymentId id, String prefix, int lines) {
    ingest(c, id, prefix, lines, "", 1_000);
  }

  /** Ingests {@code lines} lines {@code "<prefix> <i><padding>"}, {@code batch} per request. */
  private static void ingest(
      CodeRunnerClient c, DeploymentId id, String prefix, int lines, String padding, int batch) {
    for (int from = 0; from < lines; from += batch) {
      List<LogEntry> entries = new ArrayList<>(batch);
      for (int i = from; i < Math.min(lines, from + batch); i++) {
        entries.add(LogEntry.stdout(prefix + " " + i + padding));
      }
      c.ingest(id, entries);
    }
  }

  private static long freePort() throws Exception {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aHundredThousandLinesArriveOnceAndInOrderAcrossFiveKindsOfDrop() throws Exception {
    int port = (int) freePort();
    InMemoryDeploymentStore kept = new InMemoryDeploymentStore();
    Server first = new Server(roomy(port), s -> s.deploymentStore(kept));
    Server second = null;
    CountDownLatch paused = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    try (TcpProxy proxy = new TcpProxy().target(port);
        CodeRunnerClient direct = first.client(ALICE);
        CodeRunnerClient admin = first.client(ROOT);
        CodeRunnerClient viaProxy =
            CodeRunnerClient.builder()
                .baseUri(URI.create("http://127.0.0.1:" + proxy.port()))
                .token(first.token(ALICE))
                .heartbeat(Duration.ofMillis(400))
                .reconnect(new Backoff(Duration.ofMillis(20), Duration.ofMillis(300), 1_000))
                .build()) {
      DeploymentId id =
          direct.create(new DeploymentSpec("followed", List.of("sh"), Map.of(), null)).id();
      boolean[] pauseOnce = {true};
      Recorder rec =
          new Recorder() {
            @Override
            @SuppressWarnings("UnsynchronizedOverridesSynchronized") // blocks outside the lock
            public void onLines(List<io.coderunner.core.LogLine> lines) {
              super.onLines(lines);
              if (lines.get(lines.size() - 1).message().equals("pause 0") && pauseOnce[0]) {
                pauseOnce[0] = false;
                paused.countDown();
                try {
                  resume.await(LONG.toSeconds(), TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }
            }
          };
      try (LogFollow follow = viaProxy.follow(id, FollowOptions.fromStart(), rec)) {
        until(rec, rec::isLive);
        ingest(direct, id, "a", 20_000);
        until(rec, () -> rec.last() == 20_001);

        // 1. An administrator disconnects every connection (1008).
        admin.connections().forEach(c -> admin.disconnect(c.id()));
        ingest(direct, id, "b", 20_000);
        until(rec, () -> rec.last() == 40_001);

        // 2. The network drops the socket.
        proxy.cut();
        ingest(direct, id, "c", 20_000);
        until(rec, () -> rec.last() == 60_001);

        // 3. The reader stops reading until the server closes it as a slow consumer (4008).
        long slowBefore = closes(admin, 4008);
        ingest(direct, id, "pause", 1);
        assertThat(paused.await(LONG.toSeconds(), TimeUnit.SECONDS)).isTrue();
        // 40 MB: more than every socket buffer between the server and the paused reader holds.
        ingest(direct, id, "d", 19_999, " " + "x".repeat(2_000), 400);
        until(rec, () -> closes(admin, 4008) > slowBefore);
        resume.countDown();
        until(rec, () -> rec.last() == 80_001);

        // 4. The link goes silent: the heartbeat finds it dead.
        proxy.hold();
        ingest(direct, id, "e", 20_000);
        until(rec, () -> rec.last() == 100_001);
        proxy.release();

        assertThat(rec.violations).isEmpty();
        assertThat(rec.gaps).isEmpty();
        assertThat(rec.epoch(0))
            .containsExactlyElementsOf(LongStream.rangeClosed(1, 100_001).boxed().toList());
        String firstEpoch = follow.position().orElseThrow().epoch();

        // 5. The server stops and another starts on the same port over the same deployments.
        first.close();
        until(rec, () -> !rec.isLive());
        second = new Server(roomy(port), s -> s.deploymentStore(kept));
        try (CodeRunnerClient again = second.client(ALICE)) {
          until(rec, () -> rec.resets.size() == 1 && rec.isLive());
          ingest(again, id, "f", 1_000);
          until(rec, () -> rec.epoch(1).size() == 1_000);
          assertThat(rec.epoch(1))
              .containsExactlyElementsOf(LongStream.rangeClosed(1, 1_000).boxed().toList());
          assertThat(follow.position().orElseThrow().epoch()).isNotEqualTo(firstEpoch);
        }
        assertThat(rec.violations).isEmpty();
        List<String> causes = rec.dropCauses();
        assertThat(causes).anyMatch(c -> c.contains("1008"));
        assertThat(causes).anyMatch(c -> c.contains("4008"));
        assertThat(causes).anyMatch(c -> c.contains("no answer to a ping"));
        assertThat(causes).anyMatch(c -> c.contains("1001"));
        assertThat(causes.size()).isGreaterThanOrEqualTo(5);
      }
      assertThat(rec.states.get(rec.states.size() - 1))
          .isEqualTo(
              new ConnectionState.Closed(
                  ConnectionState.CloseReason.CLOSED, "closed by the client"));
    } finally {
      resume.countDown();
      first.close();
      if (second != null) {
        second.close();
      }
    }
  }

  /** Waits for {@code done}; on timeout, says where the follow was. */
  private static void until(Recorder rec, java.util.concurrent.Callable<Boolean> done) {
    try {
      await().atMost(LONG).until(done);
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      StringBuilder threads = new StringBuilder();
      for (var t :
          java.lang.management.ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
        if (t.getThreadName().startsWith("coderunner-client")
            || t.getThreadName().startsWith("HttpClient")) {
          threads.append(t);
        }
      }
      throw new AssertionError(
          "follow at "
              + rec.last()
              + ", states "
              + rec.states
              + ", violations "
              + rec.violations
              + "\n"
              + threads,
          e);
    }
  }

  private static long closes(CodeRunnerClient admin, int code) {
    return admin.broadcasterStats().closesByCode().getOrDefault(code, 0L);
  }

  @Test
  void aResumePointRetentionDroppedIsOneExactGap() {
    try (Server s = new Server(b -> b.retention(RetentionConfig.builder().maxLines(100).build()));
        CodeRunnerClient c = s.client(ALICE)) {
      DeploymentId id = c.create(new DeploymentSpec("short", List.of("sh"), Map.of(), null)).id();
      ingest(c, id, "x", 500); // seqs 2..501; 402..501 retained
      String epoch = c.logs(id, HistoryQuery.first()).epoch();
      Recorder rec = new Recorder();
      try (LogFollow f = c.follow(id, FollowOptions.after(new Position(epoch, 10)), rec)) {
        await().atMost(LONG).until(() -> rec.last() == 501);
        assertThat(rec.gaps).hasSize(1);
        assertThat(rec.gaps.get(0)).containsExactly(11, 401);
        assertThat(rec.epoch(0))
            .containsExactlyElementsOf(LongStream.rangeClosed(402, 501).boxed().toList());
        assertThat(rec.resets).isEmpty();
        assertThat(f.position()).hasValue(new Position(epoch, 501));
      }
      Recorder foreign = new Recorder();
      try (LogFollow f =
          c.follow(id, FollowOptions.after(new Position("another-epoch", 300)), foreign)) {
        await().atMost(LONG).until(() -> foreign.last() == 501);
        assertThat(foreign.resets).containsExactly(epoch);
        assertThat(f.position()).hasValue(new Position(epoch, 501));
        assertThat(foreign.epoch(1))
            .containsExactlyElementsOf(LongStream.rangeClosed(402, 501).boxed().toList());
      }
    }
  }

  @Test
  void aDeletedDeploymentEndsTheFollowAndAnotherOwnersIsForbidden() {
    try (Server s = new Server();
        CodeRunnerClient alice = s.client(ALICE);
        CodeRunnerClient bob = s.client(Server.BOB)) {
      DeploymentId id =
          alice.create(new DeploymentSpec("gone", List.of("sh"), Map.of(), null)).id();
      Recorder mine = new Recorder();
      Recorder theirs = new Recorder();
      try (LogFollow f = alice.follow(id, FollowOptions.tail(10), mine);
          LogFollow g = bob.follow(id, FollowOptions.tail(10), theirs)) {
        await().atMost(LONG).until(mine::isLive);
        await().atMost(LONG).until(() -> g.state() instanceof ConnectionState.Closed);
        assertThat(((ConnectionState.Closed) g.state()).reason())
            .isEqualTo(ConnectionState.CloseReason.FORBIDDEN);
        assertThat(theirs.count()).isZero();
        alice.delete(id);
        await().atMost(LONG).until(() -> f.state() instanceof ConnectionState.Closed);
        assertThat(((ConnectionState.Closed) f.state()).reason())
            .isEqualTo(ConnectionState.CloseReason.DELETED);
      }
    }
  }

  @Test
  void anExpiredFixedTokenEndsTheFollowInsteadOfRetrying() {
    try (Server s = new Server(b -> b.tokenTtl(Duration.ofSeconds(2)).jwtLeeway(Duration.ZERO));
        CodeRunnerClient c = s.client(ALICE)) {
      DeploymentId id = c.create(new DeploymentSpec("brief", List.of("sh"), Map.of(), null)).id();
      Recorder rec = new Recorder();
      try (LogFollow f = c.follow(id, FollowOptions.fromStart(), rec)) {
        await().atMost(LONG).until(() -> f.state() instanceof ConnectionState.Closed);
        assertThat(f.state())
            .isInstanceOfSatisfying(
                ConnectionState.Closed.class,
                closed -> {
                  assertThat(closed.reason()).isEqualTo(ConnectionState.CloseReason.UNAUTHORIZED);
                  assertThat(closed.detail()).contains("4401");
                });
        assertThat(rec.dropCauses()).as("a fixed token is not retried").isEmpty();
        assertThat(rec.last()).isEqualTo(1);
      }
    }
  }

  @Test
  void anExpiringTokenIsRefreshedOnTheOpenConnection() {
    try (Server s = new Server(b -> b.tokenTtl(Duration.ofSeconds(3)))) {
      java.util.concurrent.atomic.AtomicInteger issued =
          new java.util.concurrent.atomic.AtomicInteger();
      try (CodeRunnerClient c =
          CodeRunnerClient.builder()
              .baseUri(s.uri())
              .tokenSupplier(
                  () -> {
                    issued.incrementAndGet();
                    return s.token(ALICE);
                  })
              .build()) {
        DeploymentId id = c.create(new DeploymentSpec("long", List.of("sh"), Map.of(), null)).id();
        Recorder rec = new Recorder();
        try (LogFollow f = c.follow(id, FollowOptions.fromStart(), rec)) {
          await().atMost(LONG).until(rec::isLive);
          int before = issued.get();
          // Three fresh tokens later, the first one's 3 s are long past: without its refresh
          // frames the server would have closed the connection with 4401.
          await().atMost(LONG).until(() -> issued.get() >= before + 3);
          c.ingest(id, List.of(LogEntry.stdout("still here")));
          await().atMost(LONG).until(() -> rec.last() == 2);
          assertThat(rec.dropCauses()).as("refreshed in place, never reconnected").isEmpty();
          assertThat(f.state()).isInstanceOf(ConnectionState.Live.class);
        }
      }
    }
  }
}
