package io.coderunner.websocket;

import io.coderunner.core.Ranges;
import io.coderunner.core.follow.FollowConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Limits and timings of a {@link LogBroadcaster}. Immutable; build one with {@link #builder()},
 * start from {@link #defaults()}, derive with {@link #toBuilder()}. Each setter rejects a bad value
 * at once, naming it.
 *
 * <p>How subscriptions are followed (batch sizes, the work of one turn, lag bounds) is core's
 * {@link FollowConfig}, the same policy every transport uses: {@link #follow()}.
 */
public final class WebSocketConfig {
  private static final WebSocketConfig DEFAULTS = new Builder().build();

  private final int maxInboundFrameBytes;
  private final FollowConfig follow;
  private final Duration authTimeout;
  private final int maxConnections;
  private final int maxConnectionsPerPrincipal;
  private final int maxSubscriptionsPerConnection;
  private final int inboundMessagesPerSecond;
  private final int inboundBurst;
  private final int maxMalformedFrames;
  private final Duration heartbeatInterval;
  private final Set<String> allowedOrigins;

  private WebSocketConfig(Builder b) {
    this.maxInboundFrameBytes = b.maxInboundFrameBytes;
    this.follow = b.follow;
    this.authTimeout = b.authTimeout;
    this.maxConnections = b.maxConnections;
    this.maxConnectionsPerPrincipal = b.maxConnectionsPerPrincipal;
    this.maxSubscriptionsPerConnection = b.maxSubscriptionsPerConnection;
    this.inboundMessagesPerSecond = b.inboundMessagesPerSecond;
    this.inboundBurst = b.inboundBurst;
    this.maxMalformedFrames = b.maxMalformedFrames;
    this.heartbeatInterval = b.heartbeatInterval;
    this.allowedOrigins = Set.copyOf(b.allowedOrigins);
  }

  public static WebSocketConfig defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Largest frame a client may send, in bytes; a larger one closes the connection with 1009. */
  public int maxInboundFrameBytes() {
    return maxInboundFrameBytes;
  }

  /**
   * How subscriptions are followed: lines and bytes of one {@code logs} frame, lines read per turn
   * of the I/O thread, and the lag bounds past which a connection is closed with 4008.
   */
  public FollowConfig follow() {
    return follow;
  }

  /** How long a connection may stay unauthenticated before it is closed with 4401. */
  public Duration authTimeout() {
    return authTimeout;
  }

  /** Most open connections in total; more are closed with 4429. */
  public int maxConnections() {
    return maxConnections;
  }

  /** Most authenticated connections of one principal; more are closed with 4429. */
  public int maxConnectionsPerPrincipal() {
    return maxConnectionsPerPrincipal;
  }

  /** Most subscriptions on one connection; more are refused with an {@code error} frame. */
  public int maxSubscriptionsPerConnection() {
    return maxSubscriptionsPerConnection;
  }

  /** Sustained rate of client frames per connection; beyond the burst, 4429. */
  public int inboundMessagesPerSecond() {
    return inboundMessagesPerSecond;
  }

  /** Client frames a connection may send at once before the rate applies. */
  public int inboundBurst() {
    return inboundBurst;
  }

  /** Malformed frames answered with {@code error}; the next one closes with 4400. */
  public int maxMalformedFrames() {
    return maxMalformedFrames;
  }

  /**
   * How often an idle connection is pinged; a peer that answers neither a ping nor anything else
   * for two intervals is closed.
   */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /**
   * Origins (scheme://host[:port], lower case) a browser upgrade may come from; {@code *} allows
   * any. An upgrade without an {@code Origin} header (not from a browser) is always allowed.
   */
  public Set<String> allowedOrigins() {
    return allowedOrigins;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WebSocketConfig c
        && maxInboundFrameBytes == c.maxInboundFrameBytes
        && follow.equals(c.follow)
        && authTimeout.equals(c.authTimeout)
        && maxConnections == c.maxConnections
        && maxConnectionsPerPrincipal == c.maxConnectionsPerPrincipal
        && maxSubscriptionsPerConnection == c.maxSubscriptionsPerConnection
        && inboundMessagesPerSecond == c.inboundMessagesPerSecond
        && inboundBurst == c.inboundBurst
        && maxMalformedFrames == c.maxMalformedFrames
        && heartbeatInterval.equals(c.heartbeatInterval)
        && allowedOrigins.equals(c.allowedOrigins);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        maxInboundFrameBytes, follow, authTimeout, maxConnections, heartbeatInterval);
  }

  @Override
  public String toString() {
    return "WebSocketConfig{maxInboundFrameBytes="
        + maxInboundFrameBytes
        + ", follow="
        + follow
        + ", authTimeout="
        + authTimeout
        + ", maxConnections="
        + maxConnections
        + ", maxConnectionsPerPrincipal="
        + maxConnectionsPerPrincipal
        + ", maxSubscriptionsPerConnection="
        + maxSubscriptionsPerConnection
        + ", inboundMessagesPerSecond="
        + inboundMessagesPerSecond
        + ", inboundBurst="
        + inboundBurst
        + ", maxMalformedFrames="
        + maxMalformedFrames
        + ", heartbeatInterval="
        + heartbeatInterval
        + ", allowedOrigins="
        + allowedOrigins
        + '}';
  }

  /** Builds a {@link WebSocketConfig}. Not thread-safe. */
  public static final class Builder {
    private int maxInboundFrameBytes = 64 << 10;
    private FollowConfig follow = FollowConfig.defaults();
    private Duration authTimeout = Duration.ofSeconds(5);
    private int maxConnections = 50_000;
    private int maxConnectionsPerPrincipal = 200;
    private int maxSubscriptionsPerConnection = 32;
    private int inboundMessagesPerSecond = 20;
    private int inboundBurst = 40;
    private int maxMalformedFrames = 3;
    private Duration heartbeatInterval = Duration.ofSeconds(20);
    private Set<String> allowedOrigins = new TreeSet<>();

    private Builder() {}

    private Builder(WebSocketConfig c) {
      maxInboundFrameBytes = c.maxInboundFrameBytes;
      follow = c.follow;
      authTimeout = c.authTimeout;
      maxConnections = c.maxConnections;
      maxConnectionsPerPrincipal = c.maxConnectionsPerPrincipal;
      maxSubscriptionsPerConnection = c.maxSubscriptionsPerConnection;
      inboundMessagesPerSecond = c.inboundMessagesPerSecond;
      inboundBurst = c.inboundBurst;
      maxMalformedFrames = c.maxMalformedFrames;
      heartbeatInterval = c.heartbeatInterval;
      allowedOrigins = new TreeSet<>(c.allowedOrigins);
    }

    /** Bytes. Default 64 KiB; range 1 KiB to 16 MiB. */
    public Builder maxInboundFrameBytes(int bytes) {
      maxInboundFrameBytes = Ranges.check("maxInboundFrameBytes", bytes, 1 << 10, 16 << 20);
      return this;
    }

    /** Default {@link FollowConfig#defaults()}. */
    public Builder follow(FollowConfig follow) {
      this.follow = Objects.requireNonNull(follow, "follow");
      return this;
    }

    /** Default 5 s; range 100 ms to 5 min. */
    public Builder authTimeout(Duration timeout) {
      authTimeout =
          Ranges.check("authTimeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(5));
      return this;
    }

    /** Default 50,000; range 1 to 10,000,000. */
    public Builder maxConnections(int connections) {
      maxConnections = Ranges.check("maxConnections", connections, 1, 10_000_000);
      return this;
    }

    /** Default 200; range 1 to 10,000,000. */
    public Builder maxConnectionsPerPrincipal(int connections) {
      maxConnectionsPerPrincipal =
          Ranges.check("maxConnectionsPerPrincipal", connections, 1, 10_000_000);
      return this;
    }

    /** Default 32; range 1 to 10,000. */
    public Builder maxSubscriptionsPerConnection(int subscriptions) {
      maxSubscriptionsPerConnection =
          Ranges.check("maxSubscriptionsPerConnection", subscriptions, 1, 10_000);
      return this;
    }

    /** Frames per second. Default 20; range 1 to 100,000. */
    public Builder inboundMessagesPerSecond(int perSecond) {
      inboundMessagesPerSecond = Ranges.check("inboundMessagesPerSecond", perSecond, 1, 100_000);
      return this;
    }

    /** Frames. Default 40; range 1 to 1,000,000. */
    public Builder inboundBurst(int frames) {
      inboundBurst = Ranges.check("inboundBurst", frames, 1, 1_000_000);
      return this;
    }

    /** Default 3; range 0 to 1,000. */
    public Builder maxMalformedFrames(int frames) {
      maxMalformedFrames = Ranges.check("maxMalformedFrames", frames, 0, 1_000);
      return this;
    }

    /** Default 20 s; range 50 ms to 10 min. */
    public Builder heartbeatInterval(Duration interval) {
      heartbeatInterval =
          Ranges.check(
              "heartbeatInterval", interval, Duration.ofMillis(50), Duration.ofMinutes(10));
      return this;
    }

    /**
     * Replaces the allowed browser origins. Each is {@code *} or {@code scheme://host[:port]}
     * ({@code http} or {@code https}, no path). Default: none.
     */
    public Builder allowedOrigins(Set<String> origins) {
      TreeSet<String> copy = new TreeSet<>();
      for (String origin : origins) {
        copy.add(checkOrigin(origin));
      }
      allowedOrigins = copy;
      return this;
    }

    private static String checkOrigin(String origin) {
      Objects.requireNonNull(origin, "origin");
      if (origin.equals("*")) {
        return origin;
      }
      String lower = origin.toLowerCase(Locale.ROOT);
      boolean scheme = lower.startsWith("http://") || lower.startsWith("https://");
      String rest = scheme ? lower.substring(lower.indexOf("://") + 3) : "";
      if (rest.isEmpty() || rest.contains("/") || rest.contains(" ")) {
        throw new IllegalArgumentException(
            "allowedOrigins entries must be * or scheme://host[:port], was " + origin);
      }
      return lower;
    }

    public WebSocketConfig build() {
      return new WebSocketConfig(this);
    }
  }
}
