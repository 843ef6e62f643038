package io.coderunner.websocket.internal;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentLookup;
import io.coderunner.core.LogLine;
import io.coderunner.core.auth.AccessPolicy;
import io.coderunner.core.auth.AuthenticationException;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.auth.VerifiedToken;
import io.coderunner.core.delivery.DeliveryListener;
import io.coderunner.core.delivery.ResumeOutcome;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.protocol.EncodedFrame;
import io.coderunner.core.protocol.FrameCodec;
import io.coderunner.core.protocol.ServerFrame;
import io.coderunner.websocket.BroadcasterStats;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
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
 *   <li>The housekeeping thread only reads clocks and counters and schedules work on I/O threads.
 *   <li>A {@code logs} frame for an unfiltered subscription is encoded once per (deployment, seq
 *       range) and the bytes are shared by every connection that reads the same range.
 * </ul>
 */
public final class Broadcaster {
  private static final Logger log = LoggerFactory.getLogger(Broadcaster.class);
  static final AttachmentKey<VerifiedToken> TOKEN = AttachmentKey.create(VerifiedToken.class);
  private static final HttpString ORIGIN = new HttpString("Origin");

  final WebSocketConfig config;
  final LogStore store;
  final DeploymentLookup deployments;
  final JwtService jwt;
  final AccessPolicy policy;
  final Clock clock;
  final FrameCodec codec;
  private final DeliveryListener listener;
  private final boolean listening;
  final int timingInterval;

  private final HttpHandler handler;
  final ConcurrentHashMap<String, Connection> connections = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> perPrincipal = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<DeploymentId, SharedFrame> sharedFrames =
      new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicInteger open = new AtomicInteger();
  private final Object lifecycle = new Object();
  private @Nullable ScheduledExecutorService housekeeping; // guarded by lifecycle
  private volatile boolean closing;

  final LongAdder accepted = new LongAdder();
  final LongAdder framesSent = new LongAdder();
  final LongAdder bytesSent = new LongAdder();
  final LongAdder linesSent = new LongAdder();
  final LongAdder framesEncoded = new LongAdder();
  final LongAdder framesShared = new LongAdder();
  private final ConcurrentHashMap<Integer, LongAdder> closes = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, LongAdder> authFailures = new ConcurrentHashMap<>();

  /** The last encoded frame of a deployment's unfiltered lines, with the range it holds. */
  private record SharedFrame(String epoch, long first, long last, int count, EncodedFrame frame) {}

  public Broadcaster(
      WebSocketConfig config,
      LogStore store,
      DeploymentLookup deployments,
      JwtService jwt,
      AccessPolicy policy,
      Clock clock,
      FrameCodec codec,
      DeliveryListener listener) {
    this.config = config;
    this.store = store;
    this.deployments = deployments;
    this.jwt = jwt;
    this.policy = policy;
    this.clock = clock;
    this.codec = codec;
    this.listener = listener;
    this.listening = listener != DeliveryListener.NONE;
    this.timingInterval = Math.max(1, listener.timingInterval());
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
      countAuthFailure("origin");
      reject(exchange, 403, "origin not allowed");
      return;
    }
    String authorization = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (authorization != null) {
      if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        countAuthFailure("malformed");
        reject(exchange, 401, "expected a Bearer token");
        return;
      }
      try {
        exchange.putAttachment(TOKEN, jwt.verify(authorization.substring(7).trim()));
      } catch (AuthenticationException e) {
        countAuthFailure(e.reason().name().toLowerCase(Locale.ROOT));
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
    Connection connection = new Connection(this, id, channel, clock.instant());
    connections.put(id, connection);
    accepted.increment();
    channel.addCloseTask(c -> connection.closed());
    if (open.incrementAndGet() > config.maxConnections() || closing) {
      connection.start(null);
      connection.closeOnIoThread(
          closing
              ? io.coderunner.websocket.CloseCodes.GOING_AWAY
              : io.coderunner.websocket.CloseCodes.TOO_MANY,
          closing ? "shutting down" : "too many connections");
      return;
    }
    connection.start(token);
  }

  /** Counts a principal's connection; false if that passes its limit. */
  boolean admitPrincipal(String principalId) {
    boolean[] admitted = new boolean[1];
    perPrincipal.compute(
        principalId,
        (k, v) -> {
          int n = v == null ? 0 : v.get();
          if (n >= config.maxConnectionsPerPrincipal()) {
            return v;
          }
          admitted[0] = true;
          AtomicInteger counter = v == null ? new AtomicInteger() : v;
          counter.incrementAndGet();
          return counter;
        });
    return admitted[0];
  }

  void releasePrincipal(String principalId) {
    perPrincipal.computeIfPresent(principalId, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
  }

  void removed(Connection connection) {
    if (connections.remove(connection.id, connection)) {
      open.decrementAndGet();
    }
  }

  void countClose(int code) {
    closes.computeIfAbsent(code, k -> new LongAdder()).increment();
  }

  void countAuthFailure(String reason) {
    authFailures.computeIfAbsent(reason, k -> new LongAdder()).increment();
  }

  /** Whether a listener wants to hear of deliveries, so connections time their live frames. */
  boolean timesDeliveries() {
    return listening;
  }

  /** Tells the listener of a frame of live lines written; the caller's thread goes on whatever. */
  void delivered(int lines, long latencyNanos) {
    try {
      listener.linesDelivered(lines, latencyNanos);
    } catch (RuntimeException e) {
      log.debug("delivery listener failed", e);
    }
  }

  /** Tells the listener of a resume. */
  void resumed(ResumeOutcome outcome) {
    if (!listening) {
      return;
    }
    try {
      listener.resumed(outcome);
    } catch (RuntimeException e) {
      log.debug("delivery listener failed", e);
    }
  }

  boolean isClosing() {
    return closing;
  }

  // ------------------------------------------------------------------ shared encoding

  /** The encoded {@code logs} frame of unfiltered lines, shared by readers of the same range. */
  EncodedFrame sharedLogsFrame(DeploymentId id, String epoch, List<LogLine> lines) {
    long first = lines.get(0).seq();
    long last = lines.get(lines.size() - 1).seq();
    SharedFrame cached = sharedFrames.get(id);
    if (cached != null
        && cached.epoch.equals(epoch)
        && cached.first == first
        && cached.last == last
        && cached.count == lines.size()) {
      framesShared.increment();
      return cached.frame;
    }
    EncodedFrame frame = codec.encodeShared(new ServerFrame.Logs(id, lines));
    framesEncoded.increment();
    sharedFrames.put(id, new SharedFrame(epoch, first, last, lines.size(), frame));
    return frame;
  }

  EncodedFrame encode(ServerFrame frame) {
    if (frame instanceof ServerFrame.Logs) {
      framesEncoded.increment();
    }
    return codec.encodeShared(frame);
  }

  // ------------------------------------------------------------------ housekeeping

  private void tick() {
    try {
      long nowNanos = System.nanoTime();
      java.time.Instant now = clock.instant();
      for (Connection connection : connections.values()) {
        connection.housekeep(now, nowNanos);
      }
      if (sharedFrames.size() > 4 * Math.max(16, connections.size())) {
        sharedFrames.clear(); // only a cache: bound it when deployments come and go
      }
    } catch (RuntimeException e) {
      log.warn("housekeeping failed", e);
    }
  }

  // ------------------------------------------------------------------ admin

  public BroadcasterStats stats() {
    long authenticated = 0;
    long subscriptions = 0;
    for (Connection c : connections.values()) {
      if (c.principal() != null) {
        authenticated++;
      }
      subscriptions += c.subscriptionCount();
    }
    Map<Integer, Long> closeCounts = new TreeMap<>();
    closes.forEach((k, v) -> closeCounts.put(k, v.sum()));
    Map<String, Long> failures = new TreeMap<>();
    authFailures.forEach((k, v) -> failures.put(k, v.sum()));
    return new BroadcasterStats(
        connections.size(),
        authenticated,
        subscriptions,
        accepted.sum(),
        framesSent.sum(),
        bytesSent.sum(),
        linesSent.sum(),
        framesEncoded.sum(),
        framesShared.sum(),
        closeCounts,
        failures);
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
    c.close(
        io.coderunner.websocket.CloseCodes.POLICY_VIOLATION, "disconnected by an administrator");
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
    sharedFrames.clear();
  }
}
