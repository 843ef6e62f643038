package io.coderunner.websocket.internal;

import io.coderunner.core.DeploymentEvent;
import io.coderunner.core.DeploymentFeed;
import io.coderunner.core.DeploymentLookup;
import io.coderunner.core.auth.AccessPolicy;
import io.coderunner.core.auth.AuthenticationException;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.auth.VerifiedToken;
import io.coderunner.core.delivery.DeliveryListener;
import io.coderunner.core.delivery.DeliveryStats;
import io.coderunner.core.follow.ConnectionQuota;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.protocol.FrameCodec;
import io.coderunner.websocket.CloseCodes;
import io.coderunner.websocket.ConnectionInfo;
import io.coderunner.websocket.WebSocketConfig;
import io.undertow.Handlers;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.AttachmentKey;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.websockets.WebSocketConnectionCallback;
import io.undertow.websockets.WebSocketProtocolHandshakeHandler;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.spi.WebSocketHttpExchange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broadcaster: accepts upgrades, owns the connections and the housekeeping thread.
 *
 * <h2>Threads</h2>
 *
 * <ul>
 *   <li>Each connection's state is confined to its channel's I/O thread: frames are received,
 *       answered and written there. Other threads (appenders signalling a cursor, housekeeping,
 *       admin calls, shutdown) hand work to that thread with {@code execute}; nothing blocks it.
 *   <li>The housekeeping thread only reads clocks, counters and lags and schedules work on I/O
 *       threads; each connection is checked on its own, so one that fails costs the others nothing.
 *   <li>A {@code logs} frame for an unfiltered subscription is encoded once per (deployment, seq
 *       range) and the bytes are shared by every connection that reads the same range.
 * </ul>
 */
public final class Broadcaster {
  private static final Logger log = LoggerFactory.getLogger(Broadcaster.class);
  static final AttachmentKey<VerifiedToken> TOKEN = AttachmentKey.create(VerifiedToken.class);
  private static final HttpString ORIGIN = new HttpString("Origin");

  private final WebSocketConfig config;
  private final JwtService jwt;
  private final Clock clock;
  private final Telemetry telemetry;
  private final FrameEncoder frames;
  private final Context context;

  private final HttpHandler handler;
  private final ConcurrentHashMap<String, Connection> connections = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicInteger open = new AtomicInteger();
  private final Object lifecycle = new Object();
  private @Nullable ScheduledExecutorService housekeeping; // guarded by lifecycle
  private final @Nullable DeploymentFeed feed;
  private DeploymentFeed.@Nullable Watch watch; // guarded by lifecycle
  private volatile boolean closing;

  public Broadcaster(
      WebSocketConfig config,
      LogStore store,
      DeploymentLookup deployments,
      @Nullable DeploymentFeed feed,
      JwtService jwt,
      AccessPolicy policy,
      Clock clock,
      FrameCodec codec,
      DeliveryListener listener) {
    this.feed = feed;
    this.config = config;
    this.jwt = jwt;
    this.clock = clock;
    this.telemetry = new Telemetry(listener);
    this.frames = new FrameEncoder(codec, telemetry);
    this.context =
        new Context(
            config,
            store,
            deployments,
            feed,
            jwt,
            policy,
            clock,
            codec,
            frames,
            ConnectionQuota.perPrincipal(config.maxConnectionsPerPrincipal()),
            telemetry,
            () -> closing);
    WebSocketProtocolHandshakeHandler upgrade =
        Handlers.websocket(
            new WebSocketConnectionCallback() {
              @Override
              public void onConnect(WebSocketHttpExchange exchange, WebSocketChannel channel) {
                accept(exchange, channel);
              }
            });
    this.handler = exchange -> handle(exchange, upgrade);
  }

  public HttpHandler handler() {
    return handler;
  }

  public WebSocketConfig config() {
    return config;
  }

  @SuppressWarnings("FutureReturnValueIgnored") // tick() catches everything it throws
  public void start() {
    synchronized (lifecycle) {
      if (housekeeping != null || closing) {
        return;
      }
      ScheduledExecutorService executor =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "coderunner-ws-housekeeping");
                t.setDaemon(true);
                return t;
              });
      long tickMillis = Math.max(20, Math.min(250, config.heartbeatInterval().toMillis() / 4));
      executor.scheduleWithFixedDelay(this::tick, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
      housekeeping = executor;
      if (feed != null) {
        watch = feed.watch(this::deploymentChanged);
      }
    }
  }

  // ------------------------------------------------------------------ upgrade

  private void handle(HttpServerExchange exchange, HttpHandler upgrade) throws Exception {
    String upgradeHeader = exchange.getRequestHeaders().getFirst(Headers.UPGRADE);
    if (upgradeHeader == null || !upgradeHeader.equalsIgnoreCase("websocket")) {
      reject(exchange, 400, "this endpoint only accepts WebSocket upgrades");
      return;
    }
    if (closing) {
      reject(exchange, 503, "shutting down");
      return;
    }
    String origin = exchange.getRequestHeaders().getFirst(ORIGIN);
    if (origin != null && !originAllowed(origin)) {
      telemetry.countAuthFailure("origin");
      reject(exchange, 403, "origin not allowed");
      return;
    }
    String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (authorization != null) {
      if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        telemetry.countAuthFailure("malformed");
        reject(exchange, 401, "expected a Bearer token");
        return;
      }
      try {
        exchange.putAttachment(TOKEN, jwt.verify(authorization.substring(7).trim()));
      } catch (AuthenticationException e) {
        telemetry.countAuthFailure(e.reason().name().toLowerCase(Locale.ROOT));
        reject(exchange, 401, String.valueOf(e.getMessage()));
        return;
      }
    }
    upgrade.handleRequest(exchange);
  }

  private static void reject(HttpServerExchange exchange, int status, String message) {
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
    if (status == 401) {
      exchange.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Bearer");
    }
    exchange.getResponseSender().send(message);
  }

  private boolean originAllowed(String origin) {
    if (config.allowedOrigins().contains("*")) {
      return true;
    }
    return config.allowedOrigins().contains(origin.toLowerCase(Locale.ROOT));
  }

  private void accept(WebSocketHttpExchange exchange, WebSocketChannel channel) {
    String id =
        Long.toString(ids.incrementAndGet(), 36)
            + "-"
            + Long.toHexString(System.nanoTime() & 0xffffff);
    VerifiedToken token = exchange.getAttachment(TOKEN);
    Connection connection = new Connection(context, id, channel, clock.instant(), this::removed);
    connections.put(id, connection);
    telemetry.accepted.increment();
    channel.addCloseTask(c -> connection.closed());
    if (open.incrementAndGet() > config.maxConnections() || closing) {
      connection.start(null);
      connection.closeOnIoThread(
          closing ? CloseCodes.GOING_AWAY : CloseCodes.TOO_MANY,
          closing ? "shutting down" : "too many connections");
      return;
    }
    connection.start(token);
  }

  private void removed(Connection connection) {
    if (connections.remove(connection.id, connection)) {
      open.decrementAndGet();
    }
  }

  /** Hands a deployment's change to every connection that watches; on the changer's thread. */
  private void deploymentChanged(DeploymentEvent event) {
    for (Connection connection : connections.values()) {
      try {
        connection.deploymentChanged(event);
      } catch (RuntimeException e) {
        log.warn("connection {} could not take a deployment change; closing it", connection.id, e);
        connection.close(CloseCodes.INTERNAL_ERROR, "internal error");
      }
    }
  }

  // ------------------------------------------------------------------ housekeeping

  /**
   * One housekeeping tick. Each connection is checked on its own: one whose check fails is closed
   * with 1011, and every other connection is still checked.
   */
  private void tick() {
    long nowNanos = System.nanoTime();
    Instant now = clock.instant();
    for (Connection connection : connections.values()) {
      try {
        connection.housekeep(now, nowNanos);
      } catch (RuntimeException e) {
        log.warn("housekeeping of connection {} failed; closing it", connection.id, e);
        connection.close(CloseCodes.INTERNAL_ERROR, "internal error");
      }
    }
    frames.trim(connections.size());
  }

  // ------------------------------------------------------------------ admin

  public DeliveryStats stats() {
    long authenticated = 0;
    long subscriptions = 0;
    for (Connection c : connections.values()) {
      if (c.principal() != null) {
        authenticated++;
      }
      subscriptions += c.subscriptionCount();
    }
    return new DeliveryStats(
        connections.size(),
        authenticated,
        subscriptions,
        telemetry.accepted.sum(),
        telemetry.framesSent.sum(),
        telemetry.bytesSent.sum(),
        telemetry.linesSent.sum(),
        telemetry.framesEncoded.sum(),
        telemetry.framesShared.sum(),
        telemetry.closesByCode(),
        telemetry.authFailuresByReason());
  }

  public List<ConnectionInfo> connections() {
    List<ConnectionInfo> list = new ArrayList<>();
    for (Connection c : connections.values()) {
      list.add(c.info());
    }
    return list;
  }

  public boolean disconnect(String connectionId) {
    Connection c = connections.get(connectionId);
    if (c == null) {
      return false;
    }
    c.close(CloseCodes.POLICY_VIOLATION, "disconnected by an administrator");
    return true;
  }

  public void close(Duration deadline) {
    ScheduledExecutorService executor;
    synchronized (lifecycle) {
      if (closing) {
        return;
      }
      closing = true;
      executor = housekeeping;
      housekeeping = null;
      DeploymentFeed.Watch w = watch;
      watch = null;
      if (w != null) {
        w.close();
      }
    }
    List<Connection> all = new ArrayList<>(connections.values());
    CountDownLatch done = new CountDownLatch(all.size());
    for (Connection c : all) {
      c.shutdown(done::countDown);
    }
    try {
      if (!done.await(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("{} connections did not close within {}", done.getCount(), deadline);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (Connection c : new ArrayList<>(connections.values())) {
      c.forceClose();
    }
    if (executor != null) {
      executor.shutdownNow();
    }
    frames.clear();
  }
}
