package io.coderunner.benchmarks.support;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.JwtConfig;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.delivery.DeliveryListener;
import io.coderunner.core.log.InMemoryLogStore;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.websocket.LogBroadcaster;
import io.coderunner.websocket.WebSocketConfig;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.PathHandler;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xnio.Options;

/**
 * The server every WebSocket benchmark runs against, wired as a host would wire it: an {@link
 * InMemoryLogStore}, a map-backed deployment lookup, an HS256 {@link JwtService} and a {@link
 * LogBroadcaster} mounted at {@code /ws} of an Undertow server on {@code 127.0.0.1} and an
 * ephemeral port. Every deployment belongs to {@link #USER}. {@code GET /ping} answers 200 {@code
 * ok}: the baseline of a plain HTTP exchange on the same server.
 *
 * <p>Only the public API of the modules is used. {@link #close()} closes the broadcaster, then the
 * Undertow server, then the store.
 */
public final class BenchServer implements AutoCloseable {
  /** The one principal: owner of every deployment, the subject of every token. */
  public static final Principal USER = new Principal("bench-user", "bench", Set.of("deployer"));

  private final InMemoryLogStore store;
  private final JwtService jwt;
  private final LogBroadcaster broadcaster;
  private final Undertow undertow;
  private final int port;

  private BenchServer(
      InMemoryLogStore store,
      JwtService jwt,
      LogBroadcaster broadcaster,
      Undertow undertow,
      int port) {
    this.store = store;
    this.jwt = jwt;
    this.broadcaster = broadcaster;
    this.undertow = undertow;
    this.port = port;
  }

  /**
   * Starts a server with a log for each of {@code ids}.
   *
   * @param secret the HS256 secret, at least 32 bytes
   * @param extraRoutes called with the path handler before the server starts, to add routes
   */
  public static BenchServer start(
      List<DeploymentId> ids,
      WebSocketConfig config,
      RetentionConfig retention,
      byte[] secret,
      java.util.function.Consumer<PathHandler> extraRoutes) {
    return start(ids, config, retention, secret, extraRoutes, DeliveryListener.NONE);
  }

  /**
   * Starts a server with a log for each of {@code ids} whose broadcaster tells {@code listener} of
   * its deliveries.
   */
  public static BenchServer start(
      List<DeploymentId> ids,
      WebSocketConfig config,
      RetentionConfig retention,
      byte[] secret,
      java.util.function.Consumer<PathHandler> extraRoutes,
      DeliveryListener listener) {
    InMemoryLogStore store = InMemoryLogStore.create(retention, Clock.systemUTC());
    Instant now = Instant.now();
    Map<DeploymentId, Deployment> deployments = new LinkedHashMap<>();
    for (DeploymentId id : ids) {
      deployments.put(
          id,
          new Deployment(
              id,
              "bench " + id.value(),
              USER.id(),
              List.of("bench"),
              Map.of(),
              null,
              DeploymentStatus.RUNNING,
              now,
              now));
      store.create(id);
    }
    Map<DeploymentId, Deployment> lookup = Map.copyOf(deployments);
    JwtService jwt = jwt(secret);
    LogBroadcaster broadcaster =
        LogBroadcaster.builder()
            .config(config)
            .logStore(store)
            .deployments(id -> Optional.ofNullable(lookup.get(id)))
            .jwt(jwt)
            .deliveryListener(listener)
            .build();
    HttpHandler ping =
        exchange -> {
          exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
          exchange.getResponseSender().send("ok");
        };
    PathHandler paths =
        Handlers.path().addPrefixPath("/ws", broadcaster.handler()).addExactPath("/ping", ping);
    extraRoutes.accept(paths);
    Undertow undertow =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setSocketOption(Options.BACKLOG, 4096)
            .setHandler(paths)
            .build();
    undertow.start();
    int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    broadcaster.start();
    return new BenchServer(store, jwt, broadcaster, undertow, port);
  }

  /** Config for benchmarks: {@link #USER} may open as many connections as the server allows. */
  public static WebSocketConfig config(int maxConnections) {
    return WebSocketConfig.defaults().toBuilder()
        .maxConnections(maxConnections)
        .maxConnectionsPerPrincipal(maxConnections)
        .build();
  }

  /** A random 32-byte HS256 secret. */
  public static byte[] randomSecret() {
    byte[] secret = new byte[32];
    new java.security.SecureRandom().nextBytes(secret);
    return secret;
  }

  /** A bearer token for {@link #USER}, valid for a day. */
  public String token() {
    return jwt.issue(USER).token();
  }

  /** A bearer token for {@link #USER} signed with {@code secret}, valid for a day. */
  public static String token(byte[] secret) {
    return jwt(secret).issue(USER).token();
  }

  private static JwtService jwt(byte[] secret) {
    return JwtService.create(
        JwtConfig.builder().signingSecret(secret).tokenTtl(Duration.ofDays(1)).build(),
        Clock.systemUTC());
  }

  public InMemoryLogStore store() {
    return store;
  }

  public LogBroadcaster broadcaster() {
    return broadcaster;
  }

  public int port() {
    return port;
  }

  /** {@code ws://127.0.0.1:<port>/ws}. */
  public java.net.URI webSocketUri() {
    return java.net.URI.create("ws://127.0.0.1:" + port + "/ws");
  }

  /** The bytes of a {@code GET /ping} request that asks the server to close afterwards. */
  public byte[] pingRequest() {
    return ("GET /ping HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    try {
      broadcaster.close(Duration.ofSeconds(5));
    } finally {
      try {
        undertow.stop();
      } finally {
        store.close();
      }
    }
  }
}
