package io.coderunner.websocket;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentEvent;
import io.coderunner.core.DeploymentFeed;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLine;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.JwtConfig;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.delivery.DeliveryListener;
import io.coderunner.core.log.AppendResult;
import io.coderunner.core.log.InMemoryLogStore;
import io.coderunner.core.log.LogInfo;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.RetentionConfig;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocketHandshakeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;

/**
 * One broadcaster on a real Undertow server on 127.0.0.1, port 0, with everything it needs: an
 * in-memory log store, a map of deployments owned by {@link #U1} and {@link #U2} (and readable by
 * the admin {@link #A1}), an HS256 {@link JwtService}, and one {@link MutableClock} shared by the
 * store, the JWT service and the broadcaster.
 *
 * <p>{@link #close()} closes the broadcaster, then checks that it left no connection and no cursor
 * behind and that no client received a frame it could not decode, then stops the server.
 */
final class TestServer implements AutoCloseable {
  static final byte[] SECRET = "wstests-hs256-secret-0123456789-abcdefghijkl".getBytes(UTF_8);
  static final byte[] OTHER_SECRET = "another-hs256-secret-0123456789-abcdefghijk".getBytes(UTF_8);

  static final Principal U1 = new Principal("u1", "alice", Set.of("deployer"));
  static final Principal U2 = new Principal("u2", "bob", Set.of("deployer", "viewer"));
  static final Principal A1 = new Principal("a1", "root", Set.of("admin"));

  /** A deployment id no lookup and no log knows. */
  static final DeploymentId UNKNOWN = DeploymentId.of("no-such-deployment");

  final MutableClock clock = new MutableClock();
  final InMemoryLogStore store;
  final JwtService jwt;
  final LogBroadcaster broadcaster;
  final Undertow undertow;
  final InetSocketAddress address;
  final URI uri;
  final HttpClient http;

  private final Map<DeploymentId, Deployment> deployments = new ConcurrentHashMap<>();
  private final Queue<WsClient> clients = new ConcurrentLinkedQueue<>();
  private final Queue<RawWsClient> rawClients = new ConcurrentLinkedQueue<>();
  private final AtomicInteger deploymentCount = new AtomicInteger();
  private final List<Consumer<DeploymentEvent>> watchers = new CopyOnWriteArrayList<>();

  /** The test's deployments as a feed: what {@link #newDeployment} and friends change. */
  private final DeploymentFeed feed =
      new DeploymentFeed() {
        @Override
        public List<Deployment> all() {
          return List.copyOf(deployments.values());
        }

        @Override
        public Watch watch(Consumer<DeploymentEvent> listener) {
          watchers.add(listener);
          return () -> watchers.remove(listener);
        }
      };

  /** Settings of a {@link TestServer}. */
  static final class Builder {
    private WebSocketConfig config = WebSocketConfig.defaults();
    private RetentionConfig retention = RetentionConfig.defaults();
    private Duration tokenTtl = Duration.ofHours(1);
    private HttpClient http;
    private DeliveryListener deliveryListener = DeliveryListener.NONE;
    private Duration broadcasterAhead = Duration.ZERO;
    private UnaryOperator<LogStore> wrapStore = s -> s;
    private boolean feed = true;

    /** Gives the broadcaster no deployment feed, so {@code watch} is unsupported. */
    Builder noFeed() {
      this.feed = false;
      return this;
    }

    /** Told of live deliveries and resumes. */
    Builder deliveryListener(DeliveryListener deliveryListener) {
      this.deliveryListener = deliveryListener;
      return this;
    }

    /** Runs the broadcaster's clock this much ahead of the store's. */
    Builder broadcasterAhead(Duration ahead) {
      this.broadcasterAhead = ahead;
      return this;
    }

    /** Gives the broadcaster {@code wrap} applied to the real store, to force failures. */
    Builder wrapStore(UnaryOperator<LogStore> wrap) {
      this.wrapStore = wrap;
      return this;
    }

    Builder config(WebSocketConfig config) {
      this.config = config;
      return this;
    }

    Builder retention(RetentionConfig retention) {
      this.retention = retention;
      return this;
    }

    Builder tokenTtl(Duration tokenTtl) {
      this.tokenTtl = tokenTtl;
      return this;
    }

    /** The client every {@link WsClient} of this server connects with. */
    Builder http(HttpClient http) {
      this.http = http;
      return this;
    }

    TestServer start() {
      return new TestServer(this);
    }
  }

  static Builder builder() {
    return new Builder();
  }

  static TestServer start(WebSocketConfig config) {
    return builder().config(config).start();
  }

  /** A config with the defaults except a heartbeat too slow to ever interfere with a test. */
  static WebSocketConfig.Builder quietConfig() {
    return WebSocketConfig.builder().heartbeatInterval(Duration.ofMinutes(10));
  }

  private TestServer(Builder b) {
    store = InMemoryLogStore.create(b.retention, clock);
    jwt =
        JwtService.create(
            JwtConfig.builder()
                .signingSecret(SECRET)
                .tokenTtl(b.tokenTtl)
                .leeway(Duration.ZERO)
                .build(),
            clock);
    LogBroadcaster.Builder lb =
        LogBroadcaster.builder()
            .config(b.config)
            .logStore(b.wrapStore.apply(store))
            .deployments(id -> Optional.ofNullable(deployments.get(id)))
            .jwt(jwt)
            .clock(b.broadcasterAhead.isZero() ? clock : Clock.offset(clock, b.broadcasterAhead))
            .deliveryListener(b.deliveryListener);
    broadcaster = (b.feed ? lb.deploymentFeed(feed) : lb).build();
    undertow =
        Undertow.builder()
            .addHttpListener(0, "127.0.0.1")
            .setHandler(Handlers.path().addPrefixPath("/ws", broadcaster.handler()))
            .build();
    undertow.start();
    address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
    uri = URI.create("ws://127.0.0.1:" + address.getPort() + "/ws");
    http = b.http != null ? b.http : HttpClient.newHttpClient();
    broadcaster.start();
  }

  // ---- deployments and lines

  /** A new deployment owned by {@code owner}, with its log created. */
  DeploymentId newDeployment(Principal owner) {
    DeploymentId id = DeploymentId.of("dep-" + deploymentCount.incrementAndGet());
    Instant now = clock.instant();
    Deployment d =
        new Deployment(
            id,
            "deployment " + id,
            owner.id(),
            List.of("echo", "hello"),
            Map.of(),
            null,
            DeploymentStatus.RUNNING,
            now,
            now);
    deployments.put(id, d);
    store.create(id);
    publish(DeploymentEvent.Kind.CREATED, d);
    return id;
  }

  /** Gives a deployment a new status, and tells the feed's watchers. */
  Deployment changeStatus(DeploymentId id, DeploymentStatus status) {
    Deployment d =
        deployments.computeIfPresent(id, (k, cur) -> cur.withStatus(status, clock.instant()));
    publish(DeploymentEvent.Kind.UPDATED, Objects.requireNonNull(d));
    return d;
  }

  /** Removes a deployment and its log, and tells the feed's watchers. */
  void deleteDeployment(DeploymentId id) {
    Deployment d = Objects.requireNonNull(deployments.remove(id));
    store.delete(id);
    publish(DeploymentEvent.Kind.DELETED, d);
  }

  private void publish(DeploymentEvent.Kind kind, Deployment d) {
    for (Consumer<DeploymentEvent> w : watchers) {
      w.accept(new DeploymentEvent(kind, d));
    }
  }

  /** A log the store holds but the deployment lookup does not know. */
  DeploymentId orphanLog() {
    DeploymentId id = DeploymentId.of("orphan-" + deploymentCount.incrementAndGet());
    store.create(id);
    return id;
  }

  Principal ownerOf(DeploymentId id) {
    String owner = deployments.get(id).ownerId();
    for (Principal p : List.of(U1, U2, A1)) {
      if (p.id().equals(owner)) {
        return p;
      }
    }
    throw new IllegalArgumentException(owner);
  }

  LogLine append(DeploymentId id, String message) {
    return store.append(id, LogEntry.stdout(message));
  }

  /** Appends {@code n} stdout lines as one batch. */
  AppendResult append(DeploymentId id, int n) {
    List<LogEntry> entries = new ArrayList<>(n);
    long base = lastSeq(id);
    for (int i = 1; i <= n; i++) {
      entries.add(LogEntry.stdout("line " + (base + i)));
    }
    return store.append(id, entries);
  }

  LogInfo info(DeploymentId id) {
    return store.info(id).orElseThrow();
  }

  long lastSeq(DeploymentId id) {
    return info(id).lastSeq();
  }

  String epoch(DeploymentId id) {
    return info(id).epoch();
  }

  // ---- tokens

  String token(Principal p) {
    return jwt.issue(p).token();
  }

  /** A well-formed token for {@code p} signed with a secret this server does not know. */
  String tokenWithAnotherSecret(Principal p) {
    return JwtService.create(JwtConfig.builder().signingSecret(OTHER_SECRET).build(), clock)
        .issue(p)
        .token();
  }

  /** A token for {@code p} valid for {@code ttl} from now. */
  String tokenValidFor(Principal p, Duration ttl) {
    return JwtService.create(JwtConfig.builder().signingSecret(SECRET).tokenTtl(ttl).build(), clock)
        .issue(p)
        .token();
  }

  /** A token for {@code p} signed with this server's secret that expired an hour ago. */
  String expiredToken(Principal p) {
    Clock past = Clock.fixed(clock.instant().minus(Duration.ofHours(3)), clock.getZone());
    return JwtService.create(
            JwtConfig.builder().signingSecret(SECRET).tokenTtl(Duration.ofHours(2)).build(), past)
        .issue(p)
        .token();
  }

  Map<String, String> bearer(Principal p) {
    return bearer(token(p));
  }

  static Map<String, String> bearer(String token) {
    return Map.of("Authorization", "Bearer " + token);
  }

  static Map<String, String> headers(Map<String, String> a, Map<String, String> b) {
    Map<String, String> all = new LinkedHashMap<>(a);
    all.putAll(b);
    return all;
  }

  // ---- clients

  /** Opens a connection with {@code headers}; fails if the upgrade is refused. */
  WsClient open(Map<String, String> headers) {
    return join(openAsync(headers));
  }

  CompletableFuture<WsClient> openAsync(Map<String, String> headers) {
    return WsClient.openAsync(http, uri, headers)
        .thenApply(
            c -> {
              clients.add(c);
              return c;
            });
  }

  WsClient openWithoutAuth() {
    return open(Map.of());
  }

  /** Opens a connection authenticated as {@code p} by its bearer header and awaits welcome. */
  WsClient connect(Principal p) {
    WsClient c = open(bearer(p));
    c.awaitWelcome();
    return c;
  }

  /**
   * A well-behaved client: the owner of {@code id}, following it from the first line. Bad input
   * from anyone else must cost it nothing: see {@link #assertGotEveryLine}.
   */
  WsClient bystander(DeploymentId id) {
    WsClient c = connect(ownerOf(id));
    c.subscribeFromStartAndWait(id);
    return c;
  }

  /**
   * Asserts that {@code c}, following {@code id} from the start, received exactly seqs 1 to the
   * log's last seq, once each and in order, and is still open.
   */
  void assertGotEveryLine(WsClient c, DeploymentId id) {
    assertGotExactly(c, id, 1);
  }

  /** Asserts that {@code c} received exactly seqs {@code from} to the log's last, and is open. */
  void assertGotExactly(WsClient c, DeploymentId id, long from) {
    long last = lastSeq(id);
    List<Long> seqs = c.awaitSeqsThrough(id, last);
    assertThat(seqs)
        .as("seqs of %s received by a well-behaved client (%s)", id, c.describe())
        .containsExactlyElementsOf(LongStream.rangeClosed(from, last).boxed().toList());
    assertThat(c.closeStatusNow()).as("a well-behaved client stays connected").isNull();
  }

  /**
   * Attempts an upgrade that the server must refuse; returns the HTTP status it answered. Fails if
   * the upgrade succeeds.
   */
  int refusedUpgradeStatus(Map<String, String> headers) {
    try {
      WsClient c = WsClient.openAsync(http, uri, headers).get(30, TimeUnit.SECONDS);
      c.abort();
      throw new AssertionError("the upgrade with " + headers.keySet() + " was accepted");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        return refused.getResponse().statusCode();
      }
      throw new AssertionError("the upgrade failed without an HTTP answer", e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("the upgrade neither succeeded nor failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A raw client that has upgraded with {@code headers} (not yet read anything after). */
  RawWsClient raw(Map<String, String> headers, int receiveBufferBytes) throws IOException {
    RawWsClient raw = RawWsClient.connect(address, "/ws", headers, receiveBufferBytes);
    rawClients.add(raw);
    return raw;
  }

  /** The admin view of the connection whose welcome said {@code connectionId}. */
  Optional<ConnectionInfo> connection(String connectionId) {
    return broadcaster.connections().stream().filter(c -> c.id().equals(connectionId)).findFirst();
  }

  long closes(int code) {
    return broadcaster.stats().closesByCode().getOrDefault(code, 0L);
  }

  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get(60, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      throw new AssertionError("failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("did not complete", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() throws IOException {
    List<String> leaks = new ArrayList<>();
    try {
      broadcaster.close(Duration.ofSeconds(5));
      try {
        Awaits.await(Duration.ofSeconds(10))
            .until(() -> broadcaster.connections().isEmpty() && store.stats().cursors() == 0);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        leaks.add(
            "after close: "
                + broadcaster.connections().size()
                + " connections, "
                + store.stats().cursors()
                + " open cursors");
      }
      for (WsClient c : clients) {
        if (!c.unreadable().isEmpty()) {
          leaks.add("a client received frames it could not decode: " + c.unreadable());
        }
      }
    } finally {
      for (WsClient c : clients) {
        c.abort();
      }
      for (RawWsClient r : rawClients) {
        r.close();
      }
      undertow.stop();
      store.close();
    }
    if (!leaks.isEmpty()) {
      throw new AssertionError(String.join("; ", leaks));
    }
  }
}
