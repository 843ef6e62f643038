package io.coderunner.websocket;

import static io.coderunner.websocket.TestServer.U1;
import static io.coderunner.websocket.TestServer.U2;
import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogLine;
import io.coderunner.core.protocol.ClientFrame;
import io.coderunner.core.protocol.ServerFrame;
import io.coderunner.core.protocol.SubscribeFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The follow policy on the WebSocket transport under hostile filters and failing housekeeping: one
 * connection's work never holds up another's lines.
 */
class FollowPolicyIT {
  /** The worst case for a naive substring search: 255 {@code a}s and a {@code b}. */
  static final String PATHOLOGICAL = "a".repeat(255) + "b";

  private static ClientFrame.Subscribe tailOf(DeploymentId id, int tail, String q) {
    return new ClientFrame.Subscribe(
        id, null, null, tail, new SubscribeFilter(Set.of(), Set.of(), q));
  }

  @Test
  void fourPathologicalFiltersReplayingAWholeLogCostABystanderNoLine() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId big = server.newDeployment(U2);
      String sixtyKb = "a".repeat(60_000);
      for (int i = 0; i < 210; i++) {
        server.append(big, sixtyKb);
      }
      DeploymentId other = server.newDeployment(U1);
      WsClient bystander = server.bystander(other);

      List<WsClient> attackers = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        WsClient a = server.connect(U2);
        a.send(tailOf(big, 10_000, PATHOLOGICAL));
        attackers.add(a);
      }
      for (int i = 0; i < 20; i++) {
        server.append(other, "bystander " + i);
      }

      server.assertGotEveryLine(bystander, other);
      for (WsClient a : attackers) {
        ServerFrame.Subscribed s = a.awaitFrame(ServerFrame.Subscribed.class);
        assertThat(s.next()).as("no line matches: the tail starts after the head").isEqualTo(211);
      }
      server.append(big, sixtyKb + PATHOLOGICAL.toUpperCase(java.util.Locale.ROOT));
      for (WsClient a : attackers) {
        assertThat(a.awaitLines(1)).extracting(LogLine::seq).containsExactly(211L);
      }
      server.append(other, "after");
      server.assertGotEveryLine(bystander, other);
    }
  }

  @Test
  void aFilteredReplayOfTheWholeLogGoesInSlicesAndDeliversEveryMatchOnce() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      List<Long> needles = new ArrayList<>();
      for (int i = 1; i <= 20_000; i++) {
        boolean needle = i % 97 == 0;
        server.append(d, (needle ? "NeEdLe " : "hay ") + "x".repeat(200));
        if (needle) {
          needles.add((long) i);
        }
      }
      DeploymentId other = server.newDeployment(U1);
      WsClient bystander = server.bystander(other);
      WsClient filtered = server.connect(U1);

      filtered.send(
          new ClientFrame.Subscribe(
              d, null, 0L, null, new SubscribeFilter(Set.of(), Set.of(), "needle")));
      server.append(other, 5);

      assertThat(filtered.awaitSeqsThrough(d, needles.get(needles.size() - 1)))
          .containsExactlyElementsOf(needles);
      server.assertGotEveryLine(bystander, other);
    }
  }

  @Test
  void aConnectionWhoseHousekeepingFailsIsClosedWith1011AndTheOthersAreStillChecked()
      throws Exception {
    DeploymentId poisoned = DeploymentId.of("dep-1"); // the first deployment the server creates
    try (TestServer server =
        TestServer.builder()
            .config(TestServer.quietConfig().build())
            .wrapStore(store -> new LagFailingStore(store, poisoned))
            .start()) {
      DeploymentId bad = server.newDeployment(U1);
      assertThat(bad).isEqualTo(poisoned);
      DeploymentId good = server.newDeployment(U1);
      WsClient bystander = server.bystander(good);
      List<WsClient> failing = new ArrayList<>();
      List<WsClient> expiring = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        WsClient f = server.connect(U1);
        f.send(new ClientFrame.Subscribe(bad, null, null, null, SubscribeFilter.NONE));
        f.awaitFrame(ServerFrame.Subscribed.class);
        failing.add(f);
        WsClient e =
            server.open(TestServer.bearer(server.tokenValidFor(U1, Duration.ofMinutes(1))));
        e.awaitWelcome();
        expiring.add(e);
      }

      server.clock.advance(Duration.ofMinutes(2)); // the bystander's token is good for an hour

      for (WsClient f : failing) {
        assertThat(f.awaitClose().code()).isEqualTo(CloseCodes.INTERNAL_ERROR);
      }
      for (WsClient e : expiring) {
        assertThat(e.awaitClose().code()).isEqualTo(CloseCodes.UNAUTHENTICATED);
      }
      server.append(good, 3);
      server.assertGotEveryLine(bystander, good);
    }
  }
}
