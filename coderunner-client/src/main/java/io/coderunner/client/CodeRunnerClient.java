package io.coderunner.client;

import io.coderunner.client.internal.FollowPublisher;
import io.coderunner.client.internal.Follower;
import io.coderunner.client.internal.Json;
import io.coderunner.client.internal.ListenerSink;
import io.coderunner.client.internal.Sink;
import io.coderunner.client.internal.Tokens;
import io.coderunner.client.internal.Transport;
import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.Principal;
import io.coderunner.core.StreamKind;
import io.coderunner.core.delivery.DeliveryStats;
import io.coderunner.core.deploy.DeploymentPage;
import io.coderunner.core.deploy.DeploymentSpec;
import io.coderunner.core.log.AppendResult;
import io.coderunner.core.log.IdempotencyKeys;
import io.coderunner.core.protocol.SubscribeFilter;
import io.coderunner.core.protocol.WireTime;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A client of one CodeRunner server: every REST route as a typed method, blocking and {@code
 * …Async}, and {@link #follow follow} for a deployment's live log.
 *
 * <p>Build one per server and share it: it is immutable and thread-safe, and holds the HTTP
 * client's connection pool, a scheduler thread (unless one is given) and the open follows. {@link
 * #close()} ends every follow and stops the scheduler it made; a given {@link HttpClient} or
 * scheduler is the caller's to close. Calls after close fail with {@link ClientException}.
 *
 * <pre>{@code
 * try (CodeRunnerClient client =
 *     CodeRunnerClient.builder()
 *         .baseUri(URI.create("http://127.0.0.1:8080"))
 *         .login("demo", "demo".toCharArray())
 *         .build()) {
 *   Deployment d = client.create(new DeploymentSpec("web", List.of("app"), Map.of(), null));
 *   client.start(d.id());
 * }
 * }</pre>
 *
 * <p>Errors: an error answer is an {@link ApiException} of the subclass that names its status,
 * carrying the whole problem; no answer at all is a {@link TransportException}. Before either, a
 * call is retried as {@link Builder#retry(Backoff)} allows: any call on a connect failure (nothing
 * was sent), {@code GET}, {@code PUT}, {@code DELETE} and an ingest (which carries an idempotency
 * key) on 503 or a broken connection, an ingest on 507 too, any call on 429 whose {@code
 * Retry-After} is within {@link Builder#maxRetryAfter(Duration)}, and a 401 once with a new token
 * when the token source yields a different one.
 */
public final class CodeRunnerClient implements AutoCloseable {
  private static final Set<Integer> OK = Set.of(200);
  private static final Set<Integer> CREATED = Set.of(201);
  private static final Set<Integer> ACCEPTED = Set.of(202);
  private static final Set<Integer> NO_CONTENT = Set.of(204);
  private static final Set<Integer> HEALTH = Set.of(200, 503);

  private final Transport transport;
  private final HttpClient http;
  private final URI base;
  private final Tokens tokens;
  private final Backoff reconnect;
  private final Duration heartbeat;
  private final Duration connectTimeout;
  private final ScheduledExecutorService scheduler;
  private final boolean ownScheduler;
  private final RandomGenerator random;
  private final Clock clock;
  private final Set<Follower> follows = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  private CodeRunnerClient(Builder b) {
    this.base = withSlash(Objects.requireNonNull(b.baseUri, "baseUri"));
    this.clock = b.clock;
    this.random = b.random;
    this.reconnect = b.reconnect;
    this.heartbeat = b.heartbeat;
    this.connectTimeout = b.connectTimeout;
    this.http =
        b.httpClient != null
            ? b.httpClient
            : HttpClient.newBuilder()
                .connectTimeout(b.connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    if (b.scheduler != null) {
      this.scheduler = b.scheduler;
      this.ownScheduler = false;
    } else {
      ScheduledThreadPoolExecutor s =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "coderunner-client");
                t.setDaemon(true);
                return t;
              });
      s.setRemoveOnCancelPolicy(true);
      this.scheduler = s;
      this.ownScheduler = true;
    }
    this.tokens = tokens(b);
    this.transport =
        new Transport(
            http, base, b.requestTimeout, b.retry, b.maxRetryAfter, scheduler, random, tokens);
  }

  /** Where the token comes from: fixed, the caller's supplier, a login, or none. */
  private Tokens tokens(Builder b) {
    if (b.token != null) {
      return Tokens.fixed(b.token, clock);
    }
    if (b.tokenSupplier != null) {
      Supplier<String> s = b.tokenSupplier;
      return Tokens.from(() -> CompletableFuture.supplyAsync(s, scheduler), clock);
    }
    if (b.username != null) {
      String user = b.username;
      char[] password = Objects.requireNonNull(b.password);
      return Tokens.from(() -> loginAsync(user, password).thenApply(Session::token), clock);
    }
    return Tokens.none(clock);
  }

  /**
   * Starts building a client.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The server's base URI.
   *
   * @return the URI every path is resolved against
   */
  public URI baseUri() {
    return base;
  }

  // ------------------------------------------------------------------ auth

  /**
   * Logs in: {@code POST /api/auth/login}. The session's token is returned, not kept: build a
   * client with {@link Builder#token(String)} or {@link Builder#login(String, char[])} to use it.
   *
   * @param username the user
   * @param password the password
   * @return the session
   * @throws UnauthorizedException for wrong credentials
   * @throws RateLimitedException after too many failed logins
   */
  public Session login(String username, char[] password) {
    return Transport.join(loginAsync(username, password));
  }

  /**
   * As {@link #login}, without blocking.
   *
   * @param username the user
   * @param password the password
   * @return the session, or the failure {@link #login} throws
   */
  public CompletableFuture<Session> loginAsync(String username, char[] password) {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    return call("POST", "/api/auth/login", Json.login(username, password), false, OK)
        .thenApply(a -> Json.session(Json.parse(a.body())));
  }

  /**
   * Who the client's token authenticates: {@code GET /api/auth/profile}.
   *
   * @return the user
   */
  public Principal profile() {
    return Transport.join(profileAsync());
  }

  /**
   * As {@link #profile}, without blocking.
   *
   * @return the user
   */
  public CompletableFuture<Principal> profileAsync() {
    return get("/api/auth/profile").thenApply(a -> Json.principal(Json.parse(a.body())));
  }

  // ------------------------------------------------------------------ deployments

  /**
   * One page of the caller's deployments (an admin's: all), ordered by id: {@code GET
   * /api/deployments}.
   *
   * @param limit 1 to 1,000
   * @param cursor the previous page's {@link DeploymentPage#nextCursor()}, or {@code null}
   * @return the page
   */
  public DeploymentPage deployments(int limit, @Nullable String cursor) {
    return Transport.join(deploymentsAsync(limit, cursor));
  }

  /**
   * As {@link #deployments(int, String)}, without blocking.
   *
   * @param limit 1 to 1,000
   * @param cursor the previous page's cursor, or {@code null}
   * @return the page
   */
  public CompletableFuture<DeploymentPage> deploymentsAsync(int limit, @Nullable String cursor) {
    String path =
        "/api/deployments?limit=" + limit + (cursor == null ? "" : "&cursor=" + encode(cursor));
    return get(path).thenApply(a -> Json.deploymentPage(Json.parse(a.body())));
  }

  /**
   * Every deployment the caller may see, through as many pages as it takes.
   *
   * @return the deployments, ordered by id
   */
  public List<Deployment> allDeployments() {
    return Transport.join(allDeploymentsAsync());
  }

  /**
   * As {@link #allDeployments}, without blocking.
   *
   * @return the deployments
   */
  public CompletableFuture<List<Deployment>> allDeploymentsAsync() {
    return collect(new ArrayList<>(), null);
  }

  private CompletableFuture<List<Deployment>> collect(List<Deployment> into, @Nullable String c) {
    return deploymentsAsync(1_000, c)
        .thenCompose(
            page -> {
              into.addAll(page.items());
              String next = page.nextCursor();
              return next == null
                  ? CompletableFuture.completedFuture(List.copyOf(into))
                  : collect(into, next);
            });
  }

  /**
   * Creates a deployment: {@code POST /api/deployments}.
   *
   * @param spec its name, command, environment and working directory
   * @return the new deployment, status {@code created}
   * @throws BadRequestException with a field error for each invalid part
   * @throws ConflictException when the owner has as many deployments as allowed
   */
  public Deployment create(DeploymentSpec spec) {
    return Transport.join(createAsync(spec));
  }

  /**
   * As {@link #create}, without blocking.
   *
   * @param spec the deployment's definition
   * @return the new deployment
   */
  public CompletableFuture<Deployment> createAsync(DeploymentSpec spec) {
    return call("POST", "/api/deployments", Json.spec(spec), true, CREATED)
        .thenApply(this::deployment);
  }

  /**
   * One deployment: {@code GET /api/deployments/{id}}.
   *
   * @param id the deployment
   * @return it
   * @throws NotFoundException if it does not exist or is another owner's
   */
  public Deployment deployment(DeploymentId id) {
    return Transport.join(deploymentAsync(id));
  }

  /**
   * As {@link #deployment}, without blocking.
   *
   * @param id the deployment
   * @return it
   */
  public CompletableFuture<Deployment> deploymentAsync(DeploymentId id) {
    return get(path(id, "")).thenApply(this::deployment);
  }

  /**
   * Replaces a deployment's definition: {@code PUT /api/deployments/{id}}.
   *
   * @param id the deployment
   * @param spec its new definition
   * @return it, changed
   * @throws ConflictException while its process may run
   */
  public Deployment replace(DeploymentId id, DeploymentSpec spec) {
    return Transport.join(replaceAsync(id, spec));
  }

  /**
   * As {@link #replace}, without blocking.
   *
   * @param id the deployment
   * @param spec its new definition
   * @return it, changed
   */
  public CompletableFuture<Deployment> replaceAsync(DeploymentId id, DeploymentSpec spec) {
    return call("PUT", path(id, ""), Json.spec(spec), true, OK).thenApply(this::deployment);
  }

  /**
   * Deletes a deployment and its log: {@code DELETE /api/deployments/{id}}.
   *
   * @param id the deployment
   * @throws ConflictException while its process may run
   */
  public void delete(DeploymentId id) {
    Transport.join(deleteAsync(id));
  }

  /**
   * As {@link #delete}, without blocking.
   *
   * @param id the deployment
   * @return done when it is deleted
   */
  public CompletableFuture<Void> deleteAsync(DeploymentId id) {
    return call("DELETE", path(id, ""), null, true, NO_CONTENT).thenApply(a -> null);
  }

  /**
   * Starts a deployment's process: {@code POST /api/deployments/{id}/start}.
   *
   * @param id the deployment
   * @return it as the start left it ({@code starting} or already {@code running})
   * @throws ConflictException when its status does not allow a start
   */
  public Deployment start(DeploymentId id) {
    return Transport.join(startAsync(id));
  }

  /**
   * As {@link #start}, without blocking.
   *
   * @param id the deployment
   * @return it as the start left it
   */
  public CompletableFuture<Deployment> startAsync(DeploymentId id) {
    return action(id, "start");
  }

  /**
   * Stops a deployment's process: {@code POST /api/deployments/{id}/stop}.
   *
   * @param id the deployment
   * @return it as the stop left it
   * @throws ConflictException when its status does not allow a stop
   */
  public Deployment stop(DeploymentId id) {
    return Transport.join(stopAsync(id));
  }

  /**
   * As {@link #stop}, without blocking.
   *
   * @param id the deployment
   * @return it as the stop left it
   */
  public CompletableFuture<Deployment> stopAsync(DeploymentId id) {
    return action(id, "stop");
  }

  /**
   * Restarts a deployment's process: {@code POST /api/deployments/{id}/restart}.
   *
   * @param id the deployment
   * @return it as the restart left it
   * @throws ConflictException when its status does not allow a restart
   */
  public Deployment restart(DeploymentId id) {
    return Transport.join(restartAsync(id));
  }

  /**
   * As {@link #restart}, without blocking.
   *
   * @param id the deployment
   * @return it as the restart left it
   */
  public CompletableFuture<Deployment> restartAsync(DeploymentId id) {
    return action(id, "restart");
  }

  private CompletableFuture<Deployment> action(DeploymentId id, String action) {
    return call("POST", path(id, "/" + action), null, true, ACCEPTED).thenApply(this::deployment);
  }

  // ------------------------------------------------------------------ logs

  /**
   * A page of a deployment's retained log: {@code GET /api/deployments/{id}/logs}.
   *
   * @param id the deployment
   * @param query where to start, how many, and which lines
   * @return the page
   * @throws BadRequestException naming each bad parameter
   */
  public HistoryPage logs(DeploymentId id, HistoryQuery query) {
    return Transport.join(logsAsync(id, query));
  }

  /**
   * As {@link #logs}, without blocking.
   *
   * @param id the deployment
   * @param query the page to read
   * @return the page
   */
  public CompletableFuture<HistoryPage> logsAsync(DeploymentId id, HistoryQuery query) {
    StringJoiner q = new StringJoiner("&", "?", "");
    q.add("after=" + query.after()).add("limit=" + query.limit());
    SubscribeFilter f = query.filter();
    if (!f.levels().isEmpty()) {
      q.add(
          "level="
              + f.levels().stream()
                  .map(LogLevel::wireName)
                  .sorted()
                  .collect(Collectors.joining(",")));
    }
    if (!f.streams().isEmpty()) {
      q.add(
          "stream="
              + f.streams().stream()
                  .map(StreamKind::wireName)
                  .sorted()
                  .collect(Collectors.joining(",")));
    }
    if (f.q() != null) {
      q.add("q=" + encode(f.q()));
    }
    if (query.since() != null) {
      q.add("since=" + encode(WireTime.format(query.since())));
    }
    return get(path(id, "/logs") + q).thenApply(a -> Json.historyPage(Json.parse(a.body())));
  }

  /**
   * Appends lines to a deployment's log as one contiguous run of seqs: {@code POST
   * /api/deployments/{id}/logs}, with a new random {@code Idempotency-Key}. Because of the key, the
   * call is retried like a {@code PUT}: after a broken-off connection, a 503 or a 507, the same
   * lines go again with the same key, and the server stores them once and answers with the seqs
   * they first took.
   *
   * @param id the deployment
   * @param lines 1 to 1,000 lines; a line without a timestamp gets the time of arrival
   * @return the seqs they got
   * @throws PayloadTooLargeException for more lines or bytes than one request may hold
   * @throws RateLimitedException when the caller's ingest budget is spent for longer than the
   *     client waits
   */
  public AppendResult ingest(DeploymentId id, List<LogEntry> lines) {
    return Transport.join(ingestAsync(id, lines));
  }

  /**
   * As {@link #ingest(DeploymentId, List)}, with the caller's idempotency key: to send the same
   * lines again after this client gave up, or from another process, and have them stored once.
   *
   * @param id the deployment
   * @param lines 1 to 1,000 lines
   * @param idempotencyKey 1 to 255 visible ASCII characters, new for each batch of lines
   * @return the seqs they got, now or when the key was first used; {@link AppendResult#replayed()}
   *     says which
   * @throws IllegalArgumentException if the key is malformed (nothing is sent)
   * @throws UnprocessableContentException if the key was used before for other lines
   */
  public AppendResult ingest(DeploymentId id, List<LogEntry> lines, String idempotencyKey) {
    return Transport.join(ingestAsync(id, lines, idempotencyKey));
  }

  /**
   * As {@link #ingest(DeploymentId, List)}, without blocking.
   *
   * @param id the deployment
   * @param lines the lines
   * @return the seqs they got
   */
  public CompletableFuture<AppendResult> ingestAsync(DeploymentId id, List<LogEntry> lines) {
    return ingestAsync(id, lines, UUID.randomUUID().toString());
  }

  /**
   * As {@link #ingest(DeploymentId, List, String)}, without blocking.
   *
   * @param id the deployment
   * @param lines the lines
   * @param idempotencyKey the key
   * @return the seqs they got
   * @throws IllegalArgumentException if the key is malformed (nothing is sent)
   */
  public CompletableFuture<AppendResult> ingestAsync(
      DeploymentId id, List<LogEntry> lines, String idempotencyKey) {
    IdempotencyKeys.check(Objects.requireNonNull(idempotencyKey, "idempotencyKey"));
    return call(
            "POST",
            path(id, "/logs"),
            Json.ingest(lines),
            true,
            ACCEPTED,
            Map.of(Transport.IDEMPOTENCY_KEY, idempotencyKey))
        .thenApply(
            a ->
                Json.appendResult(
                    Json.parse(a.body()),
                    a.headers()
                        .firstValue("Idempotent-Replayed")
                        .map("true"::equalsIgnoreCase)
                        .orElse(false)));
  }

  // ------------------------------------------------------------------ following

  /**
   * Follows a deployment's log over WebSocket until closed: {@code listener} gets its lines, each
   * once and in order across every reconnect, gaps and resets as they are, status changes and the
   * connection's state. The follow reconnects on every drop (a network error, a server going away,
   * a slow-consumer close, a heartbeat timeout, an administrator's disconnect) with the {@link
   * Builder#reconnect(Backoff) reconnect backoff}, and resumes after the last position it
   * delivered. It refreshes the token before it expires when the client has a token source. It
   * ends, with a {@link ConnectionState.Closed} state, when closed, when the deployment is deleted
   * or not readable, when the token is refused and no other can be had, or when the backoff gives
   * up.
   *
   * @param id the deployment
   * @param options where to start and which lines
   * @param listener what to tell; called on the client's WebSocket thread, one call at a time
   * @return the running follow
   */
  public LogFollow follow(DeploymentId id, FollowOptions options, FollowListener listener) {
    Follower f = follower(id, options, new ListenerSink(Objects.requireNonNull(listener)));
    f.start();
    return f;
  }

  /**
   * A follow as a {@link Flow.Publisher} with real demand: no more events are delivered than the
   * subscriber requested, and the client holds at most one received frame; a subscriber that
   * requests slowly makes the follow fall behind on the server, which serves it larger batches and
   * at worst closes it (4008) to be resumed, never a buffer in the client that grows. The follow
   * starts when a subscriber subscribes (one per publisher), completes when the deployment is
   * deleted or the subscription cancelled, and fails with a {@link ClientException} when it ends
   * otherwise.
   *
   * @param id the deployment
   * @param options where to start and which lines
   * @return a publisher of the follow's events
   */
  public Flow.Publisher<FollowEvent> publisher(DeploymentId id, FollowOptions options) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(options, "options");
    return new FollowPublisher(sink -> follower(id, options, sink));
  }

  private Follower follower(DeploymentId id, FollowOptions options, Sink sink) {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(options, "options");
    if (closed.get()) {
      throw new ClientException("the client is closed");
    }
    Follower[] self = new Follower[1];
    Follower f =
        new Follower(
            http,
            webSocketUri(),
            tokens,
            id,
            options,
            sink,
            reconnect,
            heartbeat,
            connectTimeout,
            scheduler,
            random,
            clock,
            () -> follows.remove(self[0]));
    self[0] = f;
    follows.add(f);
    return f;
  }

  private URI webSocketUri() {
    String scheme = "https".equalsIgnoreCase(base.getScheme()) ? "wss" : "ws";
    return URI.create(scheme + base.toString().substring(base.getScheme().length())).resolve("ws");
  }

  // ------------------------------------------------------------------ operations

  /**
   * The broadcaster's totals (admin): {@code GET /api/ws/stats}.
   *
   * @return the stats
   * @throws ForbiddenException for a caller without role {@code admin}
   */
  public DeliveryStats broadcasterStats() {
    return Transport.join(broadcasterStatsAsync());
  }

  /**
   * As {@link #broadcasterStats}, without blocking.
   *
   * @return the stats
   */
  public CompletableFuture<DeliveryStats> broadcasterStatsAsync() {
    return get("/api/ws/stats").thenApply(a -> Json.stats(Json.parse(a.body())));
  }

  /**
   * The open WebSocket connections (admin): {@code GET /api/ws/connections}.
   *
   * @return the connections
   * @throws ForbiddenException for a caller without role {@code admin}
   */
  public List<ConnectionInfo> connections() {
    return Transport.join(connectionsAsync());
  }

  /**
   * As {@link #connections}, without blocking.
   *
   * @return the connections
   */
  public CompletableFuture<List<ConnectionInfo>> connectionsAsync() {
    return get("/api/ws/connections").thenApply(a -> Json.connections(Json.parse(a.body())));
  }

  /**
   * Closes a WebSocket connection with 1008 (admin): {@code DELETE /api/ws/connections/{id}}. Its
   * client is expected to reconnect and resume, as this client's follows do.
   *
   * @param connectionId the connection's id
   * @throws NotFoundException if no such connection is open
   */
  public void disconnect(String connectionId) {
    Transport.join(disconnectAsync(connectionId));
  }

  /**
   * As {@link #disconnect}, without blocking.
   *
   * @param connectionId the connection's id
   * @return done when it is closed
   */
  public CompletableFuture<Void> disconnectAsync(String connectionId) {
    return call("DELETE", "/api/ws/connections/" + encode(connectionId), null, true, NO_CONTENT)
        .thenApply(a -> null);
  }

  /**
   * The server's health: {@code GET /health}. A {@code DOWN} answer (503) is returned, not thrown.
   *
   * @return the health
   */
  public Health health() {
    return Transport.join(healthAsync("/health"));
  }

  /**
   * Whether the server is alive: {@code GET /health/live}.
   *
   * @return the health
   */
  public Health liveness() {
    return Transport.join(healthAsync("/health/live"));
  }

  /**
   * Whether the server takes traffic: {@code GET /health/ready}.
   *
   * @return the health
   */
  public Health readiness() {
    return Transport.join(healthAsync("/health/ready"));
  }

  /**
   * As {@link #health}, {@link #liveness} or {@link #readiness}, without blocking.
   *
   * @param path {@code /health}, {@code /health/live} or {@code /health/ready}
   * @return the health
   * @throws IllegalArgumentException for another path
   */
  public CompletableFuture<Health> healthAsync(String path) {
    if (!Set.of("/health", "/health/live", "/health/ready").contains(path)) {
      throw new IllegalArgumentException("not a health path: " + path);
    }
    return call("GET", path, null, false, HEALTH).thenApply(a -> Json.health(Json.parse(a.body())));
  }

  /**
   * The Prometheus exposition: {@code GET /metrics}.
   *
   * @return the text
   */
  public String metrics() {
    return Transport.join(metricsAsync());
  }

  /**
   * As {@link #metrics}, without blocking.
   *
   * @return the text
   */
  public CompletableFuture<String> metricsAsync() {
    return call("GET", "/metrics", null, false, OK)
        .thenApply(a -> new String(a.body(), StandardCharsets.UTF_8));
  }

  /** Ends every follow and stops the scheduler the client made; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (Follower f : List.copyOf(follows)) {
      f.close();
    }
    if (ownScheduler) {
      scheduler.shutdownNow();
    }
  }

  // ------------------------------------------------------------------ internals

  private CompletableFuture<Transport.Answer> get(String path) {
    return call("GET", path, null, true, OK);
  }

  private CompletableFuture<Transport.Answer> call(
      String method, String path, byte @Nullable [] body, boolean auth, Set<Integer> ok) {
    return call(method, path, body, auth, ok, Map.of());
  }

  private CompletableFuture<Transport.Answer> call(
      String method,
      String path,
      byte @Nullable [] body,
      boolean auth,
      Set<Integer> ok,
      Map<String, String> headers) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(new ClientException("the client is closed"));
    }
    return transport.send(
        new Transport.Call(method, path.substring(1), body, auth, ok, headers), a -> a);
  }

  private Deployment deployment(Transport.Answer a) {
    return Json.deployment(Json.parse(a.body()));
  }

  private static String path(DeploymentId id, String rest) {
    return "/api/deployments/" + encode(id.value()) + rest;
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static URI withSlash(URI u) {
    String s = u.toString();
    return s.endsWith("/") ? u : URI.create(s + "/");
  }

  /**
   * Builds a {@link CodeRunnerClient}. Not thread-safe. Only {@link #baseUri(URI)} is required; at
   * most one of {@link #token}, {@link #tokenSupplier} and {@link #login} may be set.
   */
  public static final class Builder {
    private @Nullable URI baseUri;
    private @Nullable String token;
    private @Nullable Supplier<String> tokenSupplier;
    private @Nullable String username;
    private char @Nullable [] password;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(30);
    private @Nullable HttpClient httpClient;
    private Clock clock = Clock.systemUTC();
    private @Nullable ScheduledExecutorService scheduler;
    private RandomGenerator random = new java.util.SplittableRandom();
    private Backoff retry = Backoff.retryDefault();
    private Backoff reconnect = Backoff.reconnectDefault();
    private Duration maxRetryAfter = Duration.ofSeconds(10);
    private Duration heartbeat = Duration.ofSeconds(15);

    private Builder() {}

    /**
     * Sets the server, such as {@code http://127.0.0.1:8080}; a path prefix is kept.
     *
     * @param uri an {@code http} or {@code https} URI
     * @return this builder
     * @throws IllegalArgumentException for another scheme, or no host
     */
    public Builder baseUri(URI uri) {
      Objects.requireNonNull(uri, "uri");
      if (!"http".equalsIgnoreCase(uri.getScheme()) && !"https".equalsIgnoreCase(uri.getScheme())) {
        throw new IllegalArgumentException("the base URI must be http or https, was " + uri);
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException("the base URI has no host: " + uri);
      }
      this.baseUri = uri;
      return this;
    }

    /**
     * Sets a fixed token: when the server refuses it, calls fail with {@link UnauthorizedException}
     * and follows end.
     *
     * @param bearer the JWT
     * @return this builder
     */
    public Builder token(String bearer) {
      this.token = Objects.requireNonNull(bearer, "token");
      return this;
    }

    /**
     * Sets where tokens come from: asked for the first one, again a fifth of a token's lifetime (at
     * most a minute) before its {@code exp}, and after the server refused one. Called on the
     * client's scheduler thread; it may block briefly. A follow swaps the fresh token in with a
     * {@code refresh} frame, without reconnecting.
     *
     * @param supplier gives a current token
     * @return this builder
     */
    public Builder tokenSupplier(Supplier<String> supplier) {
      this.tokenSupplier = Objects.requireNonNull(supplier, "supplier");
      return this;
    }

    /**
     * Logs in with these credentials when a token is needed, and again before it expires or after
     * it is refused. The password array is kept (not copied) until the client is closed.
     *
     * @param user the username
     * @param secret the password
     * @return this builder
     */
    public Builder login(String user, char[] secret) {
      this.username = Objects.requireNonNull(user, "user");
      this.password = Objects.requireNonNull(secret, "secret");
      return this;
    }

    /**
     * Sets how long opening a connection may take (HTTP and WebSocket); default 5 s. With {@link
     * #httpClient}, HTTP uses that client's own setting.
     *
     * @param timeout more than 0
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets how long one REST request may take until its answer's headers; default 30 s.
     *
     * @param timeout more than 0
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "requestTimeout");
      return this;
    }

    /**
     * Reuses an {@link HttpClient} (its pool, executor, TLS and proxy settings) for REST calls and
     * follows; the caller keeps it. Redirects should stay off: a redirect drops the token.
     *
     * @param client the client
     * @return this builder
     */
    public Builder httpClient(HttpClient client) {
      this.httpClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * Sets the clock for token expiry and heartbeat silence; default the UTC system clock.
     *
     * @param c the clock
     * @return this builder
     */
    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /**
     * Sets where waits run (retries, reconnects, heartbeats, token refresh); default a daemon
     * thread of the client's, stopped by {@link #close()}. A given one is the caller's to stop.
     *
     * @param s the scheduler
     * @return this builder
     */
    public Builder scheduler(ScheduledExecutorService s) {
      this.scheduler = Objects.requireNonNull(s, "scheduler");
      return this;
    }

    /**
     * Sets the source of the backoff's jitter; default a {@link java.util.SplittableRandom}.
     *
     * @param r the random source
     * @return this builder
     */
    public Builder random(RandomGenerator r) {
      this.random = Objects.requireNonNull(r, "random");
      return this;
    }

    /**
     * Sets how REST calls are retried; default {@link Backoff#retryDefault()}. Its {@code
     * maxAttempts} counts every attempt, the first included.
     *
     * @param backoff the backoff
     * @return this builder
     */
    public Builder retry(Backoff backoff) {
      this.retry = Objects.requireNonNull(backoff, "retry");
      return this;
    }

    /**
     * Sets the longest {@code Retry-After} a 429 or 503 is waited out for before a retry; a longer
     * one fails the call at once with it. Default 10 s.
     *
     * @param wait 0 or more; 0 never waits
     * @return this builder
     */
    public Builder maxRetryAfter(Duration wait) {
      Objects.requireNonNull(wait, "maxRetryAfter");
      if (wait.isNegative()) {
        throw new IllegalArgumentException("maxRetryAfter must not be negative, was " + wait);
      }
      this.maxRetryAfter = wait;
      return this;
    }

    /**
     * Sets how follows reconnect; default {@link Backoff#reconnectDefault()}. Its {@code
     * maxAttempts} counts reconnects in a row that did not get back to live.
     *
     * @param backoff the backoff
     * @return this builder
     */
    public Builder reconnect(Backoff backoff) {
      this.reconnect = Objects.requireNonNull(backoff, "reconnect");
      return this;
    }

    /**
     * Sets a follow's heartbeat: after this long without a frame while it waits for one, it sends a
     * {@code ping}; after as long again without any answer, it drops the connection and reconnects.
     * Default 15 s. Time the client spends not reading (a slow subscriber) does not count.
     *
     * @param interval 10 ms to 10 min
     * @return this builder
     */
    public Builder heartbeat(Duration interval) {
      positive(interval, "heartbeat");
      if (interval.toMillis() < 10 || interval.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("heartbeat must be 10 ms to 10 min, was " + interval);
      }
      this.heartbeat = interval;
      return this;
    }

    /**
     * Builds the client.
     *
     * @return a new client
     * @throws IllegalStateException without a base URI, or with more than one token source
     */
    public CodeRunnerClient build() {
      if (baseUri == null) {
        throw new IllegalStateException("a base URI is required");
      }
      int sources =
          (token != null ? 1 : 0) + (tokenSupplier != null ? 1 : 0) + (username != null ? 1 : 0);
      if (sources > 1) {
        throw new IllegalStateException(
            "set one of token, tokenSupplier and login, not " + sources);
      }
      return new CodeRunnerClient(this);
    }

    private static Duration positive(Duration d, String name) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be positive, was " + d);
      }
      return d;
    }
  }
}
