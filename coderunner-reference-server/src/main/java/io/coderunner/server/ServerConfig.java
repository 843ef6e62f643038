package io.coderunner.server;

import io.coderunner.core.Ranges;
import io.coderunner.core.auth.JwtConfig;
import io.coderunner.core.deploy.DeploymentLimits;
import io.coderunner.core.deploy.LocalRunnerConfig;
import io.coderunner.core.follow.FollowConfig;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.metrics.health.HealthConfig;
import io.coderunner.server.internal.AddressRange;
import io.coderunner.websocket.WebSocketConfig;
import java.net.URI;
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

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The HS256 secret that signs tokens (a copy), or {@code null} when none is configured. */
  public byte @Nullable [] jwtSecret() {
    byte[] s = jwtSecret;
    return s == null ? null : s.clone();
  }

  /** Users who may log in. */
  public List<UserAccount> users() {
    return users;
  }

  /** Address to listen on. Default {@code 127.0.0.1}. */
  public String host() {
    return host;
  }

  /** Port to listen on; 0 picks a free one. Default 8080. */
  public int port() {
    return port;
  }

  /** Whether the server runs the demo: demo users, a generated secret, a logging deployment. */
  public boolean demo() {
    return demo;
  }

  /** Browser origins allowed to call the API and open {@code /ws}, besides the server's own. */
  public Set<String> corsOrigins() {
    return corsOrigins;
  }

  /** How long shutdown waits for in-flight requests and connections. Default 10 s. */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
  }

  /** Largest request body accepted, in bytes; a larger one gets 413. Default 1 MiB. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * How long a request's headers may take to arrive; headers that stop arriving close the
   * connection. Default 10 s.
   */
  public Duration requestHeaderTimeout() {
    return requestHeaderTimeout;
  }

  /**
   * How long a request's body may take to arrive; a body that stops arriving gets 408. Default 10
   * s.
   */
  public Duration requestBodyTimeout() {
    return requestBodyTimeout;
  }

  /** How long a keep-alive connection may sit idle between requests. Default 60 s. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * Open connections allowed per client address (requests in flight, for clients behind a trusted
   * proxy); one more is closed at once (or answered 429). Default 256.
   */
  public int maxConnectionsPerAddress() {
    return maxConnectionsPerAddress;
  }

  /**
   * Addresses or CIDR ranges of proxies whose {@code Forwarded} or {@code X-Forwarded-For} header
   * names the client. Default none: the client is the socket's peer.
   */
  public Set<String> trustedProxies() {
    return trustedProxies;
  }

  /**
   * Control-API requests per minute allowed per principal (ingest has its own budget). Default
   * 1,200.
   */
  public int apiRequestsPerMinute() {
    return apiRequestsPerMinute;
  }

  /** Failed logins per minute allowed per username from one client address. Default 10. */
  public int loginFailuresPerMinutePerUserAndAddress() {
    return loginFailuresPerMinutePerUserAndAddress;
  }

  /** Failed logins per minute allowed per client address, whatever the username. Default 30. */
  public int loginFailuresPerMinutePerAddress() {
    return loginFailuresPerMinutePerAddress;
  }

  /**
   * Failed logins per minute per username from all addresses together. Past it, only an address
   * with no recent failure for that username may still try, once. Default 100.
   */
  public int loginFailuresPerMinutePerUser() {
    return loginFailuresPerMinutePerUser;
  }

  /** Password checks running at once; one more login gets 503. Default: the number of cores. */
  public int maxConcurrentPasswordChecks() {
    return maxConcurrentPasswordChecks;
  }

  /** Lifetime of issued tokens. Default 1 h. */
  public Duration tokenTtl() {
    return tokenTtl;
  }

  /** The {@code iss} of issued tokens, required of presented ones. Default {@code coderunner}. */
  public String jwtIssuer() {
    return jwtIssuer;
  }

  /** The {@code aud} of issued tokens, required of presented ones. Default {@code coderunner}. */
  public String jwtAudience() {
    return jwtAudience;
  }

  /** Clock skew allowed when checking a token's times. Default 30 s. */
  public Duration jwtLeeway() {
    return jwtLeeway;
  }

  /** Longest token accepted, in characters. Default 8,192. */
  public int jwtMaxTokenLength() {
    return jwtMaxTokenLength;
  }

  /**
   * Ingest requests ({@code POST …/logs}) per second per principal, with a burst of one second's
   * worth. Default 2,000.
   */
  public int ingestRequestsPerSecond() {
    return ingestRequestsPerSecond;
  }

  /**
   * Ingested lines per second per principal, with a burst of one second's worth. Default 50,000.
   */
  public int ingestLinesPerSecond() {
    return ingestLinesPerSecond;
  }

  /**
   * Ingest request-body bytes per second per principal, with a burst of one second's worth. Default
   * 32 MiB.
   */
  public long ingestBytesPerSecond() {
    return ingestBytesPerSecond;
  }

  /** Interval of the {@code : ping} comment on idle event streams. Default 15 s. */
  public Duration sseHeartbeat() {
    return sseHeartbeat;
  }

  /** Most open event streams in all; one more gets 429. Default 10,000. */
  public int sseMaxStreams() {
    return sseMaxStreams;
  }

  /** Most open event streams of one principal; one more gets 429. Default 100. */
  public int sseMaxStreamsPerPrincipal() {
    return sseMaxStreamsPerPrincipal;
  }

  /** Retention of each deployment's log. Default {@link RetentionConfig#defaults()}. */
  public RetentionConfig retention() {
    return retention;
  }

  /**
   * How WebSocket subscriptions and event streams follow a log: batches, the work of one turn, lag
   * bounds. Default {@link FollowConfig#defaults()}.
   */
  public FollowConfig follow() {
    return follow;
  }

  /**
   * The WebSocket broadcaster's limits and heartbeat. Its {@code follow} and {@code allowedOrigins}
   * are not used: the server sets them from {@link #follow()} and {@link #corsOrigins()} with its
   * own origin. Default {@link WebSocketConfig#defaults()}.
   */
  public WebSocketConfig websocket() {
    return websocket;
  }

  /**
   * The local process runner: allowed commands, stop grace, environment. Default {@link
   * LocalRunnerConfig#defaults()}: no command allowed.
   */
  public LocalRunnerConfig runner() {
    return runner;
  }

  /**
   * Deployments and processes per owner and in all, and spec sizes. Default {@link
   * DeploymentLimits#defaults()}.
   */
  public DeploymentLimits deploymentLimits() {
    return deploymentLimits;
  }

  /**
   * Timeouts, breakers and caching of the health checks. Default {@link HealthConfig#defaults()}.
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

    /** An IP address or host name. Default {@code 127.0.0.1}. */
    public Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (host.isBlank() || host.length() > 253 || host.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("host must be an address or name, was '" + host + "'");
      }
      this.host = host;
      return this;
    }

    /** At least {@value #MIN_SECRET_BYTES} bytes; copied. {@code null} clears it. */
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

    /** Replaces the users; usernames and ids must be unique. */
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

    /** Replaces the CORS origins: each {@code scheme://host[:port]} (http or https, no path). */
    public Builder corsOrigins(Set<String> origins) {
      Set<String> checked = new LinkedHashSet<>();
      for (String origin : origins) {
        checked.add(checkOrigin(origin));
      }
      this.corsOrigins = checked;
      return this;
    }

    /** Replaces the trusted proxies: each an IP address or a CIDR range ({@code 10.0.0.0/8}). */
    public Builder trustedProxies(Set<String> proxies) {
      Set<String> checked = new LinkedHashSet<>();
      for (String p : proxies) {
        checked.add(AddressRange.parse(p).toString());
      }
      this.trustedProxies = checked;
      return this;
    }

    /** See {@link ServerConfig#port()}. */
    public Builder port(int v) {
      this.port = Ranges.check("port", v, 0, 65_535);
      return this;
    }

    /** See {@link ServerConfig#demo()}. */
    public Builder demo(boolean v) {
      this.demo = v;
      return this;
    }

    /** See {@link ServerConfig#shutdownTimeout()}. */
    public Builder shutdownTimeout(Duration v) {
      this.shutdownTimeout =
          Ranges.check("shutdownTimeout", v, Duration.ZERO, Duration.ofMinutes(10));
      return this;
    }

    /** See {@link ServerConfig#maxBodyBytes()}. */
    public Builder maxBodyBytes(int v) {
      this.maxBodyBytes = Ranges.check("maxBodyBytes", v, 1024, 64 << 20);
      return this;
    }

    /** See {@link ServerConfig#requestHeaderTimeout()}. */
    public Builder requestHeaderTimeout(Duration v) {
      this.requestHeaderTimeout =
          Ranges.check("requestHeaderTimeout", v, Duration.ofMillis(100), Duration.ofHours(1));
      return this;
    }

    /** See {@link ServerConfig#requestBodyTimeout()}. */
    public Builder requestBodyTimeout(Duration v) {
      this.requestBodyTimeout =
          Ranges.check("requestBodyTimeout", v, Duration.ofMillis(100), Duration.ofHours(1));
      return this;
    }

    /** See {@link ServerConfig#idleTimeout()}. */
    public Builder idleTimeout(Duration v) {
      this.idleTimeout =
          Ranges.check("idleTimeout", v, Duration.ofMillis(100), Duration.ofHours(1));
      return this;
    }

    /** See {@link ServerConfig#maxConnectionsPerAddress()}. */
    public Builder maxConnectionsPerAddress(int v) {
      this.maxConnectionsPerAddress = Ranges.check("maxConnectionsPerAddress", v, 1, 1_000_000);
      return this;
    }

    /** See {@link ServerConfig#apiRequestsPerMinute()}. */
    public Builder apiRequestsPerMinute(int v) {
      this.apiRequestsPerMinute = Ranges.check("apiRequestsPerMinute", v, 1, 10_000_000);
      return this;
    }

    /** See {@link ServerConfig#loginFailuresPerMinutePerUserAndAddress()}. */
    public Builder loginFailuresPerMinutePerUserAndAddress(int v) {
      this.loginFailuresPerMinutePerUserAndAddress =
          Ranges.check("loginFailuresPerMinutePerUserAndAddress", v, 1, 100_000);
      return this;
    }

    /** See {@link ServerConfig#loginFailuresPerMinutePerAddress()}. */
    public Builder loginFailuresPerMinutePerAddress(int v) {
      this.loginFailuresPerMinutePerAddress =
          Ranges.check("loginFailuresPerMinutePerAddress", v, 1, 100_000);
      return this;
    }

    /** See {@link ServerConfig#loginFailuresPerMinutePerUser()}. */
    public Builder loginFailuresPerMinutePerUser(int v) {
      this.loginFailuresPerMinutePerUser =
          Ranges.check("loginFailuresPerMinutePerUser", v, 1, 1_000_000);
      return this;
    }

    /** See {@link ServerConfig#maxConcurrentPasswordChecks()}. */
    public Builder maxConcurrentPasswordChecks(int v) {
      this.maxConcurrentPasswordChecks = Ranges.check("maxConcurrentPasswordChecks", v, 1, 1024);
      return this;
    }

    /** See {@link ServerConfig#tokenTtl()}. */
    public Builder tokenTtl(Duration v) {
      JwtConfig.builder().tokenTtl(v); // throws when JwtConfig refuses it
      this.tokenTtl = v;
      return this;
    }

    /** See {@link ServerConfig#jwtIssuer()}. */
    public Builder jwtIssuer(String v) {
      JwtConfig.builder().issuer(v); // throws when JwtConfig refuses it
      this.jwtIssuer = v;
      return this;
    }

    /** See {@link ServerConfig#jwtAudience()}. */
    public Builder jwtAudience(String v) {
      JwtConfig.builder().audience(v); // throws when JwtConfig refuses it
      this.jwtAudience = v;
      return this;
    }

    /** See {@link ServerConfig#jwtLeeway()}. */
    public Builder jwtLeeway(Duration v) {
      JwtConfig.builder().leeway(v); // throws when JwtConfig refuses it
      this.jwtLeeway = v;
      return this;
    }

    /** See {@link ServerConfig#jwtMaxTokenLength()}. */
    public Builder jwtMaxTokenLength(int v) {
      JwtConfig.builder().maxTokenLength(v); // throws when JwtConfig refuses it
      this.jwtMaxTokenLength = v;
      return this;
    }

    /** See {@link ServerConfig#ingestRequestsPerSecond()}. */
    public Builder ingestRequestsPerSecond(int v) {
      this.ingestRequestsPerSecond = Ranges.check("ingestRequestsPerSecond", v, 1, 1_000_000);
      return this;
    }

    /** See {@link ServerConfig#ingestLinesPerSecond()}. */
    public Builder ingestLinesPerSecond(int v) {
      this.ingestLinesPerSecond = Ranges.check("ingestLinesPerSecond", v, 1, 100_000_000);
      return this;
    }

    /** See {@link ServerConfig#ingestBytesPerSecond()}. */
    public Builder ingestBytesPerSecond(long v) {
      this.ingestBytesPerSecond = Ranges.check("ingestBytesPerSecond", v, 1024, 1L << 40);
      return this;
    }

    /** See {@link ServerConfig#sseHeartbeat()}. */
    public Builder sseHeartbeat(Duration v) {
      this.sseHeartbeat =
          Ranges.check("sseHeartbeat", v, Duration.ofMillis(10), Duration.ofMinutes(10));
      return this;
    }

    /** See {@link ServerConfig#sseMaxStreams()}. */
    public Builder sseMaxStreams(int v) {
      this.sseMaxStreams = Ranges.check("sseMaxStreams", v, 1, 1_000_000);
      return this;
    }

    /** See {@link ServerConfig#sseMaxStreamsPerPrincipal()}. */
    public Builder sseMaxStreamsPerPrincipal(int v) {
      this.sseMaxStreamsPerPrincipal = Ranges.check("sseMaxStreamsPerPrincipal", v, 1, 1_000_000);
      return this;
    }

    /** See {@link ServerConfig#retention()}. */
    public Builder retention(RetentionConfig v) {
      this.retention = Objects.requireNonNull(v, "retention");
      return this;
    }

    /** See {@link ServerConfig#follow()}. */
    public Builder follow(FollowConfig v) {
      this.follow = Objects.requireNonNull(v, "follow");
      return this;
    }

    /** See {@link ServerConfig#websocket()}. */
    public Builder websocket(WebSocketConfig v) {
      this.websocket = Objects.requireNonNull(v, "websocket");
      return this;
    }

    /** See {@link ServerConfig#runner()}. */
    public Builder runner(LocalRunnerConfig v) {
      this.runner = Objects.requireNonNull(v, "runner");
      return this;
    }

    /** See {@link ServerConfig#deploymentLimits()}. */
    public Builder deploymentLimits(DeploymentLimits v) {
      this.deploymentLimits = Objects.requireNonNull(v, "deploymentLimits");
      return this;
    }

    /** See {@link ServerConfig#health()}. */
    public Builder health(HealthConfig v) {
      this.health = Objects.requireNonNull(v, "health");
      return this;
    }

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
