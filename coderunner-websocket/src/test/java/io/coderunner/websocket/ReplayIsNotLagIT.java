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
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.core.protocol.FrameCodec;
import io.coderunner.core.protocol.ProtocolConfig;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client resuming from an old position replays lines that were appended long ago; that is
 * catching up, not lagging, and must not be closed with 4008 however old the lines are.
 */
class ReplayIsNotLagIT {
  @Test
  void replayingHourOldHistoryIsNotClosedAsASlowConsumer() throws Exception {
    DeploymentId id = DeploymentId.of("old");
    Instant t0 = Instant.now();
    Deployment old =
        new Deployment(
            id, "old", "u1", List.of("app"), Map.of(), null, DeploymentStatus.RUNNING, t0, t0);
    JwtService jwt =
        JwtService.create(
            JwtConfig.builder()
                .signingSecret("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8))
                .build(),
            Clock.systemUTC());
    // Every line is appended "an hour ago" as far as the store's clock is concerned.
    Clock hourAgo = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
    WebSocketConfig config =
        WebSocketConfig.builder()
            // Housekeeping ticks every 250 ms, several times during the replay; the replay
            // itself must finish within maxLagTime. The heartbeat leaves the client time to work
            // through its backlog before it answers a ping.
            .maxLagTime(Duration.ofSeconds(20))
            .heartbeatInterval(Duration.ofSeconds(5))
            .build();
    // Server frames carry up to maxOutboundFrameBytes of lines: decode with room to spare.
    FrameCodec codec = FrameCodec.create(ProtocolConfig.builder().maxFrameBytes(1 << 20).build());
    try (InMemoryLogStore store =
        InMemoryLogStore.create(RetentionConfig.builder().maxLines(400_000).build(), hourAgo)) {
      store.create(id);
      List<LogEntry> history = new ArrayList<>();
      for (int i = 0; i < 300_000; i++) {
        history.add(LogEntry.stdout("old line " + i));
      }
      store.append(id, history);
      LogBroadcaster broadcaster =
          LogBroadcaster.builder()
              .config(config)
              .logStore(store)
              .deployments(d -> d.equals(id) ? Optional.of(old) : Optional.empty())
              .jwt(jwt)
              .build();
      Undertow server =
          Undertow.builder()
              .addHttpListener(0, "127.0.0.1")
              .setHandler(Handlers.path().addPrefixPath("/ws", broadcaster.handler()))
              .build();
      server.start();
      broadcaster.start();
      try {
        int port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
        String token = jwt.issue(new Principal("u1", "ann", Set.of())).token();
        List<Long> seqs = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Integer> closed = new CompletableFuture<>();
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
                          ServerFrame f = codec.decodeServer(text.toString());
                          text.setLength(0);
                          if (f instanceof ServerFrame.Logs logs) {
                            logs.lines().forEach(l -> seqs.add(l.seq()));
                          }
                        }
                        webSocket.request(1);
                        return null;
                      }

                      @Override
                      public CompletionStage<?> onClose(
                          WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                      }
                    })
                .get(10, TimeUnit.SECONDS);
        ws.sendText("{\"type\":\"subscribe\",\"deploymentId\":\"old\",\"after\":0}", true)
            .get(10, TimeUnit.SECONDS);
        try {
          await()
              .atMost(Duration.ofSeconds(5))
              .until(() -> seqs.size() == 300_000 || closed.isDone());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          throw new AssertionError(
              "got " + seqs.size() + " " + broadcaster.stats() + " " + broadcaster.connections(),
              e);
        }
        assertThat(closed).as("closed while replaying").isNotDone();
        assertThat(seqs).as("%s", broadcaster.stats()).hasSize(300_000);
        // Several housekeeping ticks pass while the connection stays open.
        await()
            .during(Duration.ofMillis(800))
            .atMost(Duration.ofSeconds(5))
            .until(() -> !closed.isDone() && broadcaster.connections().size() == 1);
        store.append(id, LogEntry.stdout("live"));
        await().atMost(Duration.ofSeconds(10)).until(() -> seqs.size() == 300_001);

        assertThat(List.copyOf(seqs)).containsExactlyElementsOf(seqRange(1, 300_001));
        assertThat(broadcaster.stats().closesByCode()).doesNotContainKey(CloseCodes.SLOW_CONSUMER);
        ws.abort();
      } finally {
        broadcaster.close();
        server.stop();
      }
    }
  }

  private static List<Long> seqRange(long from, long to) {
    List<Long> list = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      list.add(s);
    }
    return list;
  }
}
