package io.coderunner.websocket;

import static io.coderunner.websocket.TestServer.U1;
import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLine;
import io.coderunner.core.follow.FollowConfig;
import io.coderunner.core.log.AppendResult;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.core.protocol.ClientFrame;
import io.coderunner.core.protocol.ServerFrame;
import io.coderunner.core.protocol.SubscribeFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A client that stops reading while lines keep coming: the server serves it from the shared log
 * until its lag passes a bound, then closes it with 4008, and nobody else notices. The stalled
 * client is a raw socket with a 4 KiB receive buffer that subscribes and then never reads; the
 * well-behaved client is the JDK's, and lines are appended in batches only as fast as it takes
 * them, so it never lags.
 */
class SlowConsumerIT {
  /** About 1 KiB per line. */
  private static final String PAYLOAD = "x".repeat(1000);

  /** Appending stops here (about 22 MB): far more than loopback socket buffers hold. */
  private static final long MAX_LINES = 20_000;

  private static final int BATCH = 32;

  /** What the stalled client is: its connection id and the raw socket. */
  private record Stalled(String connectionId, RawWsClient raw) {}

  private static Stalled stalledSubscriber(TestServer server, DeploymentId d) throws Exception {
    RawWsClient raw = server.raw(server.bearer(U1), 4096);
    assertThat(raw.upgraded()).isTrue();
    ServerFrame welcome = WsClient.CODEC.decodeServer(raw.readText());
    assertThat(welcome).isInstanceOf(ServerFrame.Welcome.class);
    raw.sendText(
        WsClient.CODEC.encode(new ClientFrame.Subscribe(d, null, 0L, null, SubscribeFilter.NONE)));
    assertThat(WsClient.CODEC.decodeServer(raw.readText()))
        .isInstanceOf(ServerFrame.Subscribed.class);
    // From here on the raw client reads nothing.
    return new Stalled(((ServerFrame.Welcome) welcome).connectionId(), raw);
  }

  /**
   * Appends batches of ~1 KiB lines, each only once {@code good} received the one before, until the
   * server closed some connection with 4008 or {@code maxLines} were appended.
   */
  private static void appendPacedBy(
      TestServer server, DeploymentId d, WsClient good, long maxLines) {
    while (server.closes(CloseCodes.SLOW_CONSUMER) == 0 && server.lastSeq(d) < maxLines) {
      List<LogEntry> batch = new ArrayList<>(BATCH);
      for (int i = 0; i < BATCH; i++) {
        batch.add(LogEntry.stdout(PAYLOAD));
      }
      AppendResult appended = server.store.append(d, batch);
      good.awaitThrough(d, appended.lastSeq());
    }
  }

  /** Reads what the stalled client was sent, to its end; returns the seqs, in order. */
  private static List<Long> drain(RawWsClient raw, List<Integer> closeCode) throws Exception {
    List<Long> seqs = new ArrayList<>();
    int code =
        raw.readUntilClose(
            text -> {
              ServerFrame f = WsClient.CODEC.decodeServer(text);
              if (f instanceof ServerFrame.Logs logs) {
                for (LogLine line : logs.lines()) {
                  seqs.add(line.seq());
                }
              } else if (f instanceof ServerFrame.Gap gap) {
                throw new AssertionError("a gap with retention far from full: " + gap);
              }
            });
    closeCode.add(code);
    return seqs;
  }

  @Test
  void aPeerThatIsBehindIsLeftToTheLagBoundNotTheHeartbeat() throws Exception {
    // Heartbeats every 100 ms would call a silent peer dead within a fraction of a second; one
    // with lines waiting must instead be closed by the lag bound, with 4008 and a resume hint.
    WebSocketConfig cfg =
        WebSocketConfig.builder()
            .heartbeatInterval(Duration.ofMillis(100))
            .follow(
                FollowConfig.builder()
                    .maxLagBytes(64 << 10)
                    .maxLagTime(Duration.ofHours(1))
                    .build())
            .build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient good = server.bystander(d);
      Stalled stalled = stalledSubscriber(server, d);

      appendPacedBy(server, d, good, MAX_LINES);
      Awaits.await().until(() -> server.closes(CloseCodes.SLOW_CONSUMER) > 0);

      assertThat(server.closes(CloseCodes.SLOW_CONSUMER)).isEqualTo(1);
      assertThat(server.closes(1006)).as("heartbeat closes").isZero();
      Awaits.await()
          .untilAsserted(() -> assertThat(server.connection(stalled.connectionId())).isEmpty());
      server.append(d, 10);
      server.assertGotEveryLine(good, d);
    }
  }

  @Test
  void aClientThatStopsReadingIsClosedWith4008WhileOthersGetEveryLine() throws Exception {
    WebSocketConfig cfg =
        TestServer.quietConfig()
            .follow(
                FollowConfig.builder()
                    .maxLagBytes(64 << 10)
                    .maxLagTime(Duration.ofHours(1))
                    .build())
            .build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient good = server.bystander(d);
      Stalled stalled = stalledSubscriber(server, d);

      appendPacedBy(server, d, good, MAX_LINES);
      // The byte bound must hold for a while (a burst alone is not lagging): wait for the close.
      Awaits.await().until(() -> server.closes(CloseCodes.SLOW_CONSUMER) > 0);

      assertThat(server.closes(CloseCodes.SLOW_CONSUMER))
          .as("closes by 4008 after %s lines", server.lastSeq(d))
          .isEqualTo(1);
      Awaits.await()
          .untilAsserted(() -> assertThat(server.connection(stalled.connectionId())).isEmpty());
      assertThat(server.broadcaster.connections()).hasSize(1);
      server.append(d, 100);
      server.assertGotEveryLine(good, d);
      List<Integer> code = new ArrayList<>();
      List<Long> seqs = drain(stalled.raw(), code);
      assertThat(code.get(0)).isIn(CloseCodes.SLOW_CONSUMER, RawWsClient.NO_CLOSE_FRAME);
      assertThat(seqs)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, seqs.size()).boxed().toList());
    }
  }

  @Test
  void aClientBehindForLongerThanMaxLagTimeIsClosedWith4008UnderTheByteBound() throws Exception {
    WebSocketConfig cfg =
        TestServer.quietConfig()
            .follow(
                FollowConfig.builder()
                    .maxLagBytes(64L << 20)
                    .maxLagTime(Duration.ofSeconds(2))
                    .build())
            .build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient good = server.bystander(d);
      Stalled stalled = stalledSubscriber(server, d);

      // 16,000 lines (~17 MB counted) can never make 64 MiB of lag: only time can close it.
      appendPacedBy(server, d, good, 16_000);
      Awaits.await().until(() -> server.closes(CloseCodes.SLOW_CONSUMER) == 1);

      Awaits.await()
          .untilAsserted(() -> assertThat(server.connection(stalled.connectionId())).isEmpty());
      server.append(d, 100);
      server.assertGotEveryLine(good, d);
      assertThat(server.closes(CloseCodes.SLOW_CONSUMER)).isEqualTo(1);
    }
  }

  @Test
  void aSlowConsumerClosedWith4008ResumesFromItsLastSeqWithoutLosingALine() throws Exception {
    WebSocketConfig cfg =
        TestServer.quietConfig()
            .follow(
                FollowConfig.builder()
                    .maxLagBytes(64 << 10)
                    .maxLagTime(Duration.ofHours(1))
                    .build())
            .build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient good = server.bystander(d);
      Stalled stalled = stalledSubscriber(server, d);
      appendPacedBy(server, d, good, MAX_LINES);
      Awaits.await().until(() -> server.closes(CloseCodes.SLOW_CONSUMER) > 0);
      assertThat(server.closes(CloseCodes.SLOW_CONSUMER)).isEqualTo(1);
      List<Long> before = drain(stalled.raw(), new ArrayList<>());
      long lastSeq = before.isEmpty() ? 0 : before.get(before.size() - 1);

      WsClient resumed = server.connect(U1);
      resumed.send(
          new ClientFrame.Subscribe(d, server.epoch(d), lastSeq, null, SubscribeFilter.NONE));
      ServerFrame.Subscribed subscribed = resumed.awaitFrame(ServerFrame.Subscribed.class);
      server.append(d, 50);

      assertThat(subscribed.next()).isEqualTo(lastSeq + 1);
      assertThat(subscribed.reset()).isFalse();
      server.assertGotExactly(resumed, d, lastSeq + 1);
      server.assertGotEveryLine(good, d);
    }
  }

  @Test
  void aClientThatFallsBehindRetentionGetsAGapThenEveryLaterLine() throws Exception {
    WebSocketConfig cfg =
        TestServer.quietConfig()
            .follow(
                FollowConfig.builder()
                    .maxLagBytes(1L << 40)
                    .maxLagTime(Duration.ofHours(1))
                    .build())
            .build();
    RetentionConfig retention = RetentionConfig.builder().maxLines(3_000).build();
    try (TestServer server = TestServer.builder().config(cfg).retention(retention).start()) {
      DeploymentId d = server.newDeployment(U1);
      WsClient good = server.bystander(d);
      Stalled stalled = stalledSubscriber(server, d);

      appendPacedBy(server, d, good, 30_000);
      assertThat(server.info(d).firstAvailable()).isGreaterThan(20_000);
      // Now the stalled client reads again: what it was sent, a gap, then the retained lines.
      List<long[]> events = new ArrayList<>(); // {seq, seq} per line, {from, to} per gap
      long target = server.lastSeq(d) + 10;
      server.append(d, 10);
      while (events.isEmpty() || events.get(events.size() - 1)[1] < target) {
        ServerFrame f = WsClient.CODEC.decodeServer(stalled.raw().readText());
        if (f instanceof ServerFrame.Logs logs) {
          for (LogLine line : logs.lines()) {
            events.add(new long[] {line.seq(), line.seq()});
          }
        } else if (f instanceof ServerFrame.Gap gap) {
          events.add(new long[] {gap.from(), gap.to()});
        }
      }

      long expected = 1;
      int gaps = 0;
      for (long[] e : events) {
        assertThat(e[0]).as("each line once, in order, or named by a gap").isEqualTo(expected);
        gaps += e[1] > e[0] ? 1 : 0;
        expected = e[1] + 1;
      }
      assertThat(expected - 1).isEqualTo(target);
      assertThat(gaps).as("retention dropped lines the client had not read").isEqualTo(1);
      assertThat(server.closes(CloseCodes.SLOW_CONSUMER)).isZero();
      server.assertGotEveryLine(good, d);
    }
  }

  @Test
  void aClientThatKeepsSendingButNeverReadsIsClosedWith4008() throws Exception {
    WebSocketConfig cfg =
        TestServer.quietConfig()
            .follow(
                FollowConfig.builder()
                    .maxLagBytes(1L << 40)
                    .maxLagTime(Duration.ofHours(1))
                    .build())
            .inboundMessagesPerSecond(100_000)
            .inboundBurst(100_000)
            .build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient good = server.bystander(d);
      Stalled stalled = stalledSubscriber(server, d);
      // Fill the socket buffers towards the stalled client, so that its writes stop.
      appendPacedBy(server, d, good, 10_000);

      String ping = WsClient.CODEC.encode(new ClientFrame.Ping("unread"));
      for (int i = 0; i < 2_000 && server.connection(stalled.connectionId()).isPresent(); i++) {
        try {
          stalled.raw().sendText(ping);
        } catch (java.io.IOException closed) {
          break;
        }
      }

      Awaits.await().until(() -> server.closes(CloseCodes.SLOW_CONSUMER) == 1);
      Awaits.await()
          .untilAsserted(() -> assertThat(server.connection(stalled.connectionId())).isEmpty());
      server.append(d, 20);
      server.assertGotEveryLine(good, d);
    }
  }
}
