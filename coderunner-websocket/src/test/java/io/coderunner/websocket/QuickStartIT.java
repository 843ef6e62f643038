package io.coderunner.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.JwtConfig;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.log.InMemoryLogStore;
import io.coderunner.core.protocol.FrameCodec;
import io.coderunner.core.protocol.ServerFrame;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The embedding example of the docs, end to end: mount, connect, subscribe, receive. */
class QuickStartIT {
  @Test
  void aSubscriberReceivesHistoryThenLiveLinesAndStatusOverARealSocket() throws Exception {
    DeploymentId id = DeploymentId.of("web");
    Instant t0 = Instant.now();
    Deployment web =
        new Deployment(
            id, "web", "u1", List.of("app"), Map.of(), null, DeploymentStatus.RUNNING, t0, t0);
    JwtService jwt =
        JwtService.create(
            JwtConfig.builder()
                .signingSecret("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8))
                .build(),
            Clock.systemUTC());
    FrameCodec codec = FrameCodec.create();
    try (InMemoryLogStore store = InMemoryLogStore.create()) {
      LogBroadcaster broadcaster =
          LogBroadcaster.builder()
              .logStore(store)
              .deployments(d -> d.equals(id) ? Optional.of(web) : Optional.empty())
              .jwt(jwt)
              .build();
      store.create(id);
      store.append(id, LogEntry.stdout("one"));
      Undertow server =
          Undertow.builder()
              .addHttpListener(0, "127.0.0.1")
              .setHandler(Handlers.path().addPrefixPath("/ws", broadcaster.handler()))
              .build();
      server.start();
      broadcaster.start();
      try {
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        String token = jwt.issue(new Principal("u1", "ann", Set.of("deployer"))).token();
        List<ServerFrame> frames = new CopyOnWriteArrayList<>();
        WebSocket ws =
            HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .header("Authorization", "Bearer " + token)
                .buildAsync(
                    URI.create("ws://127.0.0.1:" + port + "/ws"),
                    new WebSocket.Listener() {
                      private final StringBuilder text = new StringBuilder();

                      @Override
                      public CompletionStage<?> onText(
                          WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                          frames.add(codec.decodeServer(text.toString()));
                          text.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                      }
                    })
                .get(10, TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"subscribe\",\"deploymentId\":\"web\",\"after\":0}", true)
            .get(10, TimeUnit.SECONDS);
        await().until(() -> frames.size() >= 3);
        store.append(id, LogEntry.stdout("two"));
        store.appendStatus(id, DeploymentStatus.STOPPING, "stopping");
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> frames.stream().anyMatch(f -> f instanceof ServerFrame.Status));

        assertThat(frames.get(0)).isInstanceOf(ServerFrame.Welcome.class);
        assertThat(frames.get(1)).isInstanceOf(ServerFrame.Subscribed.class);
        List<Long> seqs =
            frames.stream()
                .filter(f -> f instanceof ServerFrame.Logs)
                .flatMap(f -> ((ServerFrame.Logs) f).lines().stream())
                .map(l -> l.seq())
                .toList();
        assertThat(seqs).containsExactly(1L, 2L, 3L);
        ServerFrame last = frames.get(frames.size() - 1);
        assertThat(last)
            .isInstanceOfSatisfying(
                ServerFrame.Status.class,
                s -> assertThat(s.status()).isEqualTo(DeploymentStatus.STOPPING));
        assertThat(broadcaster.stats().linesSent()).isEqualTo(3);
        ws.abort();
      } finally {
        broadcaster.close();
        server.stop();
      }
    }
  }
}
