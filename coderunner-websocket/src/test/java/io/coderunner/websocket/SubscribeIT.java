package io.coderunner.websocket;

import static io.coderunner.websocket.TestServer.A1;
import static io.coderunner.websocket.TestServer.U1;
import static io.coderunner.websocket.TestServer.U2;
import static io.coderunner.websocket.TestServer.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.StreamKind;
import io.coderunner.core.follow.FollowConfig;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.core.protocol.ClientFrame;
import io.coderunner.core.protocol.ServerFrame;
import io.coderunner.core.protocol.SubscribeFilter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Following logs: where delivery starts, history then live lines, gaps, status changes, filters,
 * access control, unsubscribe and the per-connection subscription rules.
 */
class SubscribeIT {

  private static List<Long> range(long from, long to) {
    return LongStream.rangeClosed(from, to).boxed().toList();
  }

  private static ClientFrame.Subscribe subscribe(
      DeploymentId id, String epoch, Long after, Integer tail) {
    return new ClientFrame.Subscribe(id, epoch, after, tail, SubscribeFilter.NONE);
  }

  @Test
  void subscribeAfterZeroReplaysHistoryThenLiveLinesInSeqOrder() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      server.append(d, 10);
      WsClient c = server.connect(U1);

      ServerFrame.Subscribed subscribed = c.subscribeFromStartAndWait(d);
      assertThat(c.awaitSeqsThrough(d, 10)).containsExactlyElementsOf(range(1, 10));
      server.append(d, 5);
      server.append(d, "one more");

      assertThat(subscribed).isEqualTo(new ServerFrame.Subscribed(d, server.epoch(d), 1, 1, false));
      assertThat(c.framesAbout(d).get(0))
          .as("subscribed comes before any line")
          .isEqualTo(subscribed);
      server.assertGotEveryLine(c, d);
      assertThat(c.lines(d).get(15).message()).isEqualTo("one more");
    }
  }

  @Test
  void linesArriveWithTheirFieldsAsAppended() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient c = server.bystander(d);
      List<LogLine> appended = new ArrayList<>();

      appended.add(server.store.append(d, LogEntry.stdout("plain")));
      appended.add(server.store.append(d, LogEntry.stderr("say \"hi\"\n\tC:\\tmp \u0001 é 日本")));
      appended.add(
          server.store.append(d, new LogEntry(null, StreamKind.STDOUT, LogLevel.DEBUG, "")));

      List<LogLine> got = c.awaitLines(3);
      assertThat(got).hasSize(3);
      for (int i = 0; i < 3; i++) {
        LogLine want = appended.get(i);
        assertThat(got.get(i))
            .isEqualTo(
                new LogLine(
                    want.seq(),
                    want.timestamp().truncatedTo(ChronoUnit.MICROS),
                    want.stream(),
                    want.level(),
                    want.message()));
      }
    }
  }

  @Test
  void subscribeWithoutAfterOrTailDeliversOnlyLinesAppendedAfterIt() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      server.append(d, 5);
      WsClient c = server.connect(U1);

      c.send(subscribe(d, null, null, null));
      ServerFrame.Subscribed subscribed = c.awaitFrame(ServerFrame.Subscribed.class);
      server.append(d, 3);

      assertThat(subscribed.next()).isEqualTo(6);
      assertThat(subscribed.firstAvailable()).isEqualTo(1);
      server.assertGotExactly(c, d, 6);
    }
  }

  @Test
  void subscribeWithTailDeliversTheLastLinesThenLiveLines() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      server.append(d, 20);
      WsClient c = server.connect(U1);

      c.send(subscribe(d, null, null, 5));
      ServerFrame.Subscribed subscribed = c.awaitFrame(ServerFrame.Subscribed.class);
      assertThat(c.awaitSeqsThrough(d, 20)).containsExactlyElementsOf(range(16, 20));
      server.append(d, 4);

      assertThat(subscribed.next()).isEqualTo(16);
      server.assertGotExactly(c, d, 16);
    }
  }

  @Test
  void tailZeroIsLiveOnly() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      server.append(d, 7);
      WsClient c = server.connect(U1);

      c.send(subscribe(d, null, null, 0));
      assertThat(c.awaitFrame(ServerFrame.Subscribed.class).next()).isEqualTo(8);
      server.append(d, 2);

      server.assertGotExactly(c, d, 8);
    }
  }

  @Test
  void subscribeWithTheLogsEpochResumesRightAfterTheGivenSeq() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      server.append(d, 12);
      WsClient c = server.connect(U1);

      c.send(subscribe(d, server.epoch(d), 7L, null));
      ServerFrame.Subscribed subscribed = c.awaitFrame(ServerFrame.Subscribed.class);
      server.append(d, 3);

      assertThat(subscribed).isEqualTo(new ServerFrame.Subscribed(d, server.epoch(d), 1, 8, false));
      server.assertGotExactly(c, d, 8);
    }
  }

  @Test
  void anAfterAheadOfTheHeadWaitsForThoseSeqs() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      server.append(d, 3);
      WsClient c = server.connect(U1);

      c.send(subscribe(d, server.epoch(d), 6L, null));
      assertThat(c.awaitFrame(ServerFrame.Subscribed.class).next()).isEqualTo(7);
      server.append(d, 6);

      server.assertGotExactly(c, d, 7);
    }
  }

  @Test
  void subscribeWithAnotherEpochIsResetAndReplayedFromTheFirstRetainedLine() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      server.append(d, 9);
      WsClient c = server.connect(U1);

      c.send(subscribe(d, "an-epoch-from-before-a-restart", 7L, null));
      ServerFrame.Subscribed subscribed = c.awaitFrame(ServerFrame.Subscribed.class);
      server.append(d, 2);

      assertThat(subscribed).isEqualTo(new ServerFrame.Subscribed(d, server.epoch(d), 1, 1, true));
      server.assertGotEveryLine(c, d);
    }
  }

  @Test
  void aResumeFromBeforeRetentionGetsAGapThenTheRetainedLines() throws Exception {
    RetentionConfig retention = RetentionConfig.builder().maxLines(10).build();
    try (TestServer server =
        TestServer.builder()
            .config(TestServer.quietConfig().build())
            .retention(retention)
            .start()) {
      DeploymentId d = server.newDeployment(U1);
      server.append(d, 25);
      long first = server.info(d).firstAvailable();
      assertThat(first).isEqualTo(16);
      WsClient c = server.connect(U1);

      c.send(subscribe(d, server.epoch(d), 3L, null));
      ServerFrame.Subscribed subscribed = c.awaitFrame(ServerFrame.Subscribed.class);
      assertThat(c.awaitSeqsThrough(d, 25)).containsExactlyElementsOf(range(16, 25));
      server.append(d, 2);

      assertThat(subscribed.firstAvailable()).isEqualTo(16);
      assertThat(subscribed.next()).isEqualTo(4);
      assertThat(subscribed.reset()).isFalse();
      List<ServerFrame> about = c.framesAbout(d);
      assertThat(about.get(1))
          .as("the gap comes right after subscribed, before any line")
          .isEqualTo(new ServerFrame.Gap(d, 4, 15));
      assertThat(c.framesOf(ServerFrame.Gap.class)).hasSize(1);
      server.assertGotExactly(c, d, 16);
    }
  }

  @Test
  void aStatusChangeIsDeliveredAsASystemLineFollowedByAStatusFrame() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient c = server.bystander(d);
      server.append(d, 2);

      LogLine status = server.store.appendStatus(d, DeploymentStatus.STOPPING, "stopping");
      server.append(d, 2);

      ServerFrame.Status frame = c.awaitFrame(ServerFrame.Status.class);
      server.assertGotEveryLine(c, d);
      assertThat(frame.deploymentId()).isEqualTo(d);
      assertThat(frame.status()).isEqualTo(DeploymentStatus.STOPPING);
      assertThat(frame.timestamp()).isEqualTo(status.timestamp().truncatedTo(ChronoUnit.MICROS));
      LogLine line = c.lines(d).get(2);
      assertThat(line.seq()).isEqualTo(status.seq());
      assertThat(line.stream()).isEqualTo(StreamKind.SYSTEM);
      assertThat(line.message()).isEqualTo("stopping");
      List<ServerFrame> about = c.framesAbout(d);
      int logsWithStatus = indexOfLogsHolding(about, status.seq());
      assertThat(about.get(logsWithStatus + 1))
          .as("the status frame follows the logs frame holding the status line")
          .isEqualTo(frame);
    }
  }

  private static int indexOfLogsHolding(List<ServerFrame> frames, long seq) {
    for (int i = 0; i < frames.size(); i++) {
      if (frames.get(i) instanceof ServerFrame.Logs logs
          && logs.lines().stream().anyMatch(l -> l.seq() == seq)) {
        return i;
      }
    }
    throw new AssertionError("no logs frame holds seq " + seq + ": " + frames);
  }

  @Test
  void aFailureStatusIsAnErrorLevelSystemLine() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient c = server.bystander(d);

      server.store.appendStatus(d, DeploymentStatus.FAILED, "exit code 3");

      assertThat(c.awaitFrame(ServerFrame.Status.class).status())
          .isEqualTo(DeploymentStatus.FAILED);
      LogLine line = c.awaitLines(1).get(0);
      assertThat(line.level()).isEqualTo(LogLevel.ERROR);
      assertThat(line.stream()).isEqualTo(StreamKind.SYSTEM);
    }
  }

  @Test
  void aFilteredSubscriptionGetsOnlyTheLinesThatPass() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient errors = server.connect(U1);
      WsClient needles = server.connect(U1);
      WsClient all = server.bystander(d);
      errors.send(
          new ClientFrame.Subscribe(
              d, null, 0L, null, new SubscribeFilter(Set.of(LogLevel.ERROR), Set.of(), null)));
      needles.send(
          new ClientFrame.Subscribe(
              d,
              null,
              0L,
              null,
              new SubscribeFilter(Set.of(), Set.of(StreamKind.STDOUT), "needle")));
      errors.awaitFrame(ServerFrame.Subscribed.class);
      needles.awaitFrame(ServerFrame.Subscribed.class);

      for (int i = 1; i <= 30; i++) {
        server.store.append(
            d, i % 3 == 0 ? LogEntry.stderr("err " + i) : LogEntry.stdout("out " + i));
        if (i % 7 == 0) {
          server.store.append(d, LogEntry.stdout("a needle at " + i));
          server.store.append(d, LogEntry.stderr("a needle on stderr at " + i));
        }
      }

      server.assertGotEveryLine(all, d);
      List<LogLine> everything = all.lines(d);
      List<Long> wantErrors =
          everything.stream().filter(l -> l.level() == LogLevel.ERROR).map(LogLine::seq).toList();
      List<Long> wantNeedles =
          everything.stream()
              .filter(l -> l.stream() == StreamKind.STDOUT && l.message().contains("needle"))
              .map(LogLine::seq)
              .toList();
      assertThat(errors.awaitSeqsThrough(d, wantErrors.get(wantErrors.size() - 1)))
          .containsExactlyElementsOf(wantErrors);
      assertThat(needles.awaitSeqsThrough(d, wantNeedles.get(wantNeedles.size() - 1)))
          .containsExactlyElementsOf(wantNeedles);
    }
  }

  @Test
  void aForbiddenDeploymentAndAnUnknownOneGetTheSameForbiddenErrorAndNoData() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId hers = server.newDeployment(U1);
      DeploymentId his = server.newDeployment(U2);
      WsClient owner = server.bystander(hers);
      WsClient other = server.connect(U2);
      server.append(hers, 5);

      other.send(subscribe(hers, null, 0L, null));
      ServerFrame.Error forbidden = other.awaitError();
      other.send(subscribe(UNKNOWN, null, 0L, null));
      ServerFrame.Error unknown = other.awaitError();
      other.subscribeFromStartAndWait(his);
      server.append(hers, 5);
      server.append(his, 1);

      assertThat(forbidden.code()).isEqualTo(ErrorCodes.FORBIDDEN);
      assertThat(forbidden.ref()).isEqualTo(hers.value());
      assertThat(unknown.code()).isEqualTo(ErrorCodes.FORBIDDEN);
      assertThat(unknown.ref()).isEqualTo(UNKNOWN.value());
      assertThat(unknown.message().replace(UNKNOWN.value(), "<id>"))
          .as("the answer does not tell whether the deployment exists")
          .isEqualTo(forbidden.message().replace(hers.value(), "<id>"));
      server.assertGotEveryLine(other, his);
      server.assertGotEveryLine(owner, hers);
      assertThat(other.framesAbout(hers)).as("no data of a forbidden deployment").isEmpty();
      String otherId = other.welcome().connectionId();
      assertThat(server.connection(otherId).orElseThrow().subscriptions())
          .extracting(SubscriptionInfo::deploymentId)
          .containsExactly(his);
    }
  }

  @Test
  void aLogWithoutADeploymentRecordIsForbiddenLikeAnUnknownOne() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId orphan = server.orphanLog();
      server.append(orphan, 3);
      WsClient admin = server.connect(A1);

      admin.send(subscribe(orphan, null, 0L, null));
      ServerFrame.Error error = admin.awaitError();
      admin.roundTrip();

      assertThat(error.code()).isEqualTo(ErrorCodes.FORBIDDEN);
      assertThat(error.ref()).isEqualTo(orphan.value());
      assertThat(admin.framesAbout(orphan)).isEmpty();
    }
  }

  @Test
  void anAdminMayFollowAnyDeployment() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U2);
      server.append(d, 4);
      WsClient admin = server.connect(A1);

      admin.subscribeFromStartAndWait(d);
      server.append(d, 4);

      server.assertGotEveryLine(admin, d);
    }
  }

  @Test
  void unsubscribeStopsTheLinesOfThatDeploymentOnly() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId a = server.newDeployment(U1);
      DeploymentId b = server.newDeployment(U1);
      WsClient c = server.connect(U1);
      c.subscribeFromStartAndWait(a);
      c.subscribeFromStartAndWait(b);
      server.append(a, 3);
      server.append(b, 3);
      assertThat(c.awaitSeqsThrough(a, 3)).containsExactly(1L, 2L, 3L);
      long cursorsBefore = server.store.stats().cursors();

      c.send(new ClientFrame.Unsubscribe(a));
      c.roundTrip();
      server.append(a, 5);
      server.append(b, 5);

      server.assertGotEveryLine(c, b);
      assertThat(c.seqs(a)).as("nothing of a after unsubscribe").containsExactly(1L, 2L, 3L);
      assertThat(c.framesOf(ServerFrame.Error.class)).isEmpty();
      Awaits.await()
          .untilAsserted(
              () ->
                  assertThat(server.store.stats().cursors())
                      .as("unsubscribe releases the cursor")
                      .isEqualTo(cursorsBefore - 1));
    }
  }

  @Test
  void subscribingAgainAfterUnsubscribeStartsAFreshSubscription() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient c = server.bystander(d);
      server.append(d, 3);
      c.awaitSeqsThrough(d, 3);

      c.send(new ClientFrame.Unsubscribe(d));
      c.roundTrip();
      c.send(subscribe(d, server.epoch(d), 3L, null));
      ServerFrame.Subscribed again = c.awaitFrame(ServerFrame.Subscribed.class, s -> s.next() == 4);
      server.append(d, 3);

      assertThat(again.reset()).isFalse();
      server.assertGotEveryLine(c, d);
    }
  }

  @Test
  void unsubscribeOfADeploymentNotFollowedIsAnsweredNotSubscribed() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      DeploymentId other = server.newDeployment(U1);
      WsClient c = server.bystander(d);
      server.append(d, 2);

      c.send(new ClientFrame.Unsubscribe(other));
      ServerFrame.Error error = c.awaitError();
      server.append(d, 2);

      assertThat(error.code()).isEqualTo(ErrorCodes.NOT_SUBSCRIBED);
      assertThat(error.ref()).isEqualTo(other.value());
      server.assertGotEveryLine(c, d);
    }
  }

  @Test
  void subscribingTwiceIsAnsweredAlreadySubscribedAndTheFirstSubscriptionGoesOnAlone()
      throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient c = server.bystander(d);
      server.append(d, 4);

      c.subscribeFromStart(d);
      ServerFrame.Error error = c.awaitError();
      server.append(d, 4);

      assertThat(error.code()).isEqualTo(ErrorCodes.ALREADY_SUBSCRIBED);
      assertThat(error.ref()).isEqualTo(d.value());
      assertThat(c.framesOf(ServerFrame.Subscribed.class)).hasSize(1);
      server.assertGotEveryLine(c, d);
    }
  }

  @Test
  void subscriptionsBeyondTheLimitAreAnsweredTooManySubscriptions() throws Exception {
    WebSocketConfig cfg = TestServer.quietConfig().maxSubscriptionsPerConnection(2).build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId a = server.newDeployment(U1);
      DeploymentId b = server.newDeployment(U1);
      DeploymentId third = server.newDeployment(U1);
      WsClient c = server.connect(U1);
      c.subscribeFromStartAndWait(a);
      c.subscribeFromStartAndWait(b);

      c.subscribeFromStart(third);
      ServerFrame.Error error = c.awaitError();
      server.append(third, 2);
      c.send(new ClientFrame.Unsubscribe(a));
      ServerFrame.Subscribed subscribed = c.subscribeFromStartAndWait(third);
      server.append(b, 3);
      server.append(third, 2);

      assertThat(error.code()).isEqualTo(ErrorCodes.TOO_MANY_SUBSCRIPTIONS);
      assertThat(subscribed.deploymentId()).isEqualTo(third);
      server.assertGotEveryLine(c, b);
      server.assertGotEveryLine(c, third);
    }
  }

  @Test
  void pingIsAnsweredWithPongCarryingTheSameId() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      WsClient c = server.connect(U1);

      c.send(new ClientFrame.Ping("p-1"));
      ServerFrame.Pong withId = c.awaitFrame(ServerFrame.Pong.class);
      c.send(new ClientFrame.Ping(null));
      ServerFrame.Pong withoutId = c.awaitFrame(ServerFrame.Pong.class);

      assertThat(withId.id()).isEqualTo("p-1");
      assertThat(withoutId.id()).isNull();
    }
  }

  @Test
  void oneConnectionFollowsSeveralDeploymentsEachInOrder() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId a = server.newDeployment(U1);
      DeploymentId b = server.newDeployment(U1);
      DeploymentId c2 = server.newDeployment(U2);
      WsClient admin = server.connect(A1);
      server.append(a, 5);
      admin.subscribeFromStartAndWait(a);
      admin.subscribeFromStartAndWait(b);
      admin.subscribeFromStartAndWait(c2);

      for (int i = 0; i < 50; i++) {
        server.append(List.of(a, b, c2).get(i % 3), 1 + i % 4);
      }

      server.assertGotEveryLine(admin, a);
      server.assertGotEveryLine(admin, b);
      server.assertGotEveryLine(admin, c2);
    }
  }

  @Test
  void logsFramesHoldAtMostMaxBatchLines() throws Exception {
    WebSocketConfig cfg =
        TestServer.quietConfig().follow(FollowConfig.builder().maxBatchLines(3).build()).build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      server.append(d, 40);
      WsClient c = server.bystander(d);
      server.append(d, 40);

      server.assertGotEveryLine(c, d);
      assertThat(c.framesOf(ServerFrame.Logs.class))
          .allSatisfy(logs -> assertThat(logs.lines()).hasSizeLessThanOrEqualTo(3));
    }
  }

  @Test
  void aLineLargerThanTheOutboundFrameTargetStillArrivesWholeAndAlone() throws Exception {
    WebSocketConfig cfg =
        TestServer.quietConfig().follow(FollowConfig.builder().maxBatchBytes(4096).build()).build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      String big = "x".repeat(10_000);
      for (int i = 0; i < 5; i++) {
        server.append(d, big + i);
      }
      WsClient c = server.bystander(d);
      server.append(d, big + "live");

      server.assertGotEveryLine(c, d);
      assertThat(c.lines(d)).allSatisfy(l -> assertThat(l.message()).startsWith(big));
      assertThat(c.framesOf(ServerFrame.Logs.class))
          .allSatisfy(logs -> assertThat(logs.lines()).hasSize(1));
    }
  }

  @Test
  void aFilteredSubscriptionGetsTheStatusFrameEvenWhenItsFilterDropsTheStatusLine()
      throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient stderrOnly = server.connect(U1);
      stderrOnly.send(
          new ClientFrame.Subscribe(
              d, null, 0L, null, new SubscribeFilter(Set.of(), Set.of(StreamKind.STDERR), null)));
      stderrOnly.awaitFrame(ServerFrame.Subscribed.class);

      server.store.appendStatus(d, DeploymentStatus.STOPPING, "stopping");
      LogLine err = server.store.append(d, LogEntry.stderr("after the status"));

      assertThat(stderrOnly.awaitFrame(ServerFrame.Status.class).status())
          .isEqualTo(DeploymentStatus.STOPPING);
      assertThat(stderrOnly.awaitSeqsThrough(d, err.seq())).containsExactly(err.seq());
    }
  }

  @Test
  void deletingALogEndsItsSubscriptionsWithSubscriptionEndedAndTheConnectionGoesOn()
      throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId doomed = server.newDeployment(U1);
      DeploymentId other = server.newDeployment(U1);
      WsClient c = server.bystander(doomed);
      c.subscribeFromStartAndWait(other);
      server.append(doomed, 3);
      c.awaitThrough(doomed, 3);

      server.store.delete(doomed);
      ServerFrame.Error ended = c.awaitError();
      server.append(other, 3);

      assertThat(ended.code()).isEqualTo(ErrorCodes.SUBSCRIPTION_ENDED);
      assertThat(ended.ref()).isEqualTo(doomed.value());
      server.assertGotEveryLine(c, other);
      assertThat(server.connection(c.welcome().connectionId()).orElseThrow().subscriptions())
          .extracting(SubscriptionInfo::deploymentId)
          .containsExactly(other);
    }
  }
}
