package io.coderunner.websocket;

import static io.coderunner.websocket.TestServer.U1;
import static io.coderunner.websocket.TestServer.U2;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.protocol.ClientFrame;
import io.coderunner.core.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Inbound limits: frame size, malformed and binary frames, connection counts and the inbound rate.
 * Bad input gets a clear answer and costs nothing else: every test keeps a well-behaved subscriber
 * on the same deployment and checks it received every line.
 */
class LimitsIT {

  /** A ping frame of exactly {@code bytes} UTF-8 bytes (JSON allows the trailing whitespace). */
  private static String pingOfSize(int bytes) {
    String ping = "{\"type\":\"ping\",\"id\":\"sized\"}";
    return ping + " ".repeat(bytes - ping.getBytes(UTF_8).length);
  }

  @Test
  void aTextFrameLargerThanTheInboundLimitClosesWith1009() throws Exception {
    WebSocketConfig cfg = TestServer.quietConfig().maxInboundFrameBytes(1024).build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      WsClient big = server.bystander(d);
      server.append(d, 3);

      big.trySendText(pingOfSize(1025));

      assertThat(big.awaitClose().code()).isEqualTo(CloseCodes.TOO_LARGE);
      assertThat(big.framesOf(ServerFrame.Pong.class)).isEmpty();
      server.append(d, 3);
      // Undertow sends the close as it stops reading; the broadcaster counts it just after.
      await().untilAsserted(() -> assertThat(server.closes(CloseCodes.TOO_LARGE)).isEqualTo(1));
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void aFrameOfExactlyTheInboundLimitIsRead() throws Exception {
    WebSocketConfig cfg = TestServer.quietConfig().maxInboundFrameBytes(1024).build();
    try (TestServer server = TestServer.start(cfg)) {
      WsClient c = server.connect(U1);

      c.sendText(pingOfSize(1024));

      assertThat(c.awaitFrame(ServerFrame.Pong.class).id()).isEqualTo("sized");
      c.roundTrip();
      assertThat(c.isClosed()).isFalse();
    }
  }

  @Test
  void aFrameAnnouncingTenMebibytesIsClosedWith1009WellBeforeItsPayloadEnds() throws Exception {
    WebSocketConfig cfg = TestServer.quietConfig().maxInboundFrameBytes(1024).build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      server.append(d, 2);
      RawWsClient raw = server.raw(server.bearer(U1), 0);
      assertThat(raw.upgraded()).isTrue();
      assertThat(WsClient.CODEC.decodeServer(raw.readText()))
          .isInstanceOf(ServerFrame.Welcome.class);

      // Announces 10 MiB and sends 8 KiB of it: the server must not buffer up to the whole frame.
      byte[] start = ("{\"type\":\"ping\",\"id\":\"" + "x".repeat(8192)).getBytes(UTF_8);
      try {
        raw.sendTruncatedFrame(RawWsClient.OP_TEXT, 10L << 20, start);
      } catch (java.io.IOException closedWhileSending) {
        // the server may close before it read everything
      }

      assertThat(raw.readUntilClose(null)).isEqualTo(CloseCodes.TOO_LARGE);
      server.append(d, 2);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void aMalformedFrameIsAnsweredBadFrameNamingTheFieldAndTheConnectionStays() throws Exception {
    WebSocketConfig cfg = TestServer.quietConfig().maxMalformedFrames(10).build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      WsClient sloppy = server.bystander(d);
      server.append(d, 3);
      String[] inputs = {
        "{\"type\":\"subscribe\"}",
        "{\"type\":\"ping\",\"extra\":1}",
        "this is not json",
        "{\"type\":\"bogus\"}",
        "{\"type\":\"subscribe\",\"deploymentId\":\"" + d + "\",\"after\":1,\"tail\":2}",
        "{\"type\":\"subscribe\",\"deploymentId\":\"a b\"}",
        "[]",
      };
      String[] refs = {"deploymentId", "extra", null, "type", "tail", "deploymentId", null};
      List<ServerFrame.Error> errors = new ArrayList<>();

      for (String input : inputs) {
        sloppy.sendText(input);
        errors.add(sloppy.awaitError());
        server.append(d, 1);
      }

      for (int i = 0; i < inputs.length; i++) {
        ServerFrame.Error e = errors.get(i);
        assertThat(e.code()).as("code for %s", inputs[i]).isEqualTo(ErrorCodes.BAD_FRAME);
        assertThat(e.ref()).as("ref for %s", inputs[i]).isEqualTo(refs[i]);
        assertThat(e.message())
            .as("message for %s", inputs[i])
            .isNotBlank()
            .doesNotContain("Exception")
            .doesNotContain("\tat ");
      }
      sloppy.roundTrip();
      server.append(d, 2);
      server.assertGotEveryLine(sloppy, d);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void afterMaxMalformedFramesTheNextMalformedFrameClosesWith4400() throws Exception {
    WebSocketConfig cfg = TestServer.quietConfig().maxMalformedFrames(2).build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      WsClient sloppy = server.bystander(d);
      server.append(d, 3);

      sloppy.sendText("{\"type\":\"nope\"}");
      assertThat(sloppy.awaitError().code()).isEqualTo(ErrorCodes.BAD_FRAME);
      server.append(d, 1);
      sloppy.sendText("{");
      assertThat(sloppy.awaitError().code()).isEqualTo(ErrorCodes.BAD_FRAME);
      server.append(d, 1);
      sloppy.sendText("{\"type\":\"ping\",\"id\":5}");

      assertThat(sloppy.awaitClose().code()).isEqualTo(CloseCodes.MALFORMED);
      assertThat(sloppy.framesOf(ServerFrame.Error.class)).hasSize(2);
      server.append(d, 3);
      assertThat(server.closes(CloseCodes.MALFORMED)).isEqualTo(1);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void withMaxMalformedFramesZeroTheFirstMalformedFrameClosesWith4400() throws Exception {
    WebSocketConfig cfg = TestServer.quietConfig().maxMalformedFrames(0).build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      WsClient sloppy = server.bystander(d);
      server.append(d, 2);

      sloppy.sendText("{}");

      assertThat(sloppy.awaitClose().code()).isEqualTo(CloseCodes.MALFORMED);
      assertThat(sloppy.framesOf(ServerFrame.Error.class)).isEmpty();
      server.append(d, 2);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void aBinaryFrameClosesWith4400() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      WsClient binary = server.bystander(d);
      server.append(d, 3);

      binary.trySendBinary("{\"type\":\"ping\"}".getBytes(UTF_8));

      assertThat(binary.awaitClose().code()).isEqualTo(CloseCodes.MALFORMED);
      server.append(d, 3);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void aBinaryFrameFromARawClientClosesWith4400() throws Exception {
    try (TestServer server = TestServer.start(TestServer.quietConfig().build())) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      RawWsClient raw = server.raw(server.bearer(U1), 0);
      raw.readText(); // welcome
      server.append(d, 2);

      raw.sendBinary(new byte[] {1, 2, 3});

      assertThat(raw.readUntilClose(null)).isEqualTo(CloseCodes.MALFORMED);
      server.append(d, 2);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void connectionsBeyondMaxConnectionsAreClosedWith4429AndAFreedSlotIsReused() throws Exception {
    WebSocketConfig cfg = TestServer.quietConfig().maxConnections(3).build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      WsClient second = server.connect(U2);
      server.connect(TestServer.A1);
      server.append(d, 3);

      WsClient fourth = server.open(server.bearer(U2));

      assertThat(fourth.awaitClose().code()).isEqualTo(CloseCodes.TOO_MANY);
      server.append(d, 2);
      second.close();
      Awaits.await().until(() -> server.broadcaster.connections().size() == 2);
      WsClient again = server.connect(U2);
      again.roundTrip();
      server.append(d, 2);
      assertThat(server.closes(CloseCodes.TOO_MANY)).isEqualTo(1);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void connectionsBeyondMaxConnectionsPerPrincipalAreClosedWith4429() throws Exception {
    WebSocketConfig cfg =
        TestServer.quietConfig()
            .maxConnectionsPerPrincipal(2)
            .authTimeout(java.time.Duration.ofMinutes(1))
            .build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      server.connect(U2);
      server.connect(U2);
      server.append(d, 2);

      WsClient thirdByHeader = server.open(server.bearer(U2));
      WsClient thirdByFrame = server.openWithoutAuth();
      thirdByFrame.send(new ClientFrame.Auth(server.token(U2)));

      assertThat(thirdByHeader.awaitClose().code()).isEqualTo(CloseCodes.TOO_MANY);
      assertThat(thirdByFrame.awaitClose().code()).isEqualTo(CloseCodes.TOO_MANY);
      WsClient secondOfU1 = server.connect(U1);
      secondOfU1.roundTrip();
      server.append(d, 2);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void clientFramesFasterThanTheRateBeyondTheBurstCloseWith4429() throws Exception {
    WebSocketConfig cfg =
        TestServer.quietConfig().inboundMessagesPerSecond(1).inboundBurst(5).build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      WsClient chatty = server.connect(U1);
      server.append(d, 2);

      for (int i = 0; i < 50 && !chatty.isClosed(); i++) {
        chatty.trySendText("{\"type\":\"ping\",\"id\":\"" + i + "\"}");
      }

      assertThat(chatty.awaitClose().code()).isEqualTo(CloseCodes.TOO_MANY);
      assertThat(chatty.framesOf(ServerFrame.Pong.class).size()).isLessThan(50);
      server.append(d, 2);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void unsolicitedPongsFasterThanTheRateCloseWith4429() throws Exception {
    WebSocketConfig cfg =
        TestServer.quietConfig().inboundMessagesPerSecond(1).inboundBurst(5).build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient bystander = server.bystander(d);
      RawWsClient raw = server.raw(server.bearer(U1), 0);
      raw.readText(); // welcome
      server.append(d, 2);

      for (int i = 0; i < 50; i++) {
        raw.sendFrame(true, RawWsClient.OP_PONG, new byte[] {(byte) i});
      }

      assertThat(raw.readUntilClose(null)).isEqualTo(CloseCodes.TOO_MANY);
      server.append(d, 2);
      server.assertGotEveryLine(bystander, d);
    }
  }

  @Test
  void clientFramesWithinTheBurstAreAllAnswered() throws Exception {
    WebSocketConfig cfg =
        TestServer.quietConfig().inboundMessagesPerSecond(1).inboundBurst(10).build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      WsClient c = server.bystander(d); // the subscribe was the first of the burst

      for (int i = 0; i < 8; i++) {
        c.send(new ClientFrame.Ping("b" + i));
      }
      server.append(d, 3);

      for (int i = 0; i < 8; i++) {
        String id = "b" + i;
        assertThat(c.awaitFrame(ServerFrame.Pong.class).id()).isEqualTo(id);
      }
      server.assertGotEveryLine(c, d);
    }
  }

  @Test
  void refusalsOfValidFramesDoNotCountAsMalformed() throws Exception {
    WebSocketConfig cfg = TestServer.quietConfig().maxMalformedFrames(0).build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      DeploymentId his = server.newDeployment(U2);
      WsClient c = server.bystander(d);
      server.append(d, 2);

      c.subscribeFromStart(his);
      c.subscribeFromStart(d);
      c.send(new ClientFrame.Unsubscribe(his));
      c.send(new ClientFrame.Refresh(server.tokenWithAnotherSecret(U1)));
      c.roundTrip();

      assertThat(c.framesOf(ServerFrame.Error.class))
          .extracting(ServerFrame.Error::code)
          .containsExactly(
              ErrorCodes.FORBIDDEN,
              ErrorCodes.ALREADY_SUBSCRIBED,
              ErrorCodes.NOT_SUBSCRIBED,
              ErrorCodes.INVALID_TOKEN);
      server.append(d, 2);
      server.assertGotEveryLine(c, d);
    }
  }
}
