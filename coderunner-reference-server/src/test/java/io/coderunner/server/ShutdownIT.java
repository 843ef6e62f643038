package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownIT {
  private static ServerConfig.Builder config() {
    return ServerConfig.builder()
        .port(0)
        .jwtSecret(TestServer.SECRET)
        .users(List.of(TestServer.user(ALICE)));
  }

  @Test
  void aBuiltServerListensOnlyOnceStartedAndStartsOnce() throws Exception {
    CodeRunnerServer unstarted = CodeRunnerServer.builder(config().build()).build();
    assertThatThrownBy(unstarted::address)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the server is not started");
    assertThatThrownBy(unstarted::broadcaster).isInstanceOf(IllegalStateException.class);
    unstarted.close();
    assertThatThrownBy(unstarted::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the server is closed");

    try (CodeRunnerServer server =
        CodeRunnerServer.builder(config().build()).runner(new FakeRunner()).build().start()) {
      assertThat(server.port()).isPositive();
      HttpResponse<String> live =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(server.uri().resolve("/health/live")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(live.statusCode()).isEqualTo(200);
      assertThatThrownBy(server::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the server is already started");
    }
  }

  @Test
  void aServerThatCannotListenSaysWhereAndIsClosed() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      CodeRunnerServer server =
          CodeRunnerServer.builder(config().port(taken.getLocalPort()).build()).build();
      assertThatThrownBy(server::start)
          .isInstanceOf(UncheckedIOException.class)
          .hasMessageContaining("could not listen on 127.0.0.1:" + taken.getLocalPort());
      assertThatThrownBy(server::start)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the server is closed");
    }
  }

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
