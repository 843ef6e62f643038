package io.coderunner.websocket;

import static io.coderunner.websocket.TestServer.U1;
import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.protocol.ServerFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * A thousand authenticated JDK WebSocket connections follow one deployment; every one receives
 * every line, in order. (Fan-out latency is the benchmarks' business, not this test's.)
 */
class ManyConnectionsIT {
  private static final int CONNECTIONS = 1_000;
  private static final int WAVE = 100;
  private static final int LINES = 50;

  @Test
  void aThousandSubscribersOfOneDeploymentEachReceiveEveryLineInOrder() throws Exception {
    WebSocketConfig cfg =
        TestServer.quietConfig().maxConnectionsPerPrincipal(CONNECTIONS + 10).build();
    try (TestServer server = TestServer.start(cfg)) {
      DeploymentId d = server.newDeployment(U1);
      String token = server.token(U1);
      List<WsClient> clients = new ArrayList<>(CONNECTIONS);
      for (int wave = 0; wave < CONNECTIONS; wave += WAVE) {
        List<CompletableFuture<WsClient>> opening = new ArrayList<>(WAVE);
        for (int i = 0; i < WAVE; i++) {
          opening.add(server.openAsync(TestServer.bearer(token)));
        }
        for (CompletableFuture<WsClient> f : opening) {
          clients.add(TestServer.join(f));
        }
      }
      for (WsClient c : clients) {
        c.awaitWelcome();
        c.subscribeFromStart(d);
      }
      for (WsClient c : clients) {
        c.awaitFrame(ServerFrame.Subscribed.class);
      }
      assertThat(server.broadcaster.stats().connections()).isEqualTo(CONNECTIONS);
      assertThat(server.broadcaster.stats().subscriptions()).isEqualTo(CONNECTIONS);

      for (int i = 0; i < LINES; i += 5) {
        server.append(d, 5);
      }

      List<Long> expected = LongStream.rangeClosed(1, LINES).boxed().toList();
      for (WsClient c : clients) {
        c.awaitThrough(d, LINES);
        assertThat(c.seqs(d)).containsExactlyElementsOf(expected);
      }
      assertThat(server.broadcaster.stats().linesSent()).isEqualTo((long) CONNECTIONS * LINES);
    }
  }
}
