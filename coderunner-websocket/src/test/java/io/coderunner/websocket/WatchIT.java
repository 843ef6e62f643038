package io.coderunner.websocket;

import static io.coderunner.websocket.TestServer.A1;
import static io.coderunner.websocket.TestServer.U1;
import static io.coderunner.websocket.TestServer.U2;
import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.protocol.ClientFrame;
import io.coderunner.core.protocol.ServerFrame;
import io.coderunner.core.protocol.ServerFrame.Change;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code watch}: a principal's deployments, existing then live, and only those it may see. */
class WatchIT {
  private static List<String> changes(WsClient c) {
    List<String> out = new ArrayList<>();
    for (ServerFrame f : c.frames()) {
      if (f instanceof ServerFrame.DeploymentChange d) {
        out.add(
            d.change().wireName()
                + " "
                + d.deployment().id().value()
                + " "
                + d.deployment().status().wireName());
      } else if (f instanceof ServerFrame.Watching w) {
        out.add("watching " + w.deployments());
      }
    }
    return out;
  }

  /** The deployments a client keeps by upserting on every change but deleted, which removes. */
  private static Map<String, String> applied(List<String> changes) {
    Map<String, String> list = new LinkedHashMap<>();
    for (String c : changes) {
      String[] f = c.split(" ", -1);
      if (f[0].equals("watching")) {
        continue;
      }
      if (f[0].equals("deleted")) {
        list.remove(f[1]);
      } else {
        list.put(f[1], f[2]);
      }
    }
    return list;
  }

  @Test
  void aWatcherGetsItsDeploymentsThenEveryChangeToThemAndNoneOfAnotherOwners() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId mine = server.newDeployment(U1);
      DeploymentId theirs = server.newDeployment(U2);
      WsClient alice = server.connect(U1);
      WsClient root = server.connect(A1);
      alice.send(new ClientFrame.Watch(true));
      root.send(new ClientFrame.Watch(true));
      alice.awaitFrame(ServerFrame.Watching.class);
      root.awaitFrame(ServerFrame.Watching.class);

      DeploymentId created = server.newDeployment(U1);
      DeploymentId bobsNew = server.newDeployment(U2);
      server.changeStatus(mine, DeploymentStatus.STOPPED);
      server.changeStatus(theirs, DeploymentStatus.STOPPED);
      server.deleteDeployment(created);
      server.deleteDeployment(bobsNew);
      alice.awaitFrame(
          ServerFrame.DeploymentChange.class,
          d -> d.change() == Change.DELETED && d.deployment().id().equals(created));
      root.awaitFrame(
          ServerFrame.DeploymentChange.class,
          d -> d.change() == Change.DELETED && d.deployment().id().equals(bobsNew));
      alice.roundTrip();

      List<String> a = changes(alice);
      assertThat(a.subList(0, 2))
          .as("what exists, then the marker")
          .containsExactly("existing " + mine.value() + " running", "watching true");
      assertThat(String.join("\n", a))
          .as("nothing of another owner's")
          .doesNotContain(theirs.value())
          .doesNotContain(bobsNew.value());
      assertThat(a.get(a.size() - 1)).isEqualTo("deleted " + created.value() + " running");
      assertThat(applied(a))
          .as("the list a client keeps from the changes")
          .containsExactly(Map.entry(mine.value(), "stopped"));

      List<String> r = changes(root);
      assertThat(r.subList(0, 3))
          .as("an admin sees every owner's deployments")
          .containsExactlyInAnyOrder(
              "existing " + mine.value() + " running",
              "existing " + theirs.value() + " running",
              "watching true");
      assertThat(r.get(2)).isEqualTo("watching true");
      assertThat(applied(r))
          .containsOnly(Map.entry(mine.value(), "stopped"), Map.entry(theirs.value(), "stopped"));
    }
  }

  @Test
  void unwatchingStopsTheChangesAndBadWatchesGetClearErrors() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      WsClient alice = server.connect(U1);
      alice.send(new ClientFrame.Watch(false));
      assertThat(alice.awaitError().code()).isEqualTo(ErrorCodes.NOT_WATCHING);
      alice.send(new ClientFrame.Watch(true));
      alice.awaitFrame(ServerFrame.Watching.class, w -> w.deployments());
      alice.send(new ClientFrame.Watch(true));
      assertThat(
              alice
                  .awaitFrame(
                      ServerFrame.Error.class, e -> e.code().equals(ErrorCodes.ALREADY_WATCHING))
                  .code())
          .isEqualTo(ErrorCodes.ALREADY_WATCHING);
      alice.send(new ClientFrame.Watch(false));
      alice.awaitFrame(ServerFrame.Watching.class, w -> !w.deployments());

      DeploymentId later = server.newDeployment(U1);
      alice.sendText("{\"type\":\"watch\",\"deployments\":\"yes\"}");
      ServerFrame.Error bad =
          alice.awaitFrame(ServerFrame.Error.class, e -> e.code().equals(ErrorCodes.BAD_FRAME));
      assertThat(bad.message()).contains("deployments");
      alice.roundTrip();
      assertThat(alice.framesOf(ServerFrame.DeploymentChange.class))
          .as("nothing after the unwatch")
          .isEmpty();

      // The connection still works for logs.
      alice.subscribeFromStartAndWait(later);
      server.append(later, 3);
      alice.awaitThrough(later, 3);
    }
  }

  @Test
  void aWatchBeforeAuthenticatingIsRefusedAndOneWithoutAFeedIsUnsupported() throws Exception {
    try (TestServer server =
        TestServer.builder().config(TestServer.quietConfig().build()).noFeed().start()) {
      WsClient anonymous = server.openWithoutAuth();
      anonymous.send(new ClientFrame.Watch(true));
      assertThat(anonymous.awaitError().code()).isEqualTo(ErrorCodes.NOT_AUTHENTICATED);

      WsClient alice = server.open(server.bearer(U1));
      alice.awaitWelcome();
      alice.send(new ClientFrame.Watch(true));
      assertThat(alice.awaitError().code()).isEqualTo(ErrorCodes.UNSUPPORTED);
      assertThat(alice.isClosed()).isFalse();
    }
  }

  @Test
  void aWatcherBehindOnItsFramesGetsTheLatestChangeOfEachDeployment() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient alice = server.connect(U1);
      alice.send(new ClientFrame.Watch(true));
      alice.awaitFrame(ServerFrame.Watching.class);
      List<DeploymentStatus> cycle =
          List.of(
              DeploymentStatus.STOPPING,
              DeploymentStatus.STOPPED,
              DeploymentStatus.STARTING,
              DeploymentStatus.RUNNING);
      for (int i = 0; i < 200; i++) {
        server.changeStatus(d, cycle.get(i % cycle.size()));
      }
      server.changeStatus(d, DeploymentStatus.FAILED);
      alice.awaitFrame(
          ServerFrame.DeploymentChange.class,
          c -> c.deployment().status() == DeploymentStatus.FAILED);
      List<ServerFrame.DeploymentChange> got = alice.framesOf(ServerFrame.DeploymentChange.class);
      assertThat(got.get(got.size() - 1).deployment().status())
          .as("the last change is the last one made")
          .isEqualTo(DeploymentStatus.FAILED);
      assertThat(got.size()).isBetween(2, 202);
      assertThat(alice.isClosed()).isFalse();
    }
  }
}
