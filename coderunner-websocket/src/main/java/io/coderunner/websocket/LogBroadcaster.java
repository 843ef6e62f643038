package io.coderunner.websocket;

import io.coderunner.core.DeploymentFeed;
import io.coderunner.core.DeploymentLookup;
import io.coderunner.core.auth.AccessPolicy;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.delivery.DeliveryListener;
import io.coderunner.core.delivery.DeliveryStats;
import io.coderunner.core.delivery.DeliveryStatsSource;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.protocol.FrameCodec;
import io.coderunner.websocket.internal.Broadcaster;
import io.undertow.server.HttpHandler;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Delivers live log lines over WebSocket, speaking CodeRunner's protocol (see {@code
 * docs/protocol.md}).
 *
 * <p><b>Create</b> one per server with {@link #builder()}, mount {@link #handler()} at any path of
 * an Undertow server (it performs the upgrade), then call {@link #start()}, which starts the one
 * housekeeping thread the broadcaster owns (heartbeats, auth timeouts, token expiry, lag checks).
 * <b>Share</b> it: every connection of the server goes through the same instance. It is
 * <b>thread-safe</b>. {@link #close()} stops accepting, flushes what is ready to each connection,
 * closes all of them with 1001 within a deadline, closes their cursors and stops the thread. It
 * does not close the log store, the Undertow server or anything else it was given.
 *
 * <pre>{@code
 * LogBroadcaster broadcaster = LogBroadcaster.builder()
 *     .logStore(store).deployments(deployments).jwt(jwt).accessPolicy(AccessPolicy.ownerOrAdmin())
 *     .build();
 * Undertow server = Undertow.builder().addHttpListener(8080, "127.0.0.1")
 *     .setHandler(Handlers.path().addPrefixPath("/ws", broadcaster.handler())).build();
 * server.start();
 * broadcaster.start();
 * }</pre>
 *
 * <p>It is a {@link DeliveryStatsSource}: metrics read its totals through core's SPI, without
 * depending on this module; a {@link DeliveryListener} given to the builder hears of each live
 * delivery and resume as it happens.
 */
public final class LogBroadcaster implements AutoCloseable, DeliveryStatsSource {
  private final Broadcaster core;

  private LogBroadcaster(Broadcaster core) {
    this.core = core;
  }

  /**
   * Starts building a broadcaster; the log store, deployment lookup and JWT service are required.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The handler to mount; it answers WebSocket upgrades (and 400 to anything else).
   *
   * <p>Before the upgrade it checks the {@code Origin} header against {@link
   * WebSocketConfig#allowedOrigins()} (403) and, when present, the {@code Authorization} header
   * (401 unless it holds a Bearer token that verifies); a client may instead authenticate with an
   * {@code auth} frame. Once {@link #close()} has begun it answers upgrades with 503.
   *
   * @return the same handler on every call
   */
  public HttpHandler handler() {
    return core.handler();
  }

  /**
   * Starts the housekeeping thread (a daemon thread named {@code coderunner-ws-housekeeping}).
   * Idempotent; does nothing once {@link #close()} has been called. Until it runs, connections are
   * served but never pinged, timed out, or checked for token expiry or lag.
   */
  public void start() {
    core.start();
  }

  /**
   * The limits in force.
   *
   * @return the configuration the broadcaster was built with
   */
  public WebSocketConfig config() {
    return core.config();
  }

  /**
   * Totals since creation: connections, frames, bytes and lines sent, closes by code.
   *
   * @return a snapshot taken now; open, authenticated and subscription counts are current, the rest
   *     are totals since creation
   */
  public DeliveryStats stats() {
    return core.stats();
  }

  /**
   * The same as {@link #stats()}: what core's metrics binders read.
   *
   * @return a snapshot taken now, as {@link #stats()} returns
   */
  @Override
  public DeliveryStats deliveryStats() {
    return stats();
  }

  /**
   * Open connections, in no particular order.
   *
   * @return a snapshot taken now, empty when none is open; it does not follow later changes
   */
  public List<ConnectionInfo> connections() {
    return core.connections();
  }

  /**
   * Closes one connection with {@link CloseCodes#POLICY_VIOLATION}. Returns at once; the close
   * happens on the connection's I/O thread.
   *
   * @param connectionId the connection's {@link ConnectionInfo#id() id}
   * @return whether a connection with this id was open
   */
  public boolean disconnect(String connectionId) {
    return core.disconnect(connectionId);
  }

  /** {@link #close(Duration)} with a 5-second deadline. */
  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  /**
   * Drains and closes every connection with 1001, waiting at most {@code deadline}. Connections
   * still open after it are closed without a handshake. New upgrades are refused with 503 from the
   * moment it is called. Only the first call has an effect; later ones return at once.
   *
   * @param deadline how long to wait for the connections to close
   */
  public void close(Duration deadline) {
    core.close(deadline);
  }

  /** Builds a {@link LogBroadcaster}. Not thread-safe. */
  public static final class Builder {
    private WebSocketConfig config = WebSocketConfig.defaults();
    private @Nullable LogStore logStore;
    private @Nullable DeploymentLookup deployments;
    private @Nullable DeploymentFeed deploymentFeed;
    private @Nullable JwtService jwt;
    private AccessPolicy accessPolicy = AccessPolicy.ownerOrAdmin();
    private Clock clock = Clock.systemUTC();
    private @Nullable FrameCodec codec;
    private DeliveryListener deliveryListener = DeliveryListener.NONE;

    private Builder() {}

    /**
     * Sets the limits and timings. Default {@link WebSocketConfig#defaults()}.
     *
     * @param config the configuration; not null
     * @return this builder
     */
    public Builder config(WebSocketConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets where the logs live. Required. The broadcaster opens cursors on it but never closes the
     * store.
     *
     * @param logStore the store subscriptions read from; not null
     * @return this builder
     */
    public Builder logStore(LogStore logStore) {
      this.logStore = Objects.requireNonNull(logStore, "logStore");
      return this;
    }

    /**
     * Sets how deployments are found for access checks. Required.
     *
     * @param deployments the lookup of deployments by id; not null
     * @return this builder
     */
    public Builder deployments(DeploymentLookup deployments) {
      this.deployments = Objects.requireNonNull(deployments, "deployments");
      return this;
    }

    /**
     * Sets where deployments and their changes come from for {@code watch} frames, such as core's
     * {@code DeploymentService}. Optional: without one, a {@code watch} is answered with an {@code
     * error} of code {@code unsupported}. The broadcaster registers with it on {@link
     * LogBroadcaster#start()} and leaves on close.
     *
     * @param feed the deployments and their changes; not null
     * @return this builder
     */
    public Builder deploymentFeed(DeploymentFeed feed) {
      this.deploymentFeed = Objects.requireNonNull(feed, "deploymentFeed");
      return this;
    }

    /**
     * Sets what verifies bearer tokens, from the upgrade request or {@code auth} and {@code
     * refresh} frames. Required.
     *
     * @param jwt the token service; not null
     * @return this builder
     */
    public Builder jwt(JwtService jwt) {
      this.jwt = Objects.requireNonNull(jwt, "jwt");
      return this;
    }

    /**
     * Sets who may follow which deployment. Default {@link AccessPolicy#ownerOrAdmin()}.
     *
     * @param accessPolicy the policy; not null
     * @return this builder
     */
    public Builder accessPolicy(AccessPolicy accessPolicy) {
      this.accessPolicy = Objects.requireNonNull(accessPolicy, "accessPolicy");
      return this;
    }

    /**
     * Sets the time for timeouts, token expiry and lag. Default the UTC system clock.
     *
     * @param clock the clock; not null
     * @return this builder
     */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The frame codec. Default a codec whose inbound limit is the config's {@link
     * WebSocketConfig#maxInboundFrameBytes()}.
     *
     * @param codec the codec for client and server frames; not null
     * @return this builder
     */
    public Builder codec(FrameCodec codec) {
      this.codec = Objects.requireNonNull(codec, "codec");
      return this;
    }

    /**
     * Told of each frame of live lines written (with its delivery latency) and of each resume, on
     * the I/O threads; see {@link DeliveryListener} for what it may do there. Default {@link
     * DeliveryListener#NONE}, which also spares the connections the clock read per frame. The
     * latency is timed with this broadcaster's {@link #clock(Clock) clock} against the append time
     * the log store recorded with its own, so give both the same clock.
     *
     * @param deliveryListener the listener; not null
     * @return this builder
     */
    public Builder deliveryListener(DeliveryListener deliveryListener) {
      this.deliveryListener = Objects.requireNonNull(deliveryListener, "deliveryListener");
      return this;
    }

    /**
     * Builds the broadcaster; it accepts connections once its handler is mounted.
     *
     * @return a new broadcaster, not yet {@link LogBroadcaster#start() started}
     * @throws IllegalStateException if the log store, deployment lookup or JWT service is missing
     */
    public LogBroadcaster build() {
      if (logStore == null || deployments == null || jwt == null) {
        throw new IllegalStateException("logStore, deployments and jwt are required");
      }
      FrameCodec c = codec;
      if (c == null) {
        c =
            FrameCodec.create(
                io.coderunner.core.protocol.ProtocolConfig.builder()
                    .maxFrameBytes(config.maxInboundFrameBytes())
                    .build());
      }
      return new LogBroadcaster(
          new Broadcaster(
              config,
              logStore,
              deployments,
              deploymentFeed,
              jwt,
              accessPolicy,
              clock,
              c,
              deliveryListener));
    }
  }
}
