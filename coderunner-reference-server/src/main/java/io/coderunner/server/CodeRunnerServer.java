package io.coderunner.server;

import io.coderunner.core.Deployment;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.AccessPolicy;
import io.coderunner.core.auth.JwtConfig;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.deploy.DeploymentRunner;
import io.coderunner.core.deploy.DeploymentService;
import io.coderunner.core.deploy.DeploymentSpec;
import io.coderunner.core.deploy.DeploymentStore;
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
import io.coderunner.server.internal.AuthRoutes;
import io.coderunner.server.internal.BroadcasterRoutes;
import io.coderunner.server.internal.ClientAddresses;
import io.coderunner.server.internal.DashboardRoutes;
import io.coderunner.server.internal.DemoRunner;
import io.coderunner.server.internal.DeploymentRoutes;
import io.coderunner.server.internal.FrontHandler;
import io.coderunner.server.internal.GuardedListener;
import io.coderunner.server.internal.Http;
import io.coderunner.server.internal.IngestBudget;
import io.coderunner.server.internal.LogRoutes;
import io.coderunner.server.internal.LoginGuard;
import io.coderunner.server.internal.OpenApi;
import io.coderunner.server.internal.OperationsRoutes;
import io.coderunner.server.internal.Passwords;
import io.coderunner.server.internal.RouteTable;
import io.coderunner.server.internal.Runners;
import io.coderunner.server.internal.SseHandler;
import io.coderunner.server.internal.StorageIndicator;
import io.coderunner.server.internal.TokenBuckets;
import io.coderunner.storage.DurableStorage;
import io.coderunner.storage.StorageConfig;
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
 * <p><b>Create</b> one with {@link #builder} (to swap the deployment runner or the clock) and
 * {@link Builder#build()}: that wires every part from the {@link ServerConfig} and starts nothing.
 * {@link #start()} listens and starts the broadcaster, the housekeeping and the demo; {@link
 * #start(ServerConfig)} does both. It is <b>thread-safe</b>. {@link #close()} shuts down
 * gracefully: new requests get 503, WebSockets close with 1001, event streams end, running
 * deployments are stopped, in-flight requests finish within {@link ServerConfig#shutdownTimeout()},
 * the listener closes, and the meter registry behind {@code /metrics} is closed.
 */
public final class CodeRunnerServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CodeRunnerServer.class);
  private static final long MINUTE = TimeUnit.MINUTES.toNanos(1);
  private static final int MAX_TRACKED_PRINCIPALS = 100_000;

  /** The demo's users: {@code demo}/{@code demo} (deployer) and {@code admin}/{@code admin}. */
  public static final String DEMO_USER = "demo";

  /** The demo's admin user; its password is its name too. */
  public static final String DEMO_ADMIN = "admin";

  /** The liveness component that checks an Undertow I/O thread runs a task. */
  public static final String IO_THREAD_HEALTH = "ioThread";

  private final ServerConfig config;
  private final Clock clock;
  private final boolean generatedSecret;
  private final JwtService jwt;
  private final AccessPolicy policy = AccessPolicy.ownerOrAdmin();
  private final @Nullable DurableStorage storage;
  private final LogStore logs;
  private final DeploymentStore store;
  private final DeploymentService deployments;
  private final PrometheusMeterRegistry meters;
  private final SystemMetrics systemMetrics;
  private final HealthRegistry health;
  private final ClientAddresses clients;
  private final RouteTable routes;
  private final SseHandler sse;
  private final BroadcasterRef ws = new BroadcasterRef();
  private final Set<String> ownOrigins = new LinkedHashSet<>();
  private final GracefulShutdownHandler graceful;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile @Nullable Running running;

  /** What {@link #start()} made: the listener and what needs its address, and the threads. */
  private record Running(
      Undertow undertow,
      GuardedListener listener,
      LogBroadcaster broadcaster,
      ScheduledExecutorService housekeeping,
      @Nullable Deployment demoDeployment) {}

  private CodeRunnerServer(Builder b) {
    this.config = b.config;
    this.clock = b.clock;
    byte[] configured = config.jwtSecret();
    if (configured == null && !config.demo()) {
      throw new IllegalStateException("a JWT secret is required outside the demo");
    }
    this.generatedSecret = configured == null;
    List<UserAccount> users = users(config);
    this.jwt = jwt(config, configured == null ? randomSecret() : configured, clock);
    StorageConfig durable = config.storage();
    this.storage = durable == null ? null : DurableStorage.open(durable, config.retention(), clock);
    this.logs =
        storage != null ? storage.logs() : InMemoryLogStore.create(config.retention(), clock);
    if (b.deploymentStore != null) {
      this.store = b.deploymentStore;
    } else {
      this.store = storage != null ? storage.deployments() : new InMemoryDeploymentStore();
    }
    this.deployments = deployments(b.runner, b.demoInterval);
    this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    meters.config().meterFilter(SystemMetrics.prometheusNaming());
    this.systemMetrics = SystemMetrics.create();
    systemMetrics.bindTo(meters);
    LogStoreMetrics.of(logs).bindTo(meters);
    DeploymentMetrics.of(deployments).bindTo(meters);
    this.health = health(b.runner != null ? "custom" : "local", b.healthIndicators);
    this.clients = new ClientAddresses(config.trustedProxies());
    this.routes =
        new RouteTable(
            jwt,
            new TokenBuckets(
                config.apiRequestsPerMinute(), MINUTE, System::nanoTime, MAX_TRACKED_PRINCIPALS),
            config.maxBodyBytes(),
            config.requestBodyTimeout(),
            HttpServerMetrics.create(meters));
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
    registerRoutes(users);
    this.graceful =
        Handlers.gracefulShutdown(
            new FrontHandler(
                routes.handler(),
                config.corsOrigins(),
                () -> ownOrigins,
                clients,
                ConnectionQuota.perPrincipal(config.maxConnectionsPerAddress())));
  }

  /**
   * Builds and starts a server with {@code config} and the default runner.
   *
   * @param config the settings
   * @return the started server, listening when this returns
   * @throws IllegalStateException outside the demo without a secret or without users
   * @throws UncheckedIOException when it cannot listen on the configured address
   */
  public static CodeRunnerServer start(ServerConfig config) {
    return builder(config).start();
  }

  /**
   * Starts building a server from {@code config}, to swap its runner or clock or add health checks.
   *
   * @param config the settings
   * @return a new builder
   */
  public static Builder builder(ServerConfig config) {
    return new Builder(config);
  }

  private static byte[] randomSecret() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return secret;
  }

  /** The configured users, and the demo's when running the demo. */
  private static List<UserAccount> users(ServerConfig config) {
    List<UserAccount> users = new ArrayList<>(config.users());
    if (config.demo()) {
      addDemoUser(users, DEMO_USER, "u-demo", Set.of("deployer"));
      addDemoUser(users, DEMO_ADMIN, "u-admin", Set.of("admin"));
    }
    if (users.isEmpty()) {
      throw new IllegalStateException("at least one user is required outside the demo");
    }
    warnWeakHashes(users);
    return users;
  }

  private static JwtService jwt(ServerConfig config, byte[] secret, Clock clock) {
    return JwtService.create(
        JwtConfig.builder()
            .signingSecret(secret)
            .tokenTtl(config.tokenTtl())
            .issuer(config.jwtIssuer())
            .audience(config.jwtAudience())
            .leeway(config.jwtLeeway())
            .maxTokenLength(config.jwtMaxTokenLength())
            .build(),
        clock);
  }

  private DeploymentService deployments(@Nullable DeploymentRunner custom, Duration demoInterval) {
    DeploymentRunner runner = custom != null ? custom : Runners.processRunner(config);
    if (config.demo()) {
      runner = new DemoRunner(runner, demoInterval);
    }
    return DeploymentService.create(
        store,
        logs,
        runner,
        policy,
        clock,
        config.runner().stopGrace(),
        config.deploymentLimits(),
        config.deploymentsOnRestart());
  }

  private HealthRegistry health(String runnerKind, List<HealthIndicator> hostIndicators) {
    // Health runs on the system clock: a host's fixed test clock must not freeze breakers or cache.
    HealthRegistry h = HealthRegistry.create(config.health(), Clock.systemUTC());
    h.register(LogBufferIndicator.of(logs, config.retention().globalMaxBytes()));
    h.register(ProcessRunnerIndicator.of(runnerKind, () -> Map.of("demo", config.demo())));
    if (storage != null) {
      StorageIndicator disk = new StorageIndicator(storage);
      disk.bindTo(meters);
      h.register(disk);
    }
    hostIndicators.forEach(h::register);
    return h;
  }

  private void registerRoutes(List<UserAccount> users) {
    LoginGuard logins =
        new LoginGuard(
            clients,
            config.loginFailuresPerMinutePerUserAndAddress(),
            config.loginFailuresPerMinutePerAddress(),
            config.loginFailuresPerMinutePerUser(),
            config.maxConcurrentPasswordChecks(),
            System::nanoTime,
            meters);
    IngestBudget ingest =
        new IngestBudget(
            config.ingestRequestsPerSecond(),
            config.ingestLinesPerSecond(),
            config.ingestBytesPerSecond(),
            System::nanoTime);
    new AuthRoutes(users, jwt, logins).register(routes);
    new DeploymentRoutes(deployments, policy).register(routes);
    new LogRoutes(deployments, logs, ingest).register(routes);
    new BroadcasterRoutes(ws::get).register(routes);
    new OperationsRoutes(health, ready::get, closed::get, meters::scrape).register(routes);
    new DashboardRoutes().register(routes);
    routes.stream("GET", "/api/deployments/{id}/logs/stream", RouteTable.Access.USER, sse);
    routes.stream("GET", "/ws", RouteTable.Access.PUBLIC, ws);
    routes.json(
        "GET",
        "/openapi.json",
        RouteTable.Access.PUBLIC,
        c -> RouteTable.Reply.ok(OpenApi.document()));
  }

  /**
   * Listens on the configured address, then starts the broadcaster (whose allowed origins include
   * the address it listens on), the housekeeping thread and, in the demo, the demo deployment.
   * Ready once this returns; a failure closes the server.
   *
   * @return this server
   * @throws IllegalStateException when already started or closed
   * @throws UncheckedIOException when it cannot listen on the configured address
   */
  public synchronized CodeRunnerServer start() {
    if (closed.get()) {
      throw new IllegalStateException("the server is closed");
    }
    if (running != null) {
      throw new IllegalStateException("the server is already started");
    }
    // Undertow runs the worker; the listener is ours, to cap connections per address at accept.
    Undertow undertow = Undertow.builder().build();
    undertow.start();
    GuardedListener listener;
    try {
      listener =
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
      close();
      throw new UncheckedIOException(
          "could not listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
    }
    @Nullable LogBroadcaster broadcaster = null;
    @Nullable ScheduledExecutorService housekeeping = null;
    try {
      Duration ioTimeout = config.health().timeout().multipliedBy(3).dividedBy(4);
      health.registerLiveness(
          ExecutorLivenessIndicator.of(
              IO_THREAD_HEALTH, undertow.getWorker().getIoThread(), ioTimeout));
      HealthMetrics.of(health).bindTo(meters); // after the last check is registered
      FunctionCounter.builder(
              "coderunner.http.connections.refused", listener, GuardedListener::refused)
          .description("Connections closed at accept: their address had as many open as it may")
          .register(meters);
      Gauge.builder("coderunner.http.connections", listener, GuardedListener::openConnections)
          .description("Open client connections, not counting those of trusted proxies")
          .register(meters);
      ownOrigins.addAll(ownOrigins(config.host(), listener.address().getPort()));
      broadcaster = newBroadcaster();
      ws.set(broadcaster);
      broadcaster.start();
      housekeeping =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "coderunner-housekeeping");
                t.setDaemon(true);
                return t;
              });
      var unused = housekeeping.scheduleWithFixedDelay(this::evict, 1, 1, TimeUnit.SECONDS);
      Deployment demo = config.demo() ? startDemo() : null;
      running = new Running(undertow, listener, broadcaster, housekeeping, demo);
    } catch (RuntimeException e) {
      running = null;
      if (broadcaster != null) {
        broadcaster.close(Duration.ZERO);
      }
      if (housekeeping != null) {
        housekeeping.shutdownNow();
      }
      listener.close();
      undertow.stop();
      close();
      throw e;
    }
    ready.set(true);
    return this;
  }

  private LogBroadcaster newBroadcaster() {
    Set<String> origins = new LinkedHashSet<>(ownOrigins);
    origins.addAll(config.corsOrigins());
    WebSocketConfig wsConfig =
        config.websocket().toBuilder().follow(config.follow()).allowedOrigins(origins).build();
    LogBroadcaster b =
        LogBroadcaster.builder()
            .config(wsConfig)
            .logStore(logs)
            .deployments(store)
            .deploymentFeed(deployments)
            .jwt(jwt)
            .accessPolicy(policy)
            .clock(clock)
            .deliveryListener(DeliveryMetrics.listener(meters))
            .build();
    DeliveryMetrics.of(b).bindTo(meters);
    return b;
  }

  private Running running() {
    Running r = running;
    if (r == null) {
      throw new IllegalStateException("the server is not started");
    }
    return r;
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

  /**
   * Starts the demo's deployment: the one kept from an earlier run under a data directory (the
   * restart marked it failed, or started it again), else a new one.
   */
  private Deployment startDemo() {
    Principal demo = new Principal("u-demo", DEMO_USER, Set.of("deployer"));
    List<String> command = List.of(DemoRunner.COMMAND, "--realistic");
    Deployment d =
        store.all().stream()
            .filter(x -> x.ownerId().equals(demo.id()) && x.command().equals(command))
            .findFirst()
            .orElseGet(
                () ->
                    deployments.create(
                        demo, new DeploymentSpec("shop-frontend", command, Map.of(), null)));
    Deployment current = deployments.get(demo, d.id());
    // With deployments.onRestart = start, the restart has started it again already.
    return current.status().isActive() ? current : deployments.start(demo, d.id());
  }

  private void evict() {
    try {
      logs.evictExpired();
    } catch (RuntimeException e) {
      log.debug("eviction skipped", e);
    }
  }

  /**
   * The address it listens on (with the actual port when 0 was asked for).
   *
   * @return the bound address
   * @throws IllegalStateException before {@link #start()}
   */
  public InetSocketAddress address() {
    return running().listener().address();
  }

  /**
   * {@code http://host:port}, with the configured host and the actual port.
   *
   * @return the server's base URI, without a trailing slash; an IPv6 host is in brackets
   * @throws IllegalStateException before {@link #start()}
   */
  public URI uri() {
    String h = config.host();
    return URI.create("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port());
  }

  /**
   * The port it listens on: the configured one, or the one picked when 0 was asked for.
   *
   * @return the port
   * @throws IllegalStateException before {@link #start()}
   */
  public int port() {
    return address().getPort();
  }

  /**
   * The settings it was built with.
   *
   * @return the configuration
   */
  public ServerConfig config() {
    return config;
  }

  /**
   * Whether the JWT secret was generated for this run (demo without a configured secret).
   *
   * @return {@code true} if tokens it issues will not verify after a restart
   */
  public boolean generatedSecret() {
    return generatedSecret;
  }

  /**
   * The JWT service that issues and verifies this server's tokens.
   *
   * @return the service, available before {@link #start()}
   */
  public JwtService jwt() {
    return jwt;
  }

  /**
   * The store of the deployments' logs: durable under a {@link ServerConfig#dataDir()}, else in
   * memory; the server closes it on {@link #close()}.
   *
   * @return the store, available before {@link #start()}
   */
  public LogStore logStore() {
    return logs;
  }

  /**
   * The deployment service behind the REST API; the server closes it, stopping running deployments,
   * on {@link #close()}.
   *
   * @return the service, available before {@link #start()}
   */
  public DeploymentService deployments() {
    return deployments;
  }

  /**
   * The WebSocket broadcaster behind {@code /ws}.
   *
   * @return the broadcaster
   * @throws IllegalStateException before {@link #start()}: it is made for the listening address
   */
  public LogBroadcaster broadcaster() {
    return running().broadcaster();
  }

  /**
   * The demo's deployment, once started when running the demo.
   *
   * @return the deployment as it was when started, or {@code null} outside the demo or before
   *     {@link #start()}
   */
  public @Nullable Deployment demoDeployment() {
    Running r = running;
    return r == null ? null : r.demoDeployment();
  }

  /**
   * Every registered route as {@code METHOD /path/{param}}, in registration order.
   *
   * @return a new list, such as {@code GET /api/deployments/{id}}
   */
  public List<String> routes() {
    List<String> out = new ArrayList<>();
    routes.routes().forEach(r -> out.add(r.method() + " " + r.path()));
    return out;
  }

  /**
   * The server's health checks, behind {@code /health}, {@code /health/live} and {@code
   * /health/ready}.
   *
   * @return the registry; the server closes it on {@link #close()}
   */
  public HealthRegistry health() {
    return health;
  }

  /**
   * Open Server-Sent Events streams.
   *
   * @return the number open now
   */
  public int openEventStreams() {
    return sse.openStreams();
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    ready.set(false);
    Running r;
    synchronized (this) {
      r = running;
    }
    Duration timeout = config.shutdownTimeout();
    graceful.shutdown();
    if (r != null) {
      r.broadcaster().close(timeout);
    }
    sse.close();
    try {
      deployments.close();
    } catch (RuntimeException e) {
      log.warn("stopping deployments failed", e);
    }
    if (r != null) {
      try {
        if (!graceful.awaitShutdown(timeout.toMillis())) {
          log.warn("in-flight requests did not finish within {}", timeout);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      r.listener().close();
      r.undertow().stop();
      r.housekeeping().shutdownNow();
    }
    health.close();
    if (storage != null) {
      storage.close(); // its logs too: what is queued is written, the directory unlocked
    } else {
      logs.close();
    }
    systemMetrics.close();
    meters.close();
  }

  /** Builds a {@link CodeRunnerServer} from its config and collaborators. Not thread-safe. */
  public static final class Builder {
    private final ServerConfig config;
    private @Nullable DeploymentRunner runner;
    private @Nullable DeploymentStore deploymentStore;
    private Clock clock = Clock.systemUTC();
    private Duration demoInterval = Duration.ofMillis(400);
    private final List<HealthIndicator> healthIndicators = new ArrayList<>();

    private Builder(ServerConfig config) {
      this.config = Objects.requireNonNull(config, "config");
    }

    /**
     * Sets what runs deployments' commands; default the local process runner configured by {@link
     * ServerConfig#runner()}. Closed with the server.
     *
     * @param runner the runner
     * @return this builder
     */
    public Builder runner(DeploymentRunner runner) {
      this.runner = Objects.requireNonNull(runner, "runner");
      return this;
    }

    /**
     * Sets where deployments are kept, for a host that keeps them in its own database; default a
     * new in-memory store. The server does not close it, so a store handed to a second server after
     * the first one closed gives the second the same deployments. Their logs stay in each server's
     * memory: a follower that comes back to the second server is told {@code reset}.
     *
     * @param store the store
     * @return this builder
     */
    public Builder deploymentStore(DeploymentStore store) {
      this.deploymentStore = Objects.requireNonNull(store, "store");
      return this;
    }

    /**
     * Sets the time for tokens, log lines and deployments. Default the UTC system clock. Health
     * checks always run on the system clock.
     *
     * @param clock the clock
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Sets the time between two lines of the demo deployment. Default 400 ms.
     *
     * @param interval 1 ms to 1 min
     * @return this builder
     * @throws IllegalArgumentException if {@code interval} is out of range
     */
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
     *
     * @param indicator the check; its name must differ from the built-in {@code logBuffers}, {@code
     *     processRunner} and {@code ioThread} and from the host's other checks
     * @return this builder
     */
    public Builder healthIndicator(HealthIndicator indicator) {
      healthIndicators.add(Objects.requireNonNull(indicator, "indicator"));
      return this;
    }

    /**
     * Builds the server without starting it: nothing listens and no thread runs until {@link
     * CodeRunnerServer#start()}.
     *
     * @return the server, not started
     * @throws IllegalStateException outside the demo without a secret or without users
     * @throws IllegalArgumentException if a health indicator's name is malformed or taken
     */
    public CodeRunnerServer build() {
      return new CodeRunnerServer(this);
    }

    /**
     * Builds and starts the server; it listens when this returns.
     *
     * @return the started server
     * @throws IllegalStateException outside the demo without a secret or without users
     * @throws IllegalArgumentException if a health indicator's name is malformed or taken
     * @throws java.io.UncheckedIOException when it cannot listen on the configured address
     */
    public CodeRunnerServer start() {
      return build().start();
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
