package io.coderunner.server;

import io.coderunner.core.Deployment;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.AccessPolicy;
import io.coderunner.core.auth.JwtConfig;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.deploy.DeploymentRunner;
import io.coderunner.core.deploy.DeploymentService;
import io.coderunner.core.deploy.DeploymentSpec;
import io.coderunner.core.deploy.InMemoryDeploymentStore;
import io.coderunner.core.follow.ConnectionQuota;
import io.coderunner.core.log.InMemoryLogStore;
import io.coderunner.core.log.LogStore;
import io.coderunner.metrics.DeliveryMetrics;
import io.coderunner.metrics.DeploymentMetrics;
import io.coderunner.metrics.HttpServerMetrics;
import io.coderunner.metrics.LogStoreMetrics;
import io.coderunner.metrics.SystemMetrics;
import io.coderunner.metrics.health.ExecutorLivenessIndicator;
import io.coderunner.metrics.health.HealthIndicator;
import io.coderunner.metrics.health.HealthMetrics;
import io.coderunner.metrics.health.HealthRegistry;
import io.coderunner.metrics.health.LogBufferIndicator;
import io.coderunner.metrics.health.ProcessRunnerIndicator;
import io.coderunner.server.internal.ApiException;
import io.coderunner.server.internal.ApiRoutes;
import io.coderunner.server.internal.ClientAddresses;
import io.coderunner.server.internal.DemoRunner;
import io.coderunner.server.internal.FrontHandler;
import io.coderunner.server.internal.GuardedListener;
import io.coderunner.server.internal.Http;
import io.coderunner.server.internal.IngestBudget;
import io.coderunner.server.internal.LoginGuard;
import io.coderunner.server.internal.OpenApi;
import io.coderunner.server.internal.Passwords;
import io.coderunner.server.internal.RouteTable;
import io.coderunner.server.internal.Runners;
import io.coderunner.server.internal.SseHandler;
import io.coderunner.server.internal.TokenBuckets;
import io.coderunner.websocket.LogBroadcaster;
import io.coderunner.websocket.WebSocketConfig;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reference server: the REST API, Server-Sent Events, the WebSocket broadcaster at {@code /ws},
 * health, metrics and the dashboard, on one Undertow listener.
 *
 * <p><b>Create</b> and start one with {@link #start(ServerConfig)} (or {@link #builder} to swap the
 * deployment runner or the clock); it listens once the call returns. It is <b>thread-safe</b>.
 * {@link #close()} shuts down gracefully: new requests get 503, WebSockets close with 1001, event
 * streams end, running deployments are stopped, in-flight requests finish within {@link
 * ServerConfig#shutdownTimeout()}, the listener closes, and the meter registry behind {@code
 * /metrics} is closed.
 */
public final class CodeRunnerServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CodeRunnerServer.class);

  /** The demo's users: {@code demo}/{@code demo} (deployer) and {@code admin}/{@code admin}. */
  public static final String DEMO_USER = "demo";

  public static final String DEMO_ADMIN = "admin";

  /** The liveness component that checks an Undertow I/O thread runs a task. */
  public static final String IO_THREAD_HEALTH = "ioThread";

  private final ServerConfig config;
  private final boolean generatedSecret;
  private final JwtService jwt;
  private final InMemoryLogStore logs;
  private final DeploymentService deployments;
  private final RouteTable routes;
  private final SseHandler sse;
  private final GracefulShutdownHandler graceful;
  private final Undertow undertow;
  private final GuardedListener listener;
  private final LogBroadcaster broadcaster;
  private final ScheduledExecutorService housekeeping;
  private final InetSocketAddress address;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final @Nullable Deployment demoDeployment;
  private final PrometheusMeterRegistry meters;
  private final SystemMetrics systemMetrics;
  private final HealthRegistry health;

  private CodeRunnerServer(Builder b) {
    this.config = b.config;
    Clock clock = b.clock;
    byte[] secret = config.jwtSecret();
    if (secret == null) {
      if (!config.demo()) {
        throw new IllegalStateException("a JWT secret is required outside the demo");
      }
      secret = new byte[32];
      new SecureRandom().nextBytes(secret);
      this.generatedSecret = true;
    } else {
      this.generatedSecret = false;
    }
    List<UserAccount> users = new ArrayList<>(config.users());
    if (config.demo()) {
      addDemoUser(users, DEMO_USER, "u-demo", Set.of("deployer"));
      addDemoUser(users, DEMO_ADMIN, "u-admin", Set.of("admin"));
    }
    if (users.isEmpty()) {
      throw new IllegalStateException("at least one user is required outside the demo");
    }
    warnWeakHashes(users);
    this.jwt =
        JwtService.create(
            JwtConfig.builder()
                .signingSecret(secret)
                .tokenTtl(config.tokenTtl())
                .issuer(config.jwtIssuer())
                .audience(config.jwtAudience())
                .leeway(config.jwtLeeway())
                .maxTokenLength(config.jwtMaxTokenLength())
                .build(),
            clock);
    this.logs = InMemoryLogStore.create(config.retention(), clock);
    DeploymentRunner runner = b.runner != null ? b.runner : Runners.processRunner(config);
    if (config.demo()) {
      runner = new DemoRunner(runner, b.demoInterval);
    }
    InMemoryDeploymentStore store = new InMemoryDeploymentStore();
    AccessPolicy policy = AccessPolicy.ownerOrAdmin();
    this.deployments =
        DeploymentService.create(
            store,
            logs,
            runner,
            policy,
            clock,
            config.runner().stopGrace(),
            config.deploymentLimits());

    this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    meters.config().meterFilter(SystemMetrics.prometheusNaming());
    this.systemMetrics = SystemMetrics.create();
    systemMetrics.bindTo(meters);
    LogStoreMetrics.of(logs).bindTo(meters);
    DeploymentMetrics.of(deployments).bindTo(meters);

    // Health runs on the system clock: a host's fixed test clock must not freeze breakers or cache.
    this.health = HealthRegistry.create(config.health(), Clock.systemUTC());
    health.register(LogBufferIndicator.of(logs, config.retention().globalMaxBytes()));
    String runnerKind = b.runner != null ? "custom" : "local";
    health.register(ProcessRunnerIndicator.of(runnerKind, () -> Map.of("demo", config.demo())));
    for (HealthIndicator indicator : b.healthIndicators) {
      health.register(indicator);
    }

    long minute = TimeUnit.MINUTES.toNanos(1);
    ClientAddresses clients = new ClientAddresses(config.trustedProxies());
    this.routes =
        new RouteTable(
            jwt,
            new TokenBuckets(config.apiRequestsPerMinute(), minute, System::nanoTime, 100_000),
            config.maxBodyBytes(),
            config.requestBodyTimeout(),
            HttpServerMetrics.create(meters));
    BroadcasterRef ref = new BroadcasterRef();
    new ApiRoutes(
            users,
            jwt,
            deployments,
            logs,
            policy,
            ref::get,
            new LoginGuard(
                clients,
                config.loginFailuresPerMinutePerUserAndAddress(),
                config.loginFailuresPerMinutePerAddress(),
                config.loginFailuresPerMinutePerUser(),
                config.maxConcurrentPasswordChecks(),
                System::nanoTime,
                meters),
            new IngestBudget(
                config.ingestRequestsPerSecond(),
                config.ingestLinesPerSecond(),
                config.ingestBytesPerSecond(),
                System::nanoTime),
            health,
            ready::get,
            closed::get,
            meters::scrape)
        .register(routes);
    WebSocketConfig wsBase = config.websocket().toBuilder().follow(config.follow()).build();
    this.sse =
        new SseHandler(
            routes,
            deployments,
            logs,
            jwt,
            config.follow(),
            config.sseHeartbeat(),
            ConnectionQuota.of(config.sseMaxStreams(), config.sseMaxStreamsPerPrincipal()),
            clock);
    routes.raw("GET", "/api/deployments/{id}/logs/stream", RouteTable.Access.USER, sse);
    routes.raw("GET", "/ws", RouteTable.Access.PUBLIC, ref);
    routes.json(
        "GET",
        "/openapi.json",
        RouteTable.Access.PUBLIC,
        c -> RouteTable.Reply.ok(OpenApi.document()));

    Set<String> own = new LinkedHashSet<>();
    HttpHandler front =
        new FrontHandler(
            routes.handler(),
            config.corsOrigins(),
            () -> own,
            clients,
            ConnectionQuota.perPrincipal(config.maxConnectionsPerAddress()));
    this.graceful = Handlers.gracefulShutdown(front);
    // Undertow runs the worker; the listener is ours, to cap connections per address at accept.
    this.undertow = Undertow.builder().build();
    undertow.start();
    try {
      this.listener =
          GuardedListener.open(
              undertow.getWorker(),
              new InetSocketAddress(config.host(), config.port()),
              graceful,
              config.requestHeaderTimeout(),
              config.idleTimeout(),
              config.maxConnectionsPerAddress(),
              clients);
    } catch (IOException e) {
      undertow.stop();
      health.close();
      closeMeters();
      throw new UncheckedIOException(
          "could not listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    try {
      Duration ioTimeout = config.health().timeout().multipliedBy(3).dividedBy(4);
      health.registerLiveness(
          ExecutorLivenessIndicator.of(
              IO_THREAD_HEALTH, undertow.getWorker().getIoThread(), ioTimeout));
      HealthMetrics.of(health).bindTo(meters);
      this.address = listener.address();
      FunctionCounter.builder(
              "coderunner.http.connections.refused", listener, GuardedListener::refused)
          .description("Connections closed at accept: their address had as many open as it may")
          .register(meters);
      Gauge.builder("coderunner.http.connections", listener, GuardedListener::openConnections)
          .description("Open client connections, not counting those of trusted proxies")
          .register(meters);
      own.addAll(ownOrigins(config.host(), address.getPort()));
      Set<String> wsOrigins = new LinkedHashSet<>(own);
      wsOrigins.addAll(config.corsOrigins());
      this.broadcaster =
          LogBroadcaster.builder()
              .config(wsBase.toBuilder().allowedOrigins(wsOrigins).build())
              .logStore(logs)
              .deployments(store)
              .jwt(jwt)
              .accessPolicy(policy)
              .clock(clock)
              .deliveryListener(DeliveryMetrics.listener(meters))
              .build();
      ref.set(broadcaster);
      DeliveryMetrics.of(broadcaster).bindTo(meters);
      broadcaster.start();
      this.housekeeping =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "coderunner-housekeeping");
                t.setDaemon(true);
                return t;
              });
      var unused = housekeeping.scheduleWithFixedDelay(this::evict, 1, 1, TimeUnit.SECONDS);
      this.demoDeployment = config.demo() ? startDemo() : null;
    } catch (RuntimeException e) {
      listener.close();
      undertow.stop();
      health.close();
      closeMeters();
      throw e;
    }
    ready.set(true);
  }

  /** Starts a server with {@code config} and the default runner. */
  public static CodeRunnerServer start(ServerConfig config) {
    return builder(config).start();
  }

  public static Builder builder(ServerConfig config) {
    return new Builder(config);
  }

  private static void addDemoUser(
      List<UserAccount> users, String name, String id, Set<String> roles) {
    boolean taken =
        users.stream().anyMatch(u -> u.username().equalsIgnoreCase(name) || u.id().equals(id));
    if (!taken) {
      users.add(new UserAccount(name, id, roles, DemoHashes.of(name)));
    }
  }

  /** The demo users' hashes, made once per JVM: each costs a full PBKDF2 run. */
  private static final class DemoHashes {
    static final String DEMO = Passwords.hash(DEMO_USER.toCharArray());
    static final String ADMIN = Passwords.hash(DEMO_ADMIN.toCharArray());

    static String of(String name) {
      return name.equals(DEMO_USER) ? DEMO : ADMIN;
    }
  }

  /** Warns once at start about stored hashes weaker than new ones, naming their users. */
  private static void warnWeakHashes(List<UserAccount> users) {
    List<String> weak = new ArrayList<>();
    for (UserAccount u : users) {
      if (Passwords.iterations(u.passwordHash()) < Passwords.ITERATIONS) {
        weak.add(u.username());
      }
    }
    if (!weak.isEmpty()) {
      log.warn(
          "users {} have password hashes of fewer than {} PBKDF2 iterations; they still log in,"
              + " but make their hashes again with `hash-password`",
          weak,
          Passwords.ITERATIONS);
    }
  }

  private static Set<String> ownOrigins(String host, int port) {
    Set<String> origins = new LinkedHashSet<>();
    String h = host.toLowerCase(Locale.ROOT);
    origins.add("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port);
    if (h.equals("127.0.0.1") || h.equals("localhost") || h.equals("0.0.0.0") || h.equals("::1")) {
      origins.add("http://localhost:" + port);
      origins.add("http://127.0.0.1:" + port);
    }
    return origins;
  }

  private Deployment startDemo() {
    Principal demo = new Principal("u-demo", DEMO_USER, Set.of("deployer"));
    Deployment d =
        deployments.create(
            demo,
            new DeploymentSpec(
                "shop-frontend", List.of(DemoRunner.COMMAND, "--realistic"), Map.of(), null));
    return deployments.start(demo, d.id());
  }

  private void evict() {
    try {
      logs.evictExpired();
    } catch (RuntimeException e) {
      log.debug("eviction skipped", e);
    }
  }

  /** The address it listens on (with the actual port when 0 was asked for). */
  public InetSocketAddress address() {
    return address;
  }

  /** {@code http://host:port}, with the configured host and the actual port. */
  public URI uri() {
    String h = config.host();
    return URI.create("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + address.getPort());
  }

  public int port() {
    return address.getPort();
  }

  public ServerConfig config() {
    return config;
  }

  /** Whether the JWT secret was generated for this run (demo without a configured secret). */
  public boolean generatedSecret() {
    return generatedSecret;
  }

  /** The JWT service that issues and verifies this server's tokens. */
  public JwtService jwt() {
    return jwt;
  }

  public LogStore logStore() {
    return logs;
  }

  public DeploymentService deployments() {
    return deployments;
  }

  public LogBroadcaster broadcaster() {
    return broadcaster;
  }

  /** The demo's deployment, when running the demo. */
  public @Nullable Deployment demoDeployment() {
    return demoDeployment;
  }

  /** Every registered route as {@code METHOD /path/{param}}, in registration order. */
  public List<String> routes() {
    List<String> out = new ArrayList<>();
    routes.routes().forEach(r -> out.add(r.method() + " " + r.path()));
    return out;
  }

  /**
   * The server's health checks, behind {@code /health}, {@code /health/live} and {@code /ready}.
   */
  public HealthRegistry health() {
    return health;
  }

  /** Open Server-Sent Events streams. */
  public int openEventStreams() {
    return sse.openStreams();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ready.set(false);
    Duration timeout = config.shutdownTimeout();
    graceful.shutdown();
    broadcaster.close(timeout);
    sse.close();
    try {
      deployments.close();
    } catch (RuntimeException e) {
      log.warn("stopping deployments failed", e);
    }
    try {
      if (!graceful.awaitShutdown(timeout.toMillis())) {
        log.warn("in-flight requests did not finish within {}", timeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    listener.close();
    undertow.stop();
    housekeeping.shutdownNow();
    health.close();
    logs.close();
    closeMeters();
  }

  private void closeMeters() {
    systemMetrics.close();
    meters.close();
  }

  /** Builds and starts a {@link CodeRunnerServer}. Not thread-safe. */
  public static final class Builder {
    private final ServerConfig config;
    private @Nullable DeploymentRunner runner;
    private Clock clock = Clock.systemUTC();
    private Duration demoInterval = Duration.ofMillis(400);
    private final List<HealthIndicator> healthIndicators = new ArrayList<>();

    private Builder(ServerConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /** Runs deployments' commands; default the local process runner. Closed with the server. */
    public Builder runner(DeploymentRunner runner) {
      this.runner = Objects.requireNonNull(runner, "runner");
      return this;
    }

    /** Time for tokens, log lines and deployments. Default the UTC system clock. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Time between two lines of the demo deployment. Default 400 ms; 1 ms to 1 min. */
    public Builder demoInterval(Duration interval) {
      Objects.requireNonNull(interval, "demoInterval");
      if (interval.compareTo(Duration.ofMillis(1)) < 0
          || interval.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "demoInterval must be between 1 ms and 1 min, was " + interval);
      }
      this.demoInterval = interval;
      return this;
    }

    /**
     * Adds a dependency check of the host (Redis, a database) to {@code /health} and {@code
     * /health/ready}, next to the built-in {@code logBuffers} and {@code processRunner}. A critical
     * one DOWN makes readiness 503; a non-critical one DOWN makes it DEGRADED, still 200.
     */
    public Builder healthIndicator(HealthIndicator indicator) {
      healthIndicators.add(Objects.requireNonNull(indicator, "indicator"));
      return this;
    }

    /**
     * Starts the server; it listens when this returns.
     *
     * @throws IllegalStateException outside the demo without a secret or without users
     */
    public CodeRunnerServer start() {
      return new CodeRunnerServer(this);
    }
  }

  /** The {@code /ws} handler, set once the broadcaster exists (it needs the listening port). */
  private static final class BroadcasterRef implements HttpHandler {
    private volatile @Nullable LogBroadcaster broadcaster;

    void set(LogBroadcaster b) {
      this.broadcaster = b;
    }

    LogBroadcaster get() {
      LogBroadcaster b = broadcaster;
      if (b == null) {
        throw new ApiException(503, "Service Unavailable", "the server is starting");
      }
      return b;
    }

    @Override
    public void handleRequest(io.undertow.server.HttpServerExchange exchange) throws Exception {
      LogBroadcaster b = broadcaster;
      if (b == null) {
        Http.sendProblem(
            exchange, new ApiException(503, "Service Unavailable", "the server is starting"));
        return;
      }
      b.handler().handleRequest(exchange);
    }
  }
}
