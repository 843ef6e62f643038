package io.coderunner.server;

import io.coderunner.core.Ranges;
import io.coderunner.core.auth.JwtConfig;
import io.coderunner.core.deploy.DeploymentLimits;
import io.coderunner.core.deploy.DeploymentService;
import io.coderunner.core.deploy.LocalRunnerConfig;
import io.coderunner.core.follow.FollowConfig;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.metrics.health.HealthConfig;
import io.coderunner.server.internal.AddressRange;
import io.coderunner.storage.FsyncPolicy;
import io.coderunner.storage.StorageConfig;
import io.coderunner.websocket.WebSocketConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link CodeRunnerServer}. Immutable; build one with {@link #builder()}, derive with
 * {@link #toBuilder()}. Each setter rejects a bad value at once, naming it. The settings table in
 * {@code docs/configuration.md} gives each one's config-file key, environment variable and flag.
 */
public final class ServerConfig {
  /** Smallest accepted JWT secret, in bytes (HS256 needs 256 bits). */
  public static final int MIN_SECRET_BYTES = 32;

  private final byte @Nullable [] jwtSecret;
  private final List<UserAccount> users;
  private final String host;
  private final int port;
  private final boolean demo;
  private final @Nullable Path dataDir;
  private final FsyncPolicy storageFsync;
  private final Duration storageBatchInterval;
  private final DeploymentService.OnRestart deploymentsOnRestart;
  private final Set<String> corsOrigins;
  private final Duration shutdownTimeout;
  private final int maxBodyBytes;
  private final Duration requestHeaderTimeout;
  private final Duration requestBodyTimeout;
  private final Duration idleTimeout;
  private final int maxConnectionsPerAddress;
  private final Set<String> trustedProxies;
  private final int apiRequestsPerMinute;
  private final int loginFailuresPerMinutePerUserAndAddress;
  private final int loginFailuresPerMinutePerAddress;
  private final int loginFailuresPerMinutePerUser;
  private final int maxConcurrentPasswordChecks;
  private final Duration tokenTtl;
  private final String jwtIssuer;
  private final String jwtAudience;
  private final Duration jwtLeeway;
  private final int jwtMaxTokenLength;
  private final int ingestRequestsPerSecond;
  private final int ingestLinesPerSecond;
  private final long ingestBytesPerSecond;
  private final Duration sseHeartbeat;
  private final int sseMaxStreams;
  private final int sseMaxStreamsPerPrincipal;
  private final RetentionConfig retention;
  private final FollowConfig follow;
  private final WebSocketConfig websocket;
  private final LocalRunnerConfig runner;
  private final DeploymentLimits deploymentLimits;
  private final HealthConfig health;

  private ServerConfig(Builder b) {
    byte[] secret = b.jwtSecret;
    this.jwtSecret = secret == null ? null : secret.clone();
    this.users = List.copyOf(b.users);
    this.host = b.host;
    this.port = b.port;
    this.demo = b.demo;
    this.dataDir = b.dataDir;
    this.storageFsync = b.storageFsync;
    this.storageBatchInterval = b.storageBatchInterval;
    this.deploymentsOnRestart = b.deploymentsOnRestart;
    this.corsOrigins = Set.copyOf(b.corsOrigins);
    this.shutdownTimeout = b.shutdownTimeout;
    this.maxBodyBytes = b.maxBodyBytes;
    this.requestHeaderTimeout = b.requestHeaderTimeout;
    this.requestBodyTimeout = b.requestBodyTimeout;
    this.idleTimeout = b.idleTimeout;
    this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
    this.trustedProxies = Set.copyOf(b.trustedProxies);
    this.apiRequestsPerMinute = b.apiRequestsPerMinute;
    this.loginFailuresPerMinutePerUserAndAddress = b.loginFailuresPerMinutePerUserAndAddress;
    this.loginFailuresPerMinutePerAddress = b.loginFailuresPerMinutePerAddress;
    this.loginFailuresPerMinutePerUser = b.loginFailuresPerMinutePerUser;
    this.maxConcurrentPasswordChecks = b.maxConcurrentPasswordChecks;
    this.tokenTtl = b.tokenTtl;
    this.jwtIssuer = b.jwtIssuer;
    this.jwtAudience = b.jwtAudience;
    this.jwtLeeway = b.jwtLeeway;
    this.jwtMaxTokenLength = b.jwtMaxTokenLength;
    this.ingestRequestsPerSecond = b.ingestRequestsPerSecond;
    this.ingestLinesPerSecond = b.ingestLinesPerSecond;
    this.ingestBytesPerSecond = b.ingestBytesPerSecond;
    this.sseHeartbeat = b.sseHeartbeat;
    this.sseMaxStreams = b.sseMaxStreams;
    this.sseMaxStreamsPerPrincipal = b.sseMaxStreamsPerPrincipal;
    this.retention = b.retention;
    this.follow = b.follow;
    this.websocket = b.websocket;
    this.runner = b.runner;
    this.deploymentLimits = b.deploymentLimits;
    this.health = b.health;
  }

  /**
   * Starts settings from the defaults.
   *
   * @return a new builder holding the default settings
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts settings from these, to change some and keep the rest.
   *
   * @return a new builder holding these settings
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The HS256 secret that signs tokens (a copy), or {@code null} when none is configured.
   *
   * @return a copy of the secret, at least {@value #MIN_SECRET_BYTES} bytes, or {@code null} (the
   *     default); outside the demo the server needs one
   */
  public byte @Nullable [] jwtSecret() {
    byte[] s = jwtSecret;
    return s == null ? null : s.clone();
  }

  /**
   * Users who may log in.
   *
   * @return the users, unmodifiable, their usernames (ignoring case) and ids unique; empty by
   *     default, and outside the demo the server needs at least one
   */
  public List<UserAccount> users() {
    return users;
  }

  /**
   * Address to listen on. Default {@code 127.0.0.1}.
   *
   * @return an IP address or host name; {@code 0.0.0.0} listens on every interface
   */
  public String host() {
    return host;
  }

  /**
   * Port to listen on; 0 picks a free one. Default 8080.
   *
   * @return the port, 0 to 65,535
   */
  public int port() {
    return port;
  }

  /**
   * Whether the server runs the demo: demo users, a generated secret, a logging deployment.
   *
   * @return whether to run the demo; {@code false} by default
   */
  public boolean demo() {
    return demo;
  }

  /**
   * Where deployments and their logs are kept ({@code coderunner-storage}), or {@code null} to keep
   * them in memory. The builder's default is {@code null}; the runnable jar's is {@code ./data}
   * outside the demo.
   *
   * @return the data directory, or {@code null}
   */
  public @Nullable Path dataDir() {
    return dataDir;
  }

  /**
   * When an acknowledged log append is on the disk. Default {@link FsyncPolicy#BATCH}.
   *
   * @return the policy
   */
  public FsyncPolicy storageFsync() {
    return storageFsync;
  }

  /**
   * Under {@code batch} and {@code none}, the longest an acknowledged line waits to be written.
   * Default 100 ms.
   *
   * @return the interval, 1 ms to 10 s
   */
  public Duration storageBatchInterval() {
    return storageBatchInterval;
  }

  /**
   * What a start does with a deployment that was active when the server stopped: mark it failed
   * (the default) or start it again.
   *
   * @return the choice
   */
  public DeploymentService.OnRestart deploymentsOnRestart() {
    return deploymentsOnRestart;
  }

  /**
   * The durable storage's settings, when there is a {@link #dataDir()}.
   *
   * @return the storage config, or {@code null} when the stores are in memory
   */
  public @Nullable StorageConfig storage() {
    Path dir = dataDir;
    return dir == null ? null : new StorageConfig(dir, storageFsync, storageBatchInterval);
  }

  /**
   * Browser origins allowed to call the API and open {@code /ws}, besides the server's own.
   *
   * @return the origins, each {@code scheme://host[:port]} in lower case, unmodifiable; empty by
   *     default
   */
  public Set<String> corsOrigins() {
    return corsOrigins;
  }

  /**
   * How long shutdown waits for in-flight requests and connections. Default 10 s.
   *
   * @return the timeout, 0 to 10 min
   */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /**
   * Largest request body accepted, in bytes; a larger one gets 413. Default 1 MiB.
   *
   * @return the limit in bytes, 1 KiB to 64 MiB
   */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * How long a request's headers may take to arrive; headers that stop arriving close the
   * connection. Default 10 s.
   *
   * @return the timeout, 100 ms to 1 h
   */
  public Duration requestHeaderTimeout() {
    return requestHeaderTimeout;
  }

  /**
   * How long a request's body may take to arrive; a body that stops arriving gets 408. Default 10
   * s.
   *
   * @return the timeout, 100 ms to 1 h
   */
  public Duration requestBodyTimeout() {
    return requestBodyTimeout;
  }

  /**
   * How long a keep-alive connection may sit idle between requests. Default 60 s.
   *
   * @return the timeout, 100 ms to 1 h
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * Open connections allowed per client address (requests in flight, for clients behind a trusted
   * proxy); one more is closed at once (or answered 429). Default 256.
   *
   * @return the limit, 1 to 1,000,000
   */
  public int maxConnectionsPerAddress() {
    return maxConnectionsPerAddress;
  }

  /**
   * Addresses or CIDR ranges of proxies whose {@code Forwarded} or {@code X-Forwarded-For} header
   * names the client. Default none: the client is the socket's peer.
   *
   * @return the proxies, each an IP address or a CIDR range in canonical form, unmodifiable
   */
  public Set<String> trustedProxies() {
    return trustedProxies;
  }

  /**
   * Control-API requests per minute allowed per principal (ingest has its own budget). Default
   * 1,200.
   *
   * @return requests per minute, 1 to 10,000,000
   */
  public int apiRequestsPerMinute() {
    return apiRequestsPerMinute;
  }

  /**
   * Failed logins per minute allowed per username from one client address. Default 10.
   *
   * @return failures per minute, 1 to 100,000
   */
  public int loginFailuresPerMinutePerUserAndAddress() {
    return loginFailuresPerMinutePerUserAndAddress;
  }

  /**
   * Failed logins per minute allowed per client address, whatever the username. Default 30.
   *
   * @return failures per minute, 1 to 100,000
   */
  public int loginFailuresPerMinutePerAddress() {
    return loginFailuresPerMinutePerAddress;
  }

  /**
   * Failed logins per minute per username from all addresses together. Past it, only an address
   * with no recent failure for that username may still try, once. Default 100.
   *
   * @return failures per minute, 1 to 1,000,000
   */
  public int loginFailuresPerMinutePerUser() {
    return loginFailuresPerMinutePerUser;
  }

  /**
   * Password checks running at once; one more login gets 503. Default: the number of cores.
   *
   * @return the limit, 1 to 1,024
   */
  public int maxConcurrentPasswordChecks() {
    return maxConcurrentPasswordChecks;
  }

  /**
   * Lifetime of issued tokens. Default 1 h.
   *
   * @return the lifetime, 1 s to 30 days
   */
  public Duration tokenTtl() {
    return tokenTtl;
  }

  /**
   * The {@code iss} of issued tokens, required of presented ones. Default {@code coderunner}.
   *
   * @return the issuer, 1 to 256 characters, not blank
   */
  public String jwtIssuer() {
    return jwtIssuer;
  }

  /**
   * The {@code aud} of issued tokens, required of presented ones. Default {@code coderunner}.
   *
   * @return the audience, 1 to 256 characters, not blank
   */
  public String jwtAudience() {
    return jwtAudience;
  }

  /**
   * Clock skew allowed when checking a token's times. Default 30 s.
   *
   * @return the leeway, 0 to 5 min
   */
  public Duration jwtLeeway() {
    return jwtLeeway;
  }

  /**
   * Longest token accepted, in characters. Default 8,192.
   *
   * @return the limit in characters, 256 to 1,048,576
   */
  public int jwtMaxTokenLength() {
    return jwtMaxTokenLength;
  }

  /**
   * Ingest requests ({@code POST …/logs}) per second per principal, with a burst of one second's
   * worth. Default 2,000.
   *
   * @return requests per second, 1 to 1,000,000
   */
  public int ingestRequestsPerSecond() {
    return ingestRequestsPerSecond;
  }

  /**
   * Ingested lines per second per principal, with a burst of one second's worth. Default 50,000.
   *
   * @return lines per second, 1 to 100,000,000
   */
  public int ingestLinesPerSecond() {
    return ingestLinesPerSecond;
  }

  /**
   * Ingest request-body bytes per second per principal, with a burst of one second's worth. Default
   * 32 MiB.
   *
   * @return bytes per second, 1 KiB to 1 TiB
   */
  public long ingestBytesPerSecond() {
    return ingestBytesPerSecond;
  }

  /**
   * Interval of the {@code : ping} comment on idle event streams. Default 15 s.
   *
   * @return the interval, 10 ms to 10 min
   */
  public Duration sseHeartbeat() {
    return sseHeartbeat;
  }

  /**
   * Most open event streams in all; one more gets 429. Default 10,000.
   *
   * @return the limit, 1 to 1,000,000
   */
  public int sseMaxStreams() {
    return sseMaxStreams;
  }

  /**
   * Most open event streams of one principal; one more gets 429. Default 100.
   *
   * @return the limit, 1 to 1,000,000
   */
  public int sseMaxStreamsPerPrincipal() {
    return sseMaxStreamsPerPrincipal;
  }

  /**
   * Retention of each deployment's log. Default {@link RetentionConfig#defaults()}.
   *
   * @return the retention settings
   */
  public RetentionConfig retention() {
    return retention;
  }

  /**
   * How WebSocket subscriptions and event streams follow a log: batches, the work of one turn, lag
   * bounds. Default {@link FollowConfig#defaults()}.
   *
   * @return the follow settings
   */
  public FollowConfig follow() {
    return follow;
  }

  /**
   * The WebSocket broadcaster's limits and heartbeat. Its {@code follow} and {@code allowedOrigins}
   * are not used: the server sets them from {@link #follow()} and {@link #corsOrigins()} with its
   * own origin. Default {@link WebSocketConfig#defaults()}.
   *
   * @return the broadcaster's settings, before the server sets their follow policy and origins
   */
  public WebSocketConfig websocket() {
    return websocket;
  }

  /**
   * The local process runner: allowed commands, stop grace, environment. Default {@link
   * LocalRunnerConfig#defaults()}: no command allowed.
   *
   * @return the local runner's settings
   */
  public LocalRunnerConfig runner() {
    return runner;
  }

  /**
   * Deployments and processes per owner and in all, and spec sizes. Default {@link
   * DeploymentLimits#defaults()}.
   *
   * @return the limits
   */
  public DeploymentLimits deploymentLimits() {
    return deploymentLimits;
  }

  /**
   * Timeouts, breakers and caching of the health checks. Default {@link HealthConfig#defaults()}.
   *
   * @return the health check settings
   */
  public HealthConfig health() {
    return health;
  }

  @Override
  public String toString() {
    return "ServerConfig{host="
        + host
        + ", port="
        + port
        + ", jwtSecret="
        + (jwtSecret == null ? "none" : "set")
        + ", users="
        + users
        + ", corsOrigins="
        + corsOrigins
        + ", demo="
        + demo
        + ", dataDir="
        + dataDir
        + '}';
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ServerConfig c
        && Arrays.equals(jwtSecret, c.jwtSecret)
        && users.equals(c.users)
        && host.equals(c.host)
        && port == c.port
        && demo == c.demo
        && Objects.equals(dataDir, c.dataDir)
        && storageFsync == c.storageFsync
        && storageBatchInterval.equals(c.storageBatchInterval)
        && deploymentsOnRestart == c.deploymentsOnRestart
        && corsOrigins.equals(c.corsOrigins)
        && shutdownTimeout.equals(c.shutdownTimeout)
        && maxBodyBytes == c.maxBodyBytes
        && requestHeaderTimeout.equals(c.requestHeaderTimeout)
        && requestBodyTimeout.equals(c.requestBodyTimeout)
        && idleTimeout.equals(c.idleTimeout)
        && maxConnectionsPerAddress == c.maxConnectionsPerAddress
        && trustedProxies.equals(c.trustedProxies)
        && apiRequestsPerMinute == c.apiRequestsPerMinute
        && loginFailuresPerMinutePerUserAndAddress == c.loginFailuresPerMinutePerUserAndAddress
        && loginFailuresPerMinutePerAddress == c.loginFailuresPerMinutePerAddress
        && loginFailuresPerMinutePerUser == c.loginFailuresPerMinutePerUser
        && maxConcurrentPasswordChecks == c.maxConcurrentPasswordChecks
        && tokenTtl.equals(c.tokenTtl)
        && jwtIssuer.equals(c.jwtIssuer)
        && jwtAudience.equals(c.jwtAudience)
        && jwtLeeway.equals(c.jwtLeeway)
        && jwtMaxTokenLength == c.jwtMaxTokenLength
        && ingestRequestsPerSecond == c.ingestRequestsPerSecond
        && ingestLinesPerSecond == c.ingestLinesPerSecond
        && ingestBytesPerSecond == c.ingestBytesPerSecond
        && sseHeartbeat.equals(c.sseHeartbeat)
        && sseMaxStreams == c.sseMaxStreams
        && sseMaxStreamsPerPrincipal == c.sseMaxStreamsPerPrincipal
        && retention.equals(c.retention)
        && follow.equals(c.follow)
        && websocket.equals(c.websocket)
        && runner.equals(c.runner)
        && deploymentLimits.equals(c.deploymentLimits)
        && health.equals(c.health);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port, Arrays.hashCode(jwtSecret), users, demo);
  }

  /** Builds a {@link ServerConfig}. Not thread-safe. */
  public static final class Builder {
    private byte @Nullable [] jwtSecret;
    private List<UserAccount> users = new ArrayList<>();
    private String host = "127.0.0.1";
    private int port = 8080;
    private boolean demo = false;
    private @Nullable Path dataDir;
    private FsyncPolicy storageFsync = FsyncPolicy.BATCH;
    private Duration storageBatchInterval = StorageConfig.DEFAULT_BATCH_INTERVAL;
    private DeploymentService.OnRestart deploymentsOnRestart =
        DeploymentService.OnRestart.MARK_FAILED;
    private Set<String> corsOrigins = new LinkedHashSet<>();
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private int maxBodyBytes = 1 << 20;
    private Duration requestHeaderTimeout = Duration.ofSeconds(10);
    private Duration requestBodyTimeout = Duration.ofSeconds(10);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private int maxConnectionsPerAddress = 256;
    private Set<String> trustedProxies = new LinkedHashSet<>();
    private int apiRequestsPerMinute = 1200;
    private int loginFailuresPerMinutePerUserAndAddress = 10;
    private int loginFailuresPerMinutePerAddress = 30;
    private int loginFailuresPerMinutePerUser = 100;
    private int maxConcurrentPasswordChecks = Runtime.getRuntime().availableProcessors();
    private Duration tokenTtl = JwtConfig.DEFAULT_TOKEN_TTL;
    private String jwtIssuer = JwtConfig.DEFAULT_ISSUER;
    private String jwtAudience = JwtConfig.DEFAULT_AUDIENCE;
    private Duration jwtLeeway = JwtConfig.DEFAULT_LEEWAY;
    private int jwtMaxTokenLength = JwtConfig.DEFAULT_MAX_TOKEN_LENGTH;
    private int ingestRequestsPerSecond = 2000;
    private int ingestLinesPerSecond = 50_000;
    private long ingestBytesPerSecond = 32L << 20;
    private Duration sseHeartbeat = Duration.ofSeconds(15);
    private int sseMaxStreams = 10_000;
    private int sseMaxStreamsPerPrincipal = 100;
    private RetentionConfig retention = RetentionConfig.defaults();
    private FollowConfig follow = FollowConfig.defaults();
    private WebSocketConfig websocket = WebSocketConfig.defaults();
    private LocalRunnerConfig runner = LocalRunnerConfig.defaults();
    private DeploymentLimits deploymentLimits = DeploymentLimits.defaults();
    private HealthConfig health = HealthConfig.defaults();

    private Builder() {}

    private Builder(ServerConfig c) {
      jwtSecret = c.jwtSecret;
      users = new ArrayList<>(c.users);
      host = c.host;
      port = c.port;
      demo = c.demo;
      dataDir = c.dataDir;
      storageFsync = c.storageFsync;
      storageBatchInterval = c.storageBatchInterval;
      deploymentsOnRestart = c.deploymentsOnRestart;
      corsOrigins = new LinkedHashSet<>(c.corsOrigins);
      shutdownTimeout = c.shutdownTimeout;
      maxBodyBytes = c.maxBodyBytes;
      requestHeaderTimeout = c.requestHeaderTimeout;
      requestBodyTimeout = c.requestBodyTimeout;
      idleTimeout = c.idleTimeout;
      maxConnectionsPerAddress = c.maxConnectionsPerAddress;
      trustedProxies = new LinkedHashSet<>(c.trustedProxies);
      apiRequestsPerMinute = c.apiRequestsPerMinute;
      loginFailuresPerMinutePerUserAndAddress = c.loginFailuresPerMinutePerUserAndAddress;
      loginFailuresPerMinutePerAddress = c.loginFailuresPerMinutePerAddress;
      loginFailuresPerMinutePerUser = c.loginFailuresPerMinutePerUser;
      maxConcurrentPasswordChecks = c.maxConcurrentPasswordChecks;
      tokenTtl = c.tokenTtl;
      jwtIssuer = c.jwtIssuer;
      jwtAudience = c.jwtAudience;
      jwtLeeway = c.jwtLeeway;
      jwtMaxTokenLength = c.jwtMaxTokenLength;
      ingestRequestsPerSecond = c.ingestRequestsPerSecond;
      ingestLinesPerSecond = c.ingestLinesPerSecond;
      ingestBytesPerSecond = c.ingestBytesPerSecond;
      sseHeartbeat = c.sseHeartbeat;
      sseMaxStreams = c.sseMaxStreams;
      sseMaxStreamsPerPrincipal = c.sseMaxStreamsPerPrincipal;
      retention = c.retention;
      follow = c.follow;
      websocket = c.websocket;
      runner = c.runner;
      deploymentLimits = c.deploymentLimits;
      health = c.health;
    }

    /**
     * Sets the address to listen on: an IP address or host name. Default {@code 127.0.0.1}; {@code
     * 0.0.0.0} listens on every interface.
     *
     * @param host up to 253 characters, without whitespace
     * @return this builder
     * @throws IllegalArgumentException if {@code host} is blank, too long or holds whitespace
     */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank() || host.length() > 253 || host.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("host must be an address or name, was '" + host + "'");
      }
      this.host = host;
      return this;
    }

    /**
     * Sets the HS256 secret that signs and verifies tokens; required outside the demo. Default
     * none.
     *
     * @param secret at least {@value #MIN_SECRET_BYTES} bytes, copied; {@code null} clears it
     * @return this builder
     * @throws IllegalArgumentException if {@code secret} is shorter than {@value #MIN_SECRET_BYTES}
     *     bytes
     */
    public Builder jwtSecret(byte @Nullable [] secret) {
      if (secret != null && secret.length < MIN_SECRET_BYTES) {
        throw new IllegalArgumentException(
            "jwtSecret must be at least "
                + MIN_SECRET_BYTES
                + " bytes, was "
                + secret.length
                + " bytes");
      }
      this.jwtSecret = secret == null ? null : secret.clone();
      return this;
    }

    /**
     * Replaces the users who may log in. Default none; outside the demo at least one is needed.
     *
     * @param users the users, copied; usernames must be unique ignoring case, and ids unique
     * @return this builder
     * @throws IllegalArgumentException if a username or an id is repeated
     */
    public Builder users(List<UserAccount> users) {
      Set<String> names = new LinkedHashSet<>();
      Set<String> ids = new LinkedHashSet<>();
      for (UserAccount u : users) {
        if (!names.add(u.username().toLowerCase(Locale.ROOT))) {
          throw new IllegalArgumentException("users: username " + u.username() + " is repeated");
        }
        if (!ids.add(u.id())) {
          throw new IllegalArgumentException("users: id " + u.id() + " is repeated");
        }
      }
      this.users = new ArrayList<>(users);
      return this;
    }

    /**
     * Replaces the CORS origins: each {@code scheme://host[:port]} (http or https, no path). These
     * browser origins may call the API and open {@code /ws}, besides the server's own. Default
     * none.
     *
     * @param origins the origins, kept in lower case; empty for none
     * @return this builder
     * @throws IllegalArgumentException if an entry is not an origin of that form
     */
    public Builder corsOrigins(Set<String> origins) {
      Set<String> checked = new LinkedHashSet<>();
      for (String origin : origins) {
        checked.add(checkOrigin(origin));
      }
      this.corsOrigins = checked;
      return this;
    }

    /**
     * Replaces the trusted proxies: each an IP address or a CIDR range ({@code 10.0.0.0/8}). A
     * request from one of them is attributed to the client its {@code Forwarded} or {@code
     * X-Forwarded-For} header names. Default none: the client is the socket's peer.
     *
     * @param proxies IP literals (IPv4 or IPv6), each with an optional prefix; never looked up as
     *     names
     * @return this builder
     * @throws IllegalArgumentException if an entry is not an IP address or a CIDR range
     */
    public Builder trustedProxies(Set<String> proxies) {
      Set<String> checked = new LinkedHashSet<>();
      for (String p : proxies) {
        checked.add(AddressRange.parse(p).toString());
      }
      this.trustedProxies = checked;
      return this;
    }

    /**
     * Sets the port to listen on; 0 picks a free one. Default 8080.
     *
     * @param v 0 to 65,535
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder port(int v) {
      this.port = Ranges.check("port", v, 0, 65_535);
      return this;
    }

    /**
     * Sets whether to run the demo: demo users, a generated secret unless one is set, and a
     * deployment that keeps logging. Default {@code false}.
     *
     * @param v {@code true} to run the demo
     * @return this builder
     */
    public Builder demo(boolean v) {
      this.demo = v;
      return this;
    }

    /**
     * Sets where deployments and their logs are kept; {@code null} (the default) keeps them in
     * memory.
     *
     * @param v the data directory, created if missing, or {@code null}
     * @return this builder
     */
    public Builder dataDir(@Nullable Path v) {
      this.dataDir = v;
      return this;
    }

    /**
     * Sets when an acknowledged log append is on the disk. Default {@link FsyncPolicy#BATCH}.
     *
     * @param v the policy
     * @return this builder
     */
    public Builder storageFsync(FsyncPolicy v) {
      this.storageFsync = Objects.requireNonNull(v, "storage.fsync");
      return this;
    }

    /**
     * Sets, under {@code batch} and {@code none}, the longest an acknowledged line waits to be
     * written. Default 100 ms.
     *
     * @param v 1 ms to 10 s
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder storageBatchInterval(Duration v) {
      this.storageBatchInterval =
          Ranges.check("storage.batchInterval", v, Duration.ofMillis(1), Duration.ofSeconds(10));
      return this;
    }

    /**
     * Sets what a start does with a deployment that was active when the server stopped. Default
     * {@link DeploymentService.OnRestart#MARK_FAILED}.
     *
     * @param v mark it failed, or start it again
     * @return this builder
     */
    public Builder deploymentsOnRestart(DeploymentService.OnRestart v) {
      this.deploymentsOnRestart = Objects.requireNonNull(v, "deployments.onRestart");
      return this;
    }

    /**
     * Sets how long shutdown waits for in-flight requests and connections. Default 10 s.
     *
     * @param v 0 to 10 min
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder shutdownTimeout(Duration v) {
      this.shutdownTimeout =
          Ranges.check("shutdownTimeout", v, Duration.ZERO, Duration.ofMinutes(10));
      return this;
    }

    /**
     * Sets the largest request body accepted; a larger one gets 413. Default 1 MiB.
     *
     * @param v bytes, 1 KiB ({@code 1024}) to 64 MiB
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder maxBodyBytes(int v) {
      this.maxBodyBytes = Ranges.check("maxBodyBytes", v, 1024, 64 << 20);
      return this;
    }

    /**
     * Sets how long a request's headers may take to arrive before the connection is closed. Default
     * 10 s.
     *
     * @param v 100 ms to 1 h
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder requestHeaderTimeout(Duration v) {
      this.requestHeaderTimeout =
          Ranges.check("requestHeaderTimeout", v, Duration.ofMillis(100), Duration.ofHours(1));
      return this;
    }

    /**
     * Sets how long a request's body may take to arrive before it gets 408. Default 10 s.
     *
     * @param v 100 ms to 1 h
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder requestBodyTimeout(Duration v) {
      this.requestBodyTimeout =
          Ranges.check("requestBodyTimeout", v, Duration.ofMillis(100), Duration.ofHours(1));
      return this;
    }

    /**
     * Sets how long a keep-alive connection may sit idle between requests. Default 60 s.
     *
     * @param v 100 ms to 1 h
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder idleTimeout(Duration v) {
      this.idleTimeout =
          Ranges.check("idleTimeout", v, Duration.ofMillis(100), Duration.ofHours(1));
      return this;
    }

    /**
     * Sets the open connections allowed per client address (requests in flight, for clients behind
     * a trusted proxy). Default 256.
     *
     * @param v 1 to 1,000,000
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder maxConnectionsPerAddress(int v) {
      this.maxConnectionsPerAddress = Ranges.check("maxConnectionsPerAddress", v, 1, 1_000_000);
      return this;
    }

    /**
     * Sets the control-API requests per minute allowed per principal; more get 429. Default 1,200.
     *
     * @param v 1 to 10,000,000
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder apiRequestsPerMinute(int v) {
      this.apiRequestsPerMinute = Ranges.check("apiRequestsPerMinute", v, 1, 10_000_000);
      return this;
    }

    /**
     * Sets the failed logins per minute allowed per username from one client address; more get 429.
     * Default 10.
     *
     * @param v 1 to 100,000
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder loginFailuresPerMinutePerUserAndAddress(int v) {
      this.loginFailuresPerMinutePerUserAndAddress =
          Ranges.check("loginFailuresPerMinutePerUserAndAddress", v, 1, 100_000);
      return this;
    }

    /**
     * Sets the failed logins per minute allowed per client address, whatever the username; more get
     * 429. Default 30.
     *
     * @param v 1 to 100,000
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder loginFailuresPerMinutePerAddress(int v) {
      this.loginFailuresPerMinutePerAddress =
          Ranges.check("loginFailuresPerMinutePerAddress", v, 1, 100_000);
      return this;
    }

    /**
     * Sets the failed logins per minute per username from all addresses together. Default 100.
     *
     * @param v 1 to 1,000,000
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder loginFailuresPerMinutePerUser(int v) {
      this.loginFailuresPerMinutePerUser =
          Ranges.check("loginFailuresPerMinutePerUser", v, 1, 1_000_000);
      return this;
    }

    /**
     * Sets how many password checks may run at once; one more login gets 503. Default: the number
     * of cores.
     *
     * @param v 1 to 1,024
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder maxConcurrentPasswordChecks(int v) {
      this.maxConcurrentPasswordChecks = Ranges.check("maxConcurrentPasswordChecks", v, 1, 1024);
      return this;
    }

    /**
     * Sets the lifetime of issued tokens. Default 1 h.
     *
     * @param v 1 s to 30 days
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder tokenTtl(Duration v) {
      JwtConfig.builder().tokenTtl(v); // throws when JwtConfig refuses it
      this.tokenTtl = v;
      return this;
    }

    /**
     * Sets the {@code iss} of issued tokens, required of presented ones. Default {@code
     * coderunner}.
     *
     * @param v 1 to 256 characters, not blank
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is blank or too long
     */
    public Builder jwtIssuer(String v) {
      JwtConfig.builder().issuer(v); // throws when JwtConfig refuses it
      this.jwtIssuer = v;
      return this;
    }

    /**
     * Sets the {@code aud} of issued tokens, required of presented ones. Default {@code
     * coderunner}.
     *
     * @param v 1 to 256 characters, not blank
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is blank or too long
     */
    public Builder jwtAudience(String v) {
      JwtConfig.builder().audience(v); // throws when JwtConfig refuses it
      this.jwtAudience = v;
      return this;
    }

    /**
     * Sets the clock skew allowed when checking a token's times. Default 30 s.
     *
     * @param v 0 to 5 min
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder jwtLeeway(Duration v) {
      JwtConfig.builder().leeway(v); // throws when JwtConfig refuses it
      this.jwtLeeway = v;
      return this;
    }

    /**
     * Sets the longest token accepted; a longer one is refused unread. Default 8,192.
     *
     * @param v characters, 256 to 1,048,576
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder jwtMaxTokenLength(int v) {
      JwtConfig.builder().maxTokenLength(v); // throws when JwtConfig refuses it
      this.jwtMaxTokenLength = v;
      return this;
    }

    /**
     * Sets the ingest requests per second per principal, with a burst of one second's worth; more
     * get 429. Default 2,000.
     *
     * @param v 1 to 1,000,000
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder ingestRequestsPerSecond(int v) {
      this.ingestRequestsPerSecond = Ranges.check("ingestRequestsPerSecond", v, 1, 1_000_000);
      return this;
    }

    /**
     * Sets the ingested lines per second per principal, with a burst of one second's worth; more
     * get 429. Default 50,000.
     *
     * @param v 1 to 100,000,000
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder ingestLinesPerSecond(int v) {
      this.ingestLinesPerSecond = Ranges.check("ingestLinesPerSecond", v, 1, 100_000_000);
      return this;
    }

    /**
     * Sets the ingest request-body bytes per second per principal, with a burst of one second's
     * worth; more get 429. Default 32 MiB.
     *
     * @param v bytes, 1 KiB ({@code 1024}) to 1 TiB
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder ingestBytesPerSecond(long v) {
      this.ingestBytesPerSecond = Ranges.check("ingestBytesPerSecond", v, 1024, 1L << 40);
      return this;
    }

    /**
     * Sets the interval of the {@code : ping} comment on idle event streams. Default 15 s.
     *
     * @param v 10 ms to 10 min
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder sseHeartbeat(Duration v) {
      this.sseHeartbeat =
          Ranges.check("sseHeartbeat", v, Duration.ofMillis(10), Duration.ofMinutes(10));
      return this;
    }

    /**
     * Sets the most open event streams in all; one more gets 429. Default 10,000.
     *
     * @param v 1 to 1,000,000
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder sseMaxStreams(int v) {
      this.sseMaxStreams = Ranges.check("sseMaxStreams", v, 1, 1_000_000);
      return this;
    }

    /**
     * Sets the most open event streams of one principal; one more gets 429. Default 100.
     *
     * @param v 1 to 1,000,000
     * @return this builder
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public Builder sseMaxStreamsPerPrincipal(int v) {
      this.sseMaxStreamsPerPrincipal = Ranges.check("sseMaxStreamsPerPrincipal", v, 1, 1_000_000);
      return this;
    }

    /**
     * Sets the retention of each deployment's log. Default {@link RetentionConfig#defaults()}.
     *
     * @param v the retention settings
     * @return this builder
     */
    public Builder retention(RetentionConfig v) {
      this.retention = Objects.requireNonNull(v, "retention");
      return this;
    }

    /**
     * Sets how WebSocket subscriptions and event streams follow a log. Default {@link
     * FollowConfig#defaults()}.
     *
     * @param v the follow settings
     * @return this builder
     */
    public Builder follow(FollowConfig v) {
      this.follow = Objects.requireNonNull(v, "follow");
      return this;
    }

    /**
     * Sets the WebSocket broadcaster's limits and heartbeat; its follow policy and allowed origins
     * are replaced by the server's. Default {@link WebSocketConfig#defaults()}.
     *
     * @param v the broadcaster's settings
     * @return this builder
     */
    public Builder websocket(WebSocketConfig v) {
      this.websocket = Objects.requireNonNull(v, "websocket");
      return this;
    }

    /**
     * Sets the local process runner's allowed commands, stop grace and environment. Default {@link
     * LocalRunnerConfig#defaults()}: no command allowed.
     *
     * @param v the runner's settings
     * @return this builder
     */
    public Builder runner(LocalRunnerConfig v) {
      this.runner = Objects.requireNonNull(v, "runner");
      return this;
    }

    /**
     * Sets the deployments and processes allowed per owner and in all, and the spec sizes. Default
     * {@link DeploymentLimits#defaults()}.
     *
     * @param v the limits
     * @return this builder
     */
    public Builder deploymentLimits(DeploymentLimits v) {
      this.deploymentLimits = Objects.requireNonNull(v, "deploymentLimits");
      return this;
    }

    /**
     * Sets the timeouts, breakers and caching of the health checks. Default {@link
     * HealthConfig#defaults()}.
     *
     * @param v the health check settings
     * @return this builder
     */
    public Builder health(HealthConfig v) {
      this.health = Objects.requireNonNull(v, "health");
      return this;
    }

    /**
     * Builds the settings; every value was checked as it was set. Whether a secret and users are
     * present is checked when the server is built.
     *
     * @return new immutable settings
     */
    public ServerConfig build() {
      return new ServerConfig(this);
    }

    private static String checkOrigin(String origin) {
      Objects.requireNonNull(origin, "origin");
      String lower = origin.toLowerCase(Locale.ROOT);
      try {
        URI uri = new URI(lower);
        boolean ok =
            ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                && uri.getHost() != null
                && (uri.getRawPath() == null || uri.getRawPath().isEmpty())
                && uri.getRawQuery() == null
                && uri.getRawFragment() == null
                && uri.getRawUserInfo() == null;
        if (ok) {
          return lower;
        }
      } catch (java.net.URISyntaxException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "corsOrigins entries must be scheme://host[:port], was " + origin);
    }
  }
}
