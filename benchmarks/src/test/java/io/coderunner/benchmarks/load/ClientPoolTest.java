package io.coderunner.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coderunner.benchmarks.support.BenchServer;
import io.coderunner.benchmarks.support.RawWebSocket;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.StreamKind;
import io.coderunner.core.log.RetentionConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The load tool's client against the real broadcaster, in process. */
class ClientPoolTest {
  private static final List<DeploymentId> IDS =
      List.of(DeploymentId.of("d1"), DeploymentId.of("d2"));
  private BenchServer server;
  private byte[] secret;

  @BeforeEach
  void start() {
    secret = BenchServer.randomSecret();
    server =
        BenchServer.start(
            IDS, BenchServer.config(1_000), RetentionConfig.defaults(), secret, paths -> {});
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
  }

  @Test
  void connectsSubscribesAndReceivesEveryLineOnceInOrder() throws Exception {
    List<String> deployments = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      deployments.add("d" + (i % 2 + 1));
    }
    List<InetAddress> sources =
        List.of(
            InetAddress.getByAddress(new byte[] {127, 0, 0, 1}),
            InetAddress.getByAddress(new byte[] {127, 0, 0, 2}));
    ClientPool pool =
        new ClientPool(address(), BenchServer.token(secret), 2, deployments, sources, 4);
    pool.connectAll().get(30, TimeUnit.SECONDS);
    assertThat(pool.count(ClientPool.ConnState.WELCOMED)).isEqualTo(20);
    pool.subscribeAll().get(30, TimeUnit.SECONDS);
    assertThat(pool.count(ClientPool.ConnState.SUBSCRIBED)).isEqualTo(20);
    pool.measureWindow(0, Long.MAX_VALUE);

    Clock clock = Clock.systemUTC();
    long[] last = new long[2];
    for (int n = 0; n < 300; n++) {
      int d = n % 2;
      String message = "t=" + LoadTool.epochMicros(clock) + " n=" + n + " \"quoted\" \\ text";
      if (n % 3 == 0) {
        last[d] =
            server
                .store()
                .append(
                    IDS.get(d),
                    List.of(
                        new LogEntry(Instant.now(), StreamKind.STDOUT, LogLevel.INFO, message),
                        new LogEntry(Instant.now(), StreamKind.STDERR, LogLevel.WARN, message)))
                .lastSeq();
      } else {
        last[d] = server.store().append(IDS.get(d), LogEntry.stdout(message)).seq();
      }
    }
    Map<String, Long> lastSeq = Map.of("d1", last[0], "d2", last[1]);
    await().atMost(Duration.ofSeconds(30)).until(() -> pool.caughtUp(lastSeq) == 20);
    pool.closeAll(2_000);

    long lines = 0;
    for (ClientPool.Conn c : pool.connections()) {
      assertThat(c.failure).isNull();
      assertThat(c.connectMicros).isPositive();
      assertThat(c.subscribedNext).isEqualTo(1);
      long expected = c.deployment.equals("d1") ? last[0] : last[1];
      assertThat(c.received).isEqualTo(expected);
      assertThat(c.duplicates + c.missingInStream + c.unexpectedFrames + c.errorFrames).isZero();
      assertThat(c.serverCloseCode).isZero();
      lines += c.received;
    }
    assertThat(pool.windowLines()).isEqualTo(lines);
    assertThat(pool.latency().count()).isEqualTo(lines);
    assertThat(pool.failures()).isEmpty();
  }

  @Test
  void aRefusedUpgradeIsAFailureWithItsStatus() throws Exception {
    ClientPool pool =
        new ClientPool(
            address(),
            BenchServer.token(BenchServer.randomSecret()),
            1,
            List.of("d1"),
            List.of(),
            1);
    pool.connectAll().get(30, TimeUnit.SECONDS);
    pool.closeAll(1_000);
    assertThat(pool.failures()).containsOnlyKeys("upgrade refused: HTTP/1.1 401 Unauthorized");
  }

  @Test
  void rawClientConnectsAndClosesCleanly() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(address(), "/ws", server.token())) {
      assertThat(ws).isNotNull();
    }
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(server.broadcaster().stats().connections()).isZero());
  }
}
