package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownIT {
  @Test
  void closeDrainsWebSocketsWith1001EndsStreamsAndStopsDeployments() throws Exception {
    TestServer t = new TestServer();
    String id = t.create(ALICE, "svc");
    assertThat(t.post("/api/deployments/" + id + "/start", ALICE, null).status()).isEqualTo(202);
    CompletableFuture<Integer> closed = new CompletableFuture<>();
    CompletableFuture<Void> welcomed = new CompletableFuture<>();
    WebSocket ws =
        t.http
            .newWebSocketBuilder()
            .header("Authorization", "Bearer " + t.token(ALICE))
            .buildAsync(
                URI.create("ws://127.0.0.1:" + t.server.port() + "/ws"),
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                    welcomed.complete(null);
                    w.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                    closed.complete(code);
                    return null;
                  }
                })
            .get(10, TimeUnit.SECONDS);
    welcomed.get(10, TimeUnit.SECONDS);
    SseClient sse =
        new SseClient(t.http, t.uri("/api/deployments/" + id + "/logs/stream"), t.token(ALICE));
    sse.next("subscribed");

    t.close();

    assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(1001);
    assertThat(sse.next("end").data()).contains("shutdown");
    assertThat(t.runner.closed).isTrue();
    assertThat(t.runner.isRunning(io.coderunner.core.DeploymentId.of(id))).isFalse();
    ws.abort();
  }
}
