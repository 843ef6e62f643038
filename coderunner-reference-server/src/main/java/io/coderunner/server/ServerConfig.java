package io.coderunner.server;

import io.coderunner.core.Ranges;
import io.coderunner.core.deploy.DeploymentLimits;
import io.coderunner.core.follow.FollowConfig;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.server.internal.AddressRange;
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
 * {@link #toBuilder()}. Each setter rejects a bad value at once, naming it. {@code docs/
 * configuration.md} lists how each setting is given on the command line, in the environment and in
 * the config file.
 */
public final class ServerConfig {
  /** Smallest accepted JWT secret, in bytes (HS256 needs 256 bits). */
  public static final int MIN_SECRET_BYTES = 32;

  private final String host;
  private final int port;
  private final byte @Nullable [] jwtSecret;
  private final List<UserAccount> users;
  private final Set<String> allowedCommands;
  private final Set<String> corsOrigins;
  private final RetentionConfig retention;
  private final boolean demo;
  private final int maxBodyBytes;
  private final int loginFailuresPerMinute;
  private final int apiRequestsPerMinute;
  private final Duration tokenTtl;
  private final Duration stopGrace;
  private final Duration sseHeartbeat;
  private final int sseMaxStreams;
  private final int sseMaxStreamsPerPrincipal;
  private final FollowConfig follow;
  private final Duration shutdownTimeout;
  private final Duration requestTimeout;
  private final Duration idleTimeout;
  private final int maxConnectionsPerAddress;
  private final Set<String> trustedProxies;
  private final int loginFailuresPerMinutePerAddress;
  private final int loginFailuresPerMinutePerUser;
  private final int maxConcurrentPasswordChecks;
  private final DeploymentLimits deploymentLimits;

  private ServerConfig(Builder b) {
    this.host = b.host;
    this.port = b.port;
    byte[] secret = b.jwtSecret;
    this.jwtSecret = secret == null ? null : secret.clone();
    this.users = List.copyOf(b.users);
    this.allowedCommands = Set.copyOf(b.allowedCommands);
    this.corsOrigins = Set.copyOf(b.corsOrigins);
    this.retention = b.retention;
    this.demo = b.demo;
    this.maxBodyBytes = b.maxBodyBytes;
    this.loginFailuresPerMinute = b.loginFailuresPerMinute;
    this.apiRequestsPerMinute = b.apiRequestsPerMinute;
    this.tokenTtl = b.tokenTtl;
    this.stopGrace = b.stopGrace;
    this.sseHeartbeat = b.sseHeartbeat;
    this.sseMaxStreams = b.sseMaxStreams;
    this.sseMaxStreamsPerPrincipal = b.sseMaxStreamsPerPrincipal;
    this.follow = b.follow;
    this.shutdownTimeout = b.shutdownTimeout;
    this.requestTimeout = b.requestTimeout;
    this.idleTimeout = b.idleTimeout;
    this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
    this.trustedProxies = Set.copyOf(b.trustedProxies);
    this.loginFailuresPerMinutePerAddress = b.loginFailuresPerMinutePerAddress;
    this.loginFailuresPerMinutePerUser = b.loginFailuresPerMinutePerUser;
    this.maxConcurrentPasswordChecks = b.maxConcurrentPasswordChecks;
    this.deploymentLimits = b.deploymentLimits;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Address to listen on. Default {@code 127.0.0.1}. */
  public String host() {
    return host;
  }

  /** Port to listen on; 0 picks a free one. Default 8080. */
  public int port() {
    return port;
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

  /** Executables the process runner may start (names or absolute paths). Default none. */
  public Set<String> allowedCommands() {
    return allowedCommands;
  }

  /** Browser origins allowed to call the API and open {@code /ws}, besides the server's own. */
  public Set<String> corsOrigins() {
    return corsOrigins;
  }

  /** Retention of each deployment's log. Default {@link RetentionConfig#defaults()}. */
  public RetentionConfig retention() {
    return retention;
  }

  /** Whether the server runs the demo: demo users, a generated secret, a logging deployment. */
  public boolean demo() {
    return demo;
  }

  /** Largest request body accepted, in bytes; a larger one gets 413. Default 1 MiB. */
  public int maxBodyBytes() {
    return maxBodyBytes;
  }

  /** Failed logins per minute allowed per username from one client address. Default 10. */
  public int loginFailuresPerMinute() {
    return loginFailuresPerMinute;
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

  /**
   * How long a request's headers, and then its body, may take to arrive: headers that stop arriving
   * close the connection, a body that does gets 408. Default 10 s.
   */
  public Duration requestTimeout() {
    return requestTimeout;
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

  /** Deployments and processes per owner and in all, and spec sizes. */
  public DeploymentLimits deploymentLimits() {
    return deploymentLimits;
  }

  /** Authenticated API requests per minute allowed per principal. Default 1,200. */
  public int apiRequestsPerMinute() {
    return apiRequestsPerMinute;
  }

  /** Lifetime of issued tokens. Default 1 h. */
  public Duration tokenTtl() {
    return tokenTtl;
  }

  /** Time a stopped process gets between SIGTERM and SIGKILL. Default 10 s. */
  public Duration stopGrace() {
    return stopGrace;
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

  /**
   * How WebSocket subscriptions and event streams follow a log: batches, the work of one turn, lag
   * bounds. Default {@link FollowConfig#defaults()}.
   */
  public FollowConfig follow() {
    return follow;
  }

  /** How long shutdown waits for in-flight requests and connections. Default 10 s. */
  public Duration shutdownTimeout() {
    return shutdownTimeout;
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
        + ", allowedCommands="
        + allowedCommands
        + ", corsOrigins="
        + corsOrigins
        + ", demo="
        + demo
        + '}';
  }

  /** Builds a {@link ServerConfig}. Not thread-safe. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8080;
    private byte @Nullable [] jwtSecret;
    private List<UserAccount> users = new ArrayList<>();
    private Set<String> allowedCommands = new LinkedHashSet<>();
    private Set<String> corsOrigins = new LinkedHashSet<>();
    private RetentionConfig retention = RetentionConfig.defaults();
    private boolean demo;
    private int maxBodyBytes = 1 << 20;
    private int loginFailuresPerMinute = 10;
    private int apiRequestsPerMinute = 1200;
    private Duration tokenTtl = Duration.ofHours(1);
    private Duration stopGrace = Duration.ofSeconds(10);
    private Duration sseHeartbeat = Duration.ofSeconds(15);
    private int sseMaxStreams = 10_000;
    private int sseMaxStreamsPerPrincipal = 100;
    private FollowConfig follow = FollowConfig.defaults();
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private Duration idleTimeout = Duration.ofSeconds(60);
    private int maxConnectionsPerAddress = 256;
    private Set<String> trustedProxies = new LinkedHashSet<>();
    private int loginFailuresPerMinutePerAddress = 30;
    private int loginFailuresPerMinutePerUser = 100;
    private int maxConcurrentPasswordChecks = Runtime.getRuntime().availableProcessors();
    private DeploymentLimits deploymentLimits = DeploymentLimits.defaults();

    private Builder() {}

    private Builder(ServerConfig c) {
      host = c.host;
      port = c.port;
      jwtSecret = c.jwtSecret;
      users = new ArrayList<>(c.users);
      allowedCommands = new LinkedHashSet<>(c.allowedCommands);
      corsOrigins = new LinkedHashSet<>(c.corsOrigins);
      retention = c.retention;
      demo = c.demo;
      maxBodyBytes = c.maxBodyBytes;
      loginFailuresPerMinute = c.loginFailuresPerMinute;
      apiRequestsPerMinute = c.apiRequestsPerMinute;
      tokenTtl = c.tokenTtl;
      stopGrace = c.stopGrace;
      sseHeartbeat = c.sseHeartbeat;
      sseMaxStreams = c.sseMaxStreams;
      sseMaxStreamsPerPrincipal = c.sseMaxStreamsPerPrincipal;
      follow = c.follow;
      shutdownTimeout = c.shutdownTimeout;
      requestTimeout = c.requestTimeout;
      idleTimeout = c.idleTimeout;
      maxConnectionsPerAddress = c.maxConnectionsPerAddress;
      trustedProxies = new LinkedHashSet<>(c.trustedProxies);
      loginFailuresPerMinutePerAddress = c.loginFailuresPerMinutePerAddress;
      loginFailuresPerMinutePerUser = c.loginFailuresPerMinutePerUser;
      maxConcurrentPasswordChecks = c.maxConcurrentPasswordChecks;
      deploymentLimits = c.deploymentLimits;
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

    /** 0 to 65,535; 0 picks a free port. Default 8080. */
    public Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
      }
      this.port = port;
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

    /** Replaces the executables the process runner may start. Entries must not be blank. */
    public Builder allowedCommands(Set<String> commands) {
      for (String c : commands) {
        if (c.isBlank()) {
          throw new IllegalArgumentException("allowedCommands entries must not be blank");
        }
      }
      this.allowedCommands = new LinkedHashSet<>(commands);
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

    /** Retention of each log. Default {@link RetentionConfig#defaults()}. */
    public Builder retention(RetentionConfig retention) {
      this.retention = Objects.requireNonNull(retention, "retention");
      return this;
    }

    /** Runs the demo. Default false. */
    public Builder demo(boolean demo) {
      this.demo = demo;
      return this;
    }

    /** Bytes. Default 1 MiB; range 1 KiB to 64 MiB. */
    public Builder maxBodyBytes(int bytes) {
      if (bytes < 1024 || bytes > (64 << 20)) {
        throw new IllegalArgumentException(
            "maxBodyBytes must be between 1024 and 67108864, was " + bytes);
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /** Per minute. Default 10; range 1 to 100,000. */
    public Builder loginFailuresPerMinute(int failures) {
      if (failures < 1 || failures > 100_000) {
        throw new IllegalArgumentException(
            "loginFailuresPerMinute must be between 1 and 100000, was " + failures);
      }
      this.loginFailuresPerMinute = failures;
      return this;
    }

    /** Per minute. Default 1,200; range 1 to 10,000,000. */
    public Builder apiRequestsPerMinute(int requests) {
      if (requests < 1 || requests > 10_000_000) {
        throw new IllegalArgumentException(
            "apiRequestsPerMinute must be between 1 and 10000000, was " + requests);
      }
      this.apiRequestsPerMinute = requests;
      return this;
    }

    /** Default 1 h; range 1 s to 30 days. */
    public Builder tokenTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "tokenTtl");
      if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(Duration.ofDays(30)) > 0) {
        throw new IllegalArgumentException(
            "tokenTtl must be between 1 second and 30 days, was " + ttl);
      }
      this.tokenTtl = ttl;
      return this;
    }

    /** Default 10 s; range 0 to 10 min. */
    public Builder stopGrace(Duration grace) {
      Objects.requireNonNull(grace, "stopGrace");
      if (grace.isNegative() || grace.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException("stopGrace must be between 0 and 10 min, was " + grace);
      }
      this.stopGrace = grace;
      return this;
    }

    /** Default 15 s; range 10 ms to 10 min. */
    public Builder sseHeartbeat(Duration interval) {
      Objects.requireNonNull(interval, "sseHeartbeat");
      if (interval.compareTo(Duration.ofMillis(10)) < 0
          || interval.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException(
            "sseHeartbeat must be between 10 ms and 10 min, was " + interval);
      }
      this.sseHeartbeat = interval;
      return this;
    }

    /** Default 10,000; range 1 to 1,000,000. */
    public Builder sseMaxStreams(int streams) {
      this.sseMaxStreams = Ranges.check("sseMaxStreams", streams, 1, 1_000_000);
      return this;
    }

    /** Default 100; range 1 to 1,000,000. */
    public Builder sseMaxStreamsPerPrincipal(int streams) {
      this.sseMaxStreamsPerPrincipal =
          Ranges.check("sseMaxStreamsPerPrincipal", streams, 1, 1_000_000);
      return this;
    }

    /** Default {@link FollowConfig#defaults()}. */
    public Builder follow(FollowConfig follow) {
      this.follow = Objects.requireNonNull(follow, "follow");
      return this;
    }

    /** Default 10 s; range 0 to 10 min. */
    public Builder shutdownTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "shutdownTimeout");
      if (timeout.isNegative() || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
        throw new IllegalArgumentException(
            "shutdownTimeout must be between 0 and 10 min, was " + timeout);
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /** Default 30; range 1 to 100,000. */
    public Builder loginFailuresPerMinutePerAddress(int failures) {
      this.loginFailuresPerMinutePerAddress =
          Ranges.check("loginFailuresPerMinutePerAddress", failures, 1, 100_000);
      return this;
    }

    /** Default 100; range 1 to 1,000,000. */
    public Builder loginFailuresPerMinutePerUser(int failures) {
      this.loginFailuresPerMinutePerUser =
          Ranges.check("loginFailuresPerMinutePerUser", failures, 1, 1_000_000);
      return this;
    }

    /** Default the number of cores; range 1 to 1,024. */
    public Builder maxConcurrentPasswordChecks(int checks) {
      this.maxConcurrentPasswordChecks =
          Ranges.check("maxConcurrentPasswordChecks", checks, 1, 1024);
      return this;
    }

    /** Default 10 s; range 100 ms to 1 h. */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout =
          Ranges.check("requestTimeout", timeout, Duration.ofMillis(100), Duration.ofHours(1));
      return this;
    }

    /** Default 60 s; range 100 ms to 1 h. */
    public Builder idleTimeout(Duration timeout) {
      this.idleTimeout =
          Ranges.check("idleTimeout", timeout, Duration.ofMillis(100), Duration.ofHours(1));
      return this;
    }

    /** Default 256; range 1 to 1,000,000. */
    public Builder maxConnectionsPerAddress(int connections) {
      this.maxConnectionsPerAddress =
          Ranges.check("maxConnectionsPerAddress", connections, 1, 1_000_000);
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

    /** Default {@link DeploymentLimits#defaults()}. */
    public Builder deploymentLimits(DeploymentLimits limits) {
      this.deploymentLimits = Objects.requireNonNull(limits, "deploymentLimits");
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

  @Override
  public boolean equals(Object o) {
    return o instanceof ServerConfig c
        && host.equals(c.host)
        && port == c.port
        && Arrays.equals(jwtSecret, c.jwtSecret)
        && users.equals(c.users)
        && allowedCommands.equals(c.allowedCommands)
        && corsOrigins.equals(c.corsOrigins)
        && retention.equals(c.retention)
        && demo == c.demo
        && maxBodyBytes == c.maxBodyBytes
        && loginFailuresPerMinute == c.loginFailuresPerMinute
        && apiRequestsPerMinute == c.apiRequestsPerMinute
        && tokenTtl.equals(c.tokenTtl)
        && stopGrace.equals(c.stopGrace)
        && sseHeartbeat.equals(c.sseHeartbeat)
        && sseMaxStreams == c.sseMaxStreams
        && sseMaxStreamsPerPrincipal == c.sseMaxStreamsPerPrincipal
        && follow.equals(c.follow)
        && shutdownTimeout.equals(c.shutdownTimeout)
        && requestTimeout.equals(c.requestTimeout)
        && idleTimeout.equals(c.idleTimeout)
        && maxConnectionsPerAddress == c.maxConnectionsPerAddress
        && trustedProxies.equals(c.trustedProxies)
        && loginFailuresPerMinutePerAddress == c.loginFailuresPerMinutePerAddress
        && loginFailuresPerMinutePerUser == c.loginFailuresPerMinutePerUser
        && maxConcurrentPasswordChecks == c.maxConcurrentPasswordChecks
        && deploymentLimits.equals(c.deploymentLimits);
  }

  @Override
  public int hashCode() {
    return Objects.hash(host, port, Arrays.hashCode(jwtSecret), users, demo);
  }
}
