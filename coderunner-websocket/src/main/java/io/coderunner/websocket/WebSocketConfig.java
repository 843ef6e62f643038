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

  /**
   * The configuration every setting of which has its documented default.
   *
   * @return the shared default configuration
   */
  public static WebSocketConfig defaults() {
    return DEFAULTS;
  }

  /**
   * Starts a configuration from the defaults.
   *
   * @return a new builder holding the default settings
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a configuration from this one, to change some settings and keep the rest.
   *
   * @return a new builder holding this configuration's settings
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Largest frame a client may send; a larger one closes the connection with 1009.
   *
   * @return the limit in bytes, 1 KiB to 16 MiB (default 64 KiB)
   */
  public int maxInboundFrameBytes() {
    return maxInboundFrameBytes;
  }

  /**
   * How subscriptions are followed: lines and bytes of one {@code logs} frame, lines read per turn
   * of the I/O thread, and the lag bounds past which a connection is closed with 4008.
   *
   * @return the follow policy (default {@link FollowConfig#defaults()})
   */
  public FollowConfig follow() {
    return follow;
  }

  /**
   * How long a connection may stay unauthenticated before it is closed with 4401.
   *
   * @return the timeout, 100 ms to 5 min (default 5 s)
   */
  public Duration authTimeout() {
    return authTimeout;
  }

  /**
   * Most open connections in total; a connection beyond it is closed with 4429 as it opens.
   *
   * @return the limit, 1 to 10,000,000 (default 50,000)
   */
  public int maxConnections() {
    return maxConnections;
  }

  /**
   * Most authenticated connections of one principal; one more is closed with 4429 when it
   * authenticates.
   *
   * @return the limit, 1 to 10,000,000 (default 200)
   */
  public int maxConnectionsPerPrincipal() {
    return maxConnectionsPerPrincipal;
  }

  /**
   * Most subscriptions on one connection; one more is refused with an {@code error} frame ({@link
   * ErrorCodes#TOO_MANY_SUBSCRIPTIONS}) and the connection stays open.
   *
   * @return the limit, 1 to 10,000 (default 32)
   */
  public int maxSubscriptionsPerConnection() {
    return maxSubscriptionsPerConnection;
  }

  /**
   * Sustained rate of client frames per connection (text frames, pings and pongs all count); a
   * connection that sends faster once its {@link #inboundBurst() burst} is spent is closed with
   * 4429.
   *
   * @return frames per second, 1 to 100,000 (default 20)
   */
  public int inboundMessagesPerSecond() {
    return inboundMessagesPerSecond;
  }

  /**
   * Client frames a connection may send at once before the rate applies.
   *
   * @return the burst in frames, 1 to 1,000,000 (default 40)
   */
  public int inboundBurst() {
    return inboundBurst;
  }

  /**
   * Malformed frames a connection may send, each answered with an {@code error} frame; the next one
   * closes the connection with 4400.
   *
   * @return the count, 0 to 1,000 (default 3); 0 closes on the first malformed frame
   */
  public int maxMalformedFrames() {
    return maxMalformedFrames;
  }

  /**
   * How often an idle connection is pinged; a peer that answers neither a ping nor anything else
   * for two intervals is closed.
   *
   * @return the interval, 50 ms to 10 min (default 20 s)
   */
  public Duration heartbeatInterval() {
    return heartbeatInterval;
  }

  /**
   * Origins (scheme://host[:port], lower case) a browser upgrade may come from; {@code *} allows
   * any. An upgrade without an {@code Origin} header (not from a browser) is always allowed; one
   * from an origin not listed is refused with HTTP 403.
   *
   * @return the allowed origins, unmodifiable; empty (the default) admits no browser origin
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

    /**
     * Sets the largest frame a client may send; a larger one closes the connection with 1009.
     * Default 64 KiB.
     *
     * @param bytes the limit in bytes, 1 KiB ({@code 1024}) to 16 MiB
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is out of range
     */
    public Builder maxInboundFrameBytes(int bytes) {
      maxInboundFrameBytes = Ranges.check("maxInboundFrameBytes", bytes, 1 << 10, 16 << 20);
      return this;
    }

    /**
     * Sets how subscriptions are followed: batch sizes, the work of one turn and the lag bounds.
     * Default {@link FollowConfig#defaults()}.
     *
     * @param follow the follow policy; not null
     * @return this builder
     */
    public Builder follow(FollowConfig follow) {
      this.follow = Objects.requireNonNull(follow, "follow");
      return this;
    }

    /**
     * Sets how long a connection may stay unauthenticated before it is closed with 4401. Default 5
     * s.
     *
     * @param timeout 100 ms to 5 min
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is out of range
     */
    public Builder authTimeout(Duration timeout) {
      authTimeout =
          Ranges.check("authTimeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(5));
      return this;
    }

    /**
     * Sets the most open connections in total; one beyond it is closed with 4429. Default 50,000.
     *
     * @param connections 1 to 10,000,000
     * @return this builder
     * @throws IllegalArgumentException if {@code connections} is out of range
     */
    public Builder maxConnections(int connections) {
      maxConnections = Ranges.check("maxConnections", connections, 1, 10_000_000);
      return this;
    }

    /**
     * Sets the most authenticated connections of one principal; one more is closed with 4429.
     * Default 200.
     *
     * @param connections 1 to 10,000,000
     * @return this builder
     * @throws IllegalArgumentException if {@code connections} is out of range
     */
    public Builder maxConnectionsPerPrincipal(int connections) {
      maxConnectionsPerPrincipal =
          Ranges.check("maxConnectionsPerPrincipal", connections, 1, 10_000_000);
      return this;
    }

    /**
     * Sets the most subscriptions on one connection; one more is refused with an {@code error}
     * frame. Default 32.
     *
     * @param subscriptions 1 to 10,000
     * @return this builder
     * @throws IllegalArgumentException if {@code subscriptions} is out of range
     */
    public Builder maxSubscriptionsPerConnection(int subscriptions) {
      maxSubscriptionsPerConnection =
          Ranges.check("maxSubscriptionsPerConnection", subscriptions, 1, 10_000);
      return this;
    }

    /**
     * Sets the sustained rate of client frames per connection; faster, once the burst is spent,
     * closes the connection with 4429. Default 20.
     *
     * @param perSecond frames per second, 1 to 100,000
     * @return this builder
     * @throws IllegalArgumentException if {@code perSecond} is out of range
     */
    public Builder inboundMessagesPerSecond(int perSecond) {
      inboundMessagesPerSecond = Ranges.check("inboundMessagesPerSecond", perSecond, 1, 100_000);
      return this;
    }

    /**
     * Sets how many client frames a connection may send at once before the rate applies. Default
     * 40.
     *
     * @param frames 1 to 1,000,000
     * @return this builder
     * @throws IllegalArgumentException if {@code frames} is out of range
     */
    public Builder inboundBurst(int frames) {
      inboundBurst = Ranges.check("inboundBurst", frames, 1, 1_000_000);
      return this;
    }

    /**
     * Sets how many malformed frames a connection may send, each answered with an {@code error}
     * frame, before the next one closes it with 4400. Default 3.
     *
     * @param frames 0 to 1,000; 0 closes on the first malformed frame
     * @return this builder
     * @throws IllegalArgumentException if {@code frames} is out of range
     */
    public Builder maxMalformedFrames(int frames) {
      maxMalformedFrames = Ranges.check("maxMalformedFrames", frames, 0, 1_000);
      return this;
    }

    /**
     * Sets how often an idle connection is pinged; a peer silent for two intervals is closed.
     * Default 20 s.
     *
     * @param interval 50 ms to 10 min
     * @return this builder
     * @throws IllegalArgumentException if {@code interval} is out of range
     */
    public Builder heartbeatInterval(Duration interval) {
      heartbeatInterval =
          Ranges.check(
              "heartbeatInterval", interval, Duration.ofMillis(50), Duration.ofMinutes(10));
      return this;
    }

    /**
     * Replaces the allowed browser origins. Each is {@code *} or {@code scheme://host[:port]}
     * ({@code http} or {@code https}, no path); they are compared in lower case. Default: none,
     * which refuses every browser upgrade.
     *
     * @param origins the origins to allow; empty for none
     * @return this builder
     * @throws IllegalArgumentException if an entry is neither {@code *} nor an origin of that form
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

    /**
     * Builds the configuration; every value was checked as it was set.
     *
     * @return a new immutable configuration
     */
    public WebSocketConfig build() {
      return new WebSocketConfig(this);
    }
  }
}
