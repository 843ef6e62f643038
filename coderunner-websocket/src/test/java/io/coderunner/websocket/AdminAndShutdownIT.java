package io.coderunner.websocket;

import static io.coderunner.websocket.TestServer.U1;
import static io.coderunner.websocket.TestServer.U2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.delivery.DeliveryStats;
import io.coderunner.core.protocol.ServerFrame;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The admin API ({@code connections}, {@code disconnect}, {@code stats}) and shutdown. */
class AdminAndShutdownIT {

  @Test
  void connectionsListsEachConnectionWithPrincipalAddressSubscriptionsAndCounters()
      throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      Instant before = server.clock.instant();
      DeploymentId d = server.newDeployment(U1);
      server.append(d, 10);
      WsClient follower = server.bystander(d);
      WsClient idle = server.connect(U2);
      WsClient anonymous = server.openWithoutAuth();
      follower.awaitThrough(d, 10);
      String followerId = follower.welcome().connectionId();

      Awaits.await()
          .untilAsserted(
              () -> {
                ConnectionInfo info = server.connection(followerId).orElseThrow();
                assertThat(info.linesSent()).isEqualTo(10);
                assertThat(info.subscriptions()).hasSize(1);
                assertThat(info.subscriptions().get(0).position()).isEqualTo(11);
                assertThat(info.framesSent()).isEqualTo(follower.frames().size());
              });
      List<ConnectionInfo> all = server.broadcaster.connections();

      assertThat(all).hasSize(3);
      ConnectionInfo f = server.connection(followerId).orElseThrow();
      assertThat(f.principal()).isEqualTo(U1);
      assertThat(f.remoteAddress()).contains("127.0.0.1");
      SubscriptionInfo sub = f.subscriptions().get(0);
      assertThat(sub.deploymentId()).isEqualTo(d);
      assertThat(sub.lag().isBehind()).isFalse();
      assertThat(f.bytesSent()).isGreaterThan(0);
      assertThat(f.connectedSince()).isBetween(before, server.clock.instant());
      ConnectionInfo i = server.connection(idle.welcome().connectionId()).orElseThrow();
      assertThat(i.principal()).isEqualTo(U2);
      assertThat(i.subscriptions()).isEmpty();
      assertThat(i.linesSent()).isZero();
      assertThat(all)
          .filteredOn(c -> c.principal() == null)
          .as("the unauthenticated connection is listed without a principal")
          .hasSize(1);
      assertThat(anonymous.isClosed()).isFalse();
    }
  }

  @Test
  void aSubscriptionThatIsBehindShowsItsLag() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient follower = server.bystander(d);
      server.append(d, 5);
      follower.awaitThrough(d, 5);

      ConnectionInfo info = server.connection(follower.welcome().connectionId()).orElseThrow();

      assertThat(info.subscriptions().get(0).position()).isEqualTo(6);
      assertThat(info.subscriptions().get(0).lag().lines()).isZero();
    }
  }

  @Test
  void disconnectClosesTheConnectionWith1008AndReleasesItsCursors() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      WsClient victim = server.bystander(d);
      server.append(d, 3);
      String id = victim.welcome().connectionId();

      boolean disconnected = server.broadcaster.disconnect(id);

      assertThat(disconnected).isTrue();
      assertThat(victim.awaitClose().code()).isEqualTo(CloseCodes.POLICY_VIOLATION);
      Awaits.await().untilAsserted(() -> assertThat(server.connection(id)).isEmpty());
      Awaits.await().until(() -> server.store.stats().cursors() == 1);
      assertThat(server.broadcaster.disconnect(id)).as("already gone").isFalse();
      assertThat(server.closes(CloseCodes.POLICY_VIOLATION)).isEqualTo(1);
      server.append(d, 3);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void disconnectOfAnUnknownIdReturnsFalse() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      WsClient c = server.connect(U1);

      assertThat(server.broadcaster.disconnect("no-such-connection")).isFalse();
      c.roundTrip();
    }
  }

  @Test
  void aClientThatGoesAwayIsRemovedWithItsCursors() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      WsClient polite = server.bystander(d);
      WsClient rude = server.bystander(d);
      server.append(d, 3);

      polite.close();
      rude.abort();

      Awaits.await().until(() -> server.broadcaster.connections().size() == 1);
      Awaits.await().until(() -> server.store.stats().cursors() == 1);
      server.append(d, 3);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void statsCountConnectionsSubscriptionsFramesLinesAndCloses() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient one = server.bystander(d);
      WsClient two = server.bystander(d);
      WsClient three = server.connect(U2);
      server.openWithoutAuth();
      server.append(d, 20);
      one.awaitThrough(d, 20);
      two.awaitThrough(d, 20);
      server.broadcaster.disconnect(three.welcome().connectionId());
      three.awaitClose();

      Awaits.await()
          .untilAsserted(
              () -> {
                DeliveryStats s = server.broadcaster.stats();
                assertThat(s.connections()).isEqualTo(3);
                assertThat(s.authenticated()).isEqualTo(2);
                assertThat(s.subscriptions()).isEqualTo(2);
                assertThat(s.connectionsAccepted()).isEqualTo(4);
                assertThat(s.linesSent()).isEqualTo(40);
                assertThat(s.closesByCode()).containsEntry(CloseCodes.POLICY_VIOLATION, 1L);
              });
      DeliveryStats s = server.broadcaster.stats();
      long framesReceived =
          (long) one.frames().size() + two.frames().size() + three.frames().size();
      assertThat(s.framesSent()).isGreaterThanOrEqualTo(framesReceived);
      assertThat(s.bytesSent()).isGreaterThan(0);
      long logsFrames =
          (long) one.framesOf(ServerFrame.Logs.class).size()
              + two.framesOf(ServerFrame.Logs.class).size();
      assertThat(s.logsFramesEncoded()).isPositive();
      assertThat(s.logsFramesEncoded() + s.logsFramesShared())
          .as("every logs frame sent was encoded, or shared from another connection's encoding")
          .isGreaterThanOrEqualTo(logsFrames);
    }
  }

  @Test
  void deliveryStatsMatchStats() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient one = server.bystander(d);
      WsClient two = server.connect(U2);
      server.append(d, 5);
      one.awaitThrough(d, 5);
      server.broadcaster.disconnect(two.welcome().connectionId());
      two.awaitClose();
      Awaits.await()
          .untilAsserted(() -> assertThat(server.broadcaster.stats().closesByCode()).isNotEmpty());
      Awaits.await().until(() -> server.broadcaster.connections().size() == 1);

      DeliveryStats s = server.broadcaster.stats();
      assertThat(s.connections()).isEqualTo(1);
      assertThat(s.subscriptions()).isEqualTo(1);
      assertThat(s.linesSent()).isEqualTo(5);
      assertThat(s.closesByCode()).containsEntry(CloseCodes.POLICY_VIOLATION, 1L);
      assertThat(server.broadcaster.deliveryStats())
          .as("what metrics read is the broadcaster's one stats record")
          .isEqualTo(s);
    }
  }

  @Test
  void closeFlushesLinesAppendedBeforeItThenClosesEveryConnectionWith1001() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      DeploymentId e = server.newDeployment(U2);
      WsClient a = server.bystander(d);
      WsClient b = server.bystander(d);
      WsClient c = server.bystander(e);
      WsClient idle = server.connect(U2);
      server.append(d, 3);
      a.awaitThrough(d, 3);

      for (int i = 0; i < 40; i++) {
        server.append(d, 50);
        server.append(e, 10);
      }
      server.broadcaster.close(Duration.ofSeconds(10));

      for (WsClient client : List.of(a, b, c, idle)) {
        assertThat(client.awaitClose().code()).isEqualTo(CloseCodes.GOING_AWAY);
      }
      assertThat(a.linesAtClose()).as("lines before the close frame").isEqualTo(2003);
      assertThat(b.linesAtClose()).isEqualTo(2003);
      assertThat(c.linesAtClose()).isEqualTo(400);
      assertThat(a.seqs(d)).containsExactlyElementsOf(range(2003));
      assertThat(b.seqs(d)).containsExactlyElementsOf(range(2003));
      assertThat(c.seqs(e)).containsExactlyElementsOf(range(400));
      assertThat(server.broadcaster.connections()).isEmpty();
      assertThat(server.store.stats().cursors()).as("close releases every cursor").isZero();
      assertThatCode(() -> server.broadcaster.close())
          .as("close is idempotent")
          .doesNotThrowAnyException();
    }
  }

  @Test
  void afterCloseNoNewConnectionIsAccepted() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      server.broadcaster.close(Duration.ofSeconds(5));

      try {
        WsClient late =
            WsClient.openAsync(server.http, server.uri, server.bearer(U1))
                .get(30, TimeUnit.SECONDS);
        assertThat(late.awaitClose().code()).isEqualTo(CloseCodes.GOING_AWAY);
        assertThat(late.framesOf(ServerFrame.Welcome.class)).isEmpty();
      } catch (ExecutionException refused) {
        assertThat(refused.getCause())
            .isInstanceOf(java.net.http.WebSocketHandshakeException.class);
      }
      assertThat(server.broadcaster.connections()).isEmpty();
    }
  }

  private static List<Long> range(long last) {
    return java.util.stream.LongStream.rangeClosed(1, last).boxed().toList();
  }
}
