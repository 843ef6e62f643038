package io.coderunner.websocket;

import static io.coderunner.websocket.TestServer.U1;
import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.protocol.ServerFrame;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * WebSocket-level heartbeats: an idle connection is pinged every interval; a peer that answers (the
 * JDK client does so by itself) stays, one that answers nothing is closed within about two
 * intervals.
 */
class HeartbeatIT {
  private static final Duration INTERVAL = Duration.ofMillis(200);

  private static WebSocketConfig config() {
    return WebSocketConfig.builder().heartbeatInterval(INTERVAL).build();
  }

  @Test
  void anIdleClientIsPingedEveryIntervalAndStaysOpenByAnswering() throws Exception {
    try (TestServer server = TestServer.start(config())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient idle = server.bystander(d);

      Awaits.await().until(() -> idle.pings() >= 4);

      assertThat(idle.isClosed()).isFalse();
      server.append(d, 3);
      server.assertGotEveryLine(idle, d);
      idle.roundTrip();
    }
  }

  @Test
  void aPeerThatNeverAnswersPingsIsClosedWithinAboutTwoIntervals() throws Exception {
    try (TestServer server = TestServer.start(config())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      RawWsClient dead = server.raw(server.bearer(U1), 0);
      ServerFrame welcome = WsClient.CODEC.decodeServer(dead.readText());
      String id = ((ServerFrame.Welcome) welcome).connectionId();
      server.append(d, 2);

      // The peer reads nothing from here on and so answers no ping.
      Awaits.await(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(server.connection(id)).isEmpty());

      assertThat(dead.readsEndOfStream(Duration.ofSeconds(10)))
          .as("the server dropped the TCP connection")
          .isTrue();
      server.append(d, 2);
      server.assertGotEveryLine(bystander, d);
      assertThat(bystander.pings()).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void aPeerThatReadsPingsButNeverAnswersThemIsClosedToo() throws Exception {
    try (TestServer server = TestServer.start(config())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      RawWsClient mute = server.raw(server.bearer(U1), 0);
      ServerFrame welcome = WsClient.CODEC.decodeServer(mute.readText());
      String id = ((ServerFrame.Welcome) welcome).connectionId();

      RawWsClient.Frame ping = mute.readFrame();

      assertThat(ping.opcode()).isEqualTo(RawWsClient.OP_PING);
      Awaits.await(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(server.connection(id)).isEmpty());
      server.append(d, 2);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void aPeerThatAnswersPingsByHandStaysOpen() throws Exception {
    try (TestServer server = TestServer.start(config())) {
      RawWsClient polite = server.raw(server.bearer(U1), 0);
      ServerFrame welcome = WsClient.CODEC.decodeServer(polite.readText());
      String id = ((ServerFrame.Welcome) welcome).connectionId();

      for (int i = 0; i < 5; i++) {
        RawWsClient.Frame ping = polite.readFrame();
        assertThat(ping.opcode()).isEqualTo(RawWsClient.OP_PING);
        polite.sendFrame(true, RawWsClient.OP_PONG, ping.payload());
      }

      assertThat(server.connection(id)).isPresent();
      polite.sendText("{\"type\":\"ping\",\"id\":\"still-here\"}");
      String pong = polite.readText();
      assertThat(WsClient.CODEC.decodeServer(pong)).isEqualTo(new ServerFrame.Pong("still-here"));
    }
  }
}
