package com.example.host;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.JwtConfig;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.log.InMemoryLogStore;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.metrics.DeliveryMetrics;
import io.coderunner.metrics.LogStoreMetrics;
import io.coderunner.metrics.health.HealthConfig;
import io.coderunner.metrics.health.HealthRegistry;
import io.coderunner.metrics.health.LogBufferIndicator;
import io.coderunner.websocket.LogBroadcaster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A host application that embeds CodeRunner: the log store, the WebSocket broadcaster mounted at
 * {@code /logs/ws} on the host's own Undertow beside its own routes, and CodeRunner's meters and
 * health check in the host's own registries. The host makes every part, starts it and closes it.
 */
public final class Host {
  public static void main(String[] args) throws Exception {
    Clock clock = Clock.systemUTC();
    byte[] secret = "a host's secret of at least 32 bytes".getBytes(StandardCharsets.UTF_8);

    // 1. Make the parts. None of them starts a thread, opens a port or reads the environment.
    RetentionConfig retention = RetentionConfig.defaults();
    InMemoryLogStore logs = InMemoryLogStore.create(retention, clock);
    DeploymentId web = DeploymentId.of("web");
    Instant now = clock.instant();
    Map<DeploymentId, Deployment> deployments = // the host's own, from its database
        Map.of(
            web,
            new Deployment(
                web, "web", "u-ann", List.of("app"), Map.of(), null, DeploymentStatus.RUNNING,
                now, now));
    JwtService jwt = JwtService.create(JwtConfig.builder().signingSecret(secret).build(), clock);
    SimpleMeterRegistry meters = new SimpleMeterRegistry(); // the host's registry
    LogBroadcaster broadcaster =
        LogBroadcaster.builder()
            .logStore(logs)
            .deployments(id -> Optional.ofNullable(deployments.get(id)))
            .jwt(jwt)
            .clock(clock)
            .deliveryListener(DeliveryMetrics.listener(meters))
            .build();
    DeliveryMetrics.of(broadcaster).bindTo(meters);
    LogStoreMetrics.of(logs).bindTo(meters);
    HealthRegistry health = HealthRegistry.create(HealthConfig.defaults(), clock);
    health.register(LogBufferIndicator.of(logs, retention.globalMaxBytes()));

    // 2. Mount the broadcaster on the host's Undertow, then start both.
    Undertow undertow =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setHandler(
                Handlers.path()
                    .addPrefixPath("/logs/ws", broadcaster.handler())
                    .addExactPath("/hello", exchange -> exchange.getResponseSender().send("hi")))
            .build();
    undertow.start();
    broadcaster.start();
    try {
      int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
      logs.create(web, "u-ann");
      logs.append(web, LogEntry.stdout("built in 3 s"));

      // A viewer: the owner's token on the upgrade, then a subscription from the first line.
      String token = jwt.issue(new Principal("u-ann", "ann", Set.of("deployer"))).token();
      CompletableFuture<String> logsFrame = new CompletableFuture<>();
      WebSocket viewer =
          HttpClient.newHttpClient()
              .newWebSocketBuilder()
              .header("Authorization", "Bearer " + token)
              .buildAsync(
                  URI.create("ws://127.0.0.1:" + port + "/logs/ws"),
                  new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket ws, CharSequence text, boolean last) {
                      if (text.toString().startsWith("{\"type\":\"logs\"")) {
                        logsFrame.complete(text.toString());
                      }
                      ws.request(1);
                      return null;
                    }
                  })
              .get(10, TimeUnit.SECONDS);
      viewer.sendText("{\"type\":\"subscribe\",\"deploymentId\":\"web\",\"after\":0}", true);
      String frame = logsFrame.get(10, TimeUnit.SECONDS);
      if (!frame.contains("built in 3 s")) {
        throw new IllegalStateException("the line did not arrive: " + frame);
      }
      System.out.println("host: a line went through: " + frame);
      System.out.println("host: lines sent " + broadcaster.stats().linesSent());
      System.out.println("host: health " + health.health().status());
    } finally {
      // 3. Close in order: the broadcaster first (it sends 1001 to every viewer, so Undertow's I/O
      // threads must still run), then Undertow, then what both read from.
      broadcaster.close();
      undertow.stop();
      health.close();
      logs.close();
      meters.close();
    }
  }
}
