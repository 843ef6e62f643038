package io.coderunner.websocket.internal;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentEvent;
import io.coderunner.core.DeploymentFeed;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentNotFoundException;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.AuthenticationException;
import io.coderunner.core.auth.VerifiedToken;
import io.coderunner.core.follow.FollowCheck;
import io.coderunner.core.follow.FollowEvent;
import io.coderunner.core.follow.FollowInfo;
import io.coderunner.core.follow.Follower;
import io.coderunner.core.follow.OwnerThread;
import io.coderunner.core.log.CursorOpening;
import io.coderunner.core.log.EndReason;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.StartPosition;
import io.coderunner.core.protocol.ClientFrame;
import io.coderunner.core.protocol.EncodedFrame;
import io.coderunner.core.protocol.ProtocolException;
import io.coderunner.core.protocol.ServerFrame;
import io.coderunner.core.protocol.SubscribeFilter;
import io.coderunner.websocket.CloseCodes;
import io.coderunner.websocket.ConnectionInfo;
import io.coderunner.websocket.ErrorCodes;
import io.coderunner.websocket.SubscriptionInfo;
import io.undertow.websockets.core.AbstractReceiveListener;
import io.undertow.websockets.core.BufferedBinaryMessage;
import io.undertow.websockets.core.BufferedTextMessage;
import io.undertow.websockets.core.WebSocketCallback;
import io.undertow.websockets.core.WebSocketChannel;
import io.undertow.websockets.core.WebSockets;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.xnio.IoUtils;
import org.xnio.Options;

/**
 * One WebSocket connection: it receives and answers client frames and writes what its {@link
 * Follower} hands out, one frame in flight. Its parts each have one home: who it is ({@link
 * ConnectionAuth}), what it may send ({@link InboundLimits}), what it follows and how ({@link
 * Follower}, core's policy shared with SSE), whether its peer is alive ({@link Heartbeat}).
 *
 * <p>Everything not marked otherwise is confined to the channel's I/O thread; other threads hand
 * work over with {@link #onIoThread}.
 */
// frames, bytes and lines have one writer, the I/O thread; other threads only read them.
@SuppressWarnings("NonAtomicVolatileUpdate")
final class Connection extends AbstractReceiveListener {
  /** How long a close handshake may take before the channel is closed without it. */
  private static final long CLOSE_GRACE_MILLIS = 2_000;

  /** Frames waiting behind the one in flight; a client that lets more pile up is not reading. */
  private static final int MAX_PENDING_FRAMES = 256;

  private final Context ctx;
  final String id;
  private final WebSocketChannel channel;
  private final Instant connectedAt;
  private final String remoteAddress;
  private final Consumer<Connection> onClosed;
  private final ConnectionAuth auth;
  private final InboundLimits inbound;
  private final Heartbeat heartbeat;
  private final Follower follower;

  // I/O thread only
  private final ArrayDeque<EncodedFrame> control = new ArrayDeque<>();

  /**
   * Deployment changes not yet written, by deployment id: a newer change to a deployment replaces
   * the one waiting (and moves to the end), so this holds at most one frame per deployment the
   * principal may see, plus the {@code watching} marker. Filled by any thread (the changers'),
   * drained on the I/O thread.
   */
  private final LinkedHashMap<String, ServerFrame> watchPending = new LinkedHashMap<>();

  private final Object watchLock = new Object();
  private boolean watching; // guarded by watchLock
  // Not a deployment id (ids are [A-Za-z0-9._-]), so it never replaces a deployment's change.
  private static final String WATCHING_KEY = " watching";
  private boolean writing;
  private boolean draining;
  private boolean drainAgain;
  private boolean closeSent;
  private boolean shuttingDown;
  private @Nullable Runnable shutdownDone;
  private boolean cleanedUp;

  /** Live frames since the last one timed: one in {@code timingInterval} is. */
  private int untimedFrames;

  // Read by other threads
  private volatile boolean ended;
  private volatile long frames;
  private volatile long bytes;
  private volatile long lines;
  private final AtomicBoolean closeRequested = new AtomicBoolean();

  Connection(
      Context ctx,
      String id,
      WebSocketChannel channel,
      Instant connectedAt,
      Consumer<Connection> onClosed) {
    this.ctx = ctx;
    this.id = id;
    this.channel = channel;
    this.connectedAt = connectedAt;
    this.remoteAddress = String.valueOf(channel.getPeerAddress());
    this.onClosed = onClosed;
    this.auth = new ConnectionAuth(connectedAt.plus(ctx.config().authTimeout()), ctx.quota());
    long now = System.nanoTime();
    this.inbound = new InboundLimits(ctx.config(), now);
    this.heartbeat = new Heartbeat(ctx.config().heartbeatInterval().toNanos(), now);
    this.follower =
        Follower.create(
            ctx.config().follow(),
            ctx.store(),
            ctx.clock(),
            OwnerThread.of(this::onIoThread, this::afterIo),
            this::drain);
  }

  // ------------------------------------------------------------------ lifecycle (I/O thread)

  void start(@Nullable VerifiedToken token) {
    try {
      // Frames are written whole and latency matters more than packet count: no Nagle delay.
      channel.setOption(Options.TCP_NODELAY, Boolean.TRUE);
    } catch (java.io.IOException | RuntimeException e) {
      // Not a TCP channel (or the option is unsupported): delivery still works, only later.
    }
    channel.getReceiveSetter().set(this);
    channel.resumeReceives();
    if (token != null) {
      authenticate(token);
    }
  }

  private void authenticate(VerifiedToken token) {
    Principal p = token.principal();
    if (!auth.admit(p)) {
      closeOnIoThread(CloseCodes.TOO_MANY, "too many connections for this principal");
      return;
    }
    follower.expireAt(ctx.jwt().validUntil(token));
    send(new ServerFrame.Welcome(id, p));
  }

  /** Runs when the channel has closed, whoever closed it. */
  void closed() {
    if (Thread.currentThread() != channel.getIoThread()) {
      ended = true;
      onIoThread(this::closed);
      return;
    }
    if (cleanedUp) {
      return;
    }
    cleanedUp = true;
    ended = true;
    follower.close();
    control.clear();
    synchronized (watchLock) {
      watching = false;
      watchPending.clear();
    }
    auth.release();
    onClosed.accept(this);
    Runnable done = shutdownDone;
    if (done != null) {
      shutdownDone = null;
      done.run();
    }
  }

  /** Runs {@code task} on this connection's I/O thread; never throws. */
  private void onIoThread(Runnable task) {
    try {
      channel.getIoThread().execute(task);
    } catch (RuntimeException e) {
      IoUtils.safeClose(channel);
    }
  }

  /** Runs {@code task} on the I/O thread after its next select: its sockets go first. */
  private void afterIo(Runnable task) {
    try {
      channel.getIoThread().executeAfter(task, 1, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      IoUtils.safeClose(channel);
    }
  }

  /** Closes with {@code code}; callable from any thread. */
  void close(int code, String reason) {
    if (closeRequested.compareAndSet(false, true)) {
      onIoThread(() -> closeOnIoThread(code, reason));
    }
  }

  void closeOnIoThread(int code, String reason) {
    closeRequested.set(true);
    if (closeSent || ended) {
      return;
    }
    closeSent = true;
    ctx.telemetry().countClose(code);
    control.clear();
    WebSockets.sendClose(code, reason, channel, null);
    channel
        .getIoThread()
        .executeAfter(() -> IoUtils.safeClose(channel), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Drains what is ready, then closes with 1001; {@code done} runs once the channel closed. */
  void shutdown(Runnable done) {
    onIoThread(
        () -> {
          if (ended) {
            done.run();
            return;
          }
          shutdownDone = done;
          shuttingDown = true;
          drain();
        });
  }

  /** Closes the channel at once, without a close frame; any thread. */
  void forceClose() {
    onIoThread(() -> IoUtils.safeClose(channel));
  }

  // ------------------------------------------------------------------ receiving (I/O thread)

  @Override
  protected long getMaxTextBufferSize() {
    return ctx.config().maxInboundFrameBytes();
  }

  @Override
  protected long getMaxBinaryBufferSize() {
    return ctx.config().maxInboundFrameBytes();
  }

  @Override
  protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
    long now = System.nanoTime();
    heartbeat.received(now);
    if (closeSent || ended) {
      return;
    }
    if (!inbound.take(now)) {
      closeOnIoThread(CloseCodes.TOO_MANY, "too many messages");
      return;
    }
    ClientFrame frame;
    try {
      frame = ctx.codec().decodeClient(message.getData());
    } catch (ProtocolException e) {
      malformed(ErrorCodes.BAD_FRAME, String.valueOf(e.getMessage()), e.field());
      return;
    }
    try {
      handle(frame);
    } catch (RuntimeException e) {
      // No input may escape as an exception; answer generically and keep the connection.
      send(new ServerFrame.Error("internal_error", "the frame could not be handled", null));
    }
  }

  @Override
  protected void onFullBinaryMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
    message.getData().free();
    heartbeat.received(System.nanoTime());
    closeOnIoThread(CloseCodes.MALFORMED, "binary frames are not accepted");
  }

  @Override
  protected void onFullPongMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
    message.getData().free();
    long now = System.nanoTime();
    heartbeat.received(now);
    // Unsolicited pongs are frames like any other: a flood of them is refused like one of pings.
    if (!closeSent && !ended && !inbound.take(now)) {
      closeOnIoThread(CloseCodes.TOO_MANY, "too many messages");
    }
  }

  @Override
  protected void onFullPingMessage(WebSocketChannel ch, BufferedBinaryMessage message)
      throws java.io.IOException {
    long now = System.nanoTime();
    heartbeat.received(now);
    if (!inbound.take(now)) {
      message.getData().free();
      closeOnIoThread(CloseCodes.TOO_MANY, "too many messages");
      return;
    }
    super.onFullPingMessage(ch, message);
  }

  @Override
  protected void onError(WebSocketChannel ch, Throwable error) {
    String message = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
    boolean tooLarge =
        message.contains("exceeded max message size") || message.contains("ut002040");
    if (!tooLarge) {
      IoUtils.safeClose(ch);
      return;
    }
    if (ch.isCloseFrameSent()) {
      // Undertow already answered with 1009; count it and let the close handshake finish.
      if (!closeSent) {
        closeSent = true;
        closeRequested.set(true);
        ctx.telemetry().countClose(CloseCodes.TOO_LARGE);
        ch.getIoThread()
            .executeAfter(() -> IoUtils.safeClose(ch), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
      }
    } else {
      closeOnIoThread(
          CloseCodes.TOO_LARGE,
          "frame larger than " + ctx.config().maxInboundFrameBytes() + " bytes");
    }
  }

  private void malformed(String code, String message, @Nullable String ref) {
    if (!inbound.malformed()) {
      closeOnIoThread(CloseCodes.MALFORMED, "too many malformed frames");
      return;
    }
    send(new ServerFrame.Error(code, message, ref));
  }

  private void handle(ClientFrame frame) {
    Principal p = auth.principal();
    if (frame instanceof ClientFrame.Auth a) {
      if (p != null) {
        malformed(
            ErrorCodes.ALREADY_AUTHENTICATED, "the connection is already authenticated", null);
        return;
      }
      try {
        authenticate(ctx.jwt().verify(a.token()));
      } catch (AuthenticationException e) {
        ctx.telemetry().countAuthFailure(e.reason().name().toLowerCase(Locale.ROOT));
        closeOnIoThread(CloseCodes.UNAUTHENTICATED, String.valueOf(e.getMessage()));
      }
      return;
    }
    if (p == null) {
      malformed(ErrorCodes.NOT_AUTHENTICATED, "send an auth frame first", null);
      return;
    }
    if (frame instanceof ClientFrame.Refresh refresh) {
      refresh(p, refresh.token());
    } else if (frame instanceof ClientFrame.Subscribe subscribe) {
      subscribe(p, subscribe);
    } else if (frame instanceof ClientFrame.Unsubscribe unsubscribe) {
      if (!follower.close(unsubscribe.deploymentId())) {
        send(
            new ServerFrame.Error(
                ErrorCodes.NOT_SUBSCRIBED, "not subscribed", unsubscribe.deploymentId().value()));
      }
    } else if (frame instanceof ClientFrame.Watch watch) {
      watch(p, watch.deployments());
    } else if (frame instanceof ClientFrame.Ping ping) {
      send(new ServerFrame.Pong(ping.id()));
    }
  }

  /**
   * Starts or stops the watch. Starting puts an {@code existing} change for every deployment the
   * principal may see, then the {@code watching} marker, under the same lock as live changes take:
   * a change made while the list is read waits and then replaces what it changes, so the client
   * never sees a deployment come back after its delete.
   */
  private void watch(Principal p, boolean on) {
    DeploymentFeed feed = ctx.feed();
    if (feed == null) {
      send(
          new ServerFrame.Error(
              ErrorCodes.UNSUPPORTED, "this server does not offer deployment watches", null));
      return;
    }
    boolean refused;
    synchronized (watchLock) {
      refused = watching == on;
      if (!refused) {
        watching = on;
        watchPending.clear();
        if (on) {
          for (Deployment d : feed.all()) {
            if (ctx.policy().canRead(p, d)) {
              watchPending.put(
                  d.id().value(), new ServerFrame.DeploymentChange(ServerFrame.Change.EXISTING, d));
            }
          }
          watchPending.put(WATCHING_KEY, new ServerFrame.Watching(true));
        }
      }
    }
    if (refused) {
      send(
          on
              ? new ServerFrame.Error(ErrorCodes.ALREADY_WATCHING, "already watching", null)
              : new ServerFrame.Error(ErrorCodes.NOT_WATCHING, "not watching", null));
    } else if (on) {
      drain();
    } else {
      send(new ServerFrame.Watching(false));
    }
  }

  /** Takes a deployment's change for the client, if it watches and may see it; any thread. */
  void deploymentChanged(DeploymentEvent event) {
    Principal p = auth.principal();
    if (p == null || ended) {
      return;
    }
    Deployment d = event.deployment();
    synchronized (watchLock) {
      if (!watching || !ctx.policy().canRead(p, d)) {
        return;
      }
      // Moved to the end: frames go out in the order of each deployment's latest change.
      watchPending.remove(d.id().value());
      watchPending.put(
          d.id().value(), new ServerFrame.DeploymentChange(ServerFrame.Change.of(event.kind()), d));
    }
    onIoThread(this::drain);
  }

  private @Nullable ServerFrame nextWatchFrame() {
    synchronized (watchLock) {
      Iterator<ServerFrame> it = watchPending.values().iterator();
      if (!it.hasNext()) {
        return null;
      }
      ServerFrame next = it.next();
      it.remove();
      return next;
    }
  }

  private void refresh(Principal current, String token) {
    VerifiedToken verified;
    try {
      verified = ctx.jwt().verify(token);
    } catch (AuthenticationException e) {
      ctx.telemetry().countAuthFailure("refresh_" + e.reason().name().toLowerCase(Locale.ROOT));
      send(new ServerFrame.Error(ErrorCodes.INVALID_TOKEN, String.valueOf(e.getMessage()), null));
      return;
    }
    if (!verified.principal().id().equals(current.id())) {
      ctx.telemetry().countAuthFailure("refresh_subject");
      closeOnIoThread(CloseCodes.FORBIDDEN, "a connection cannot change its subject");
      return;
    }
    auth.refreshTo(verified.principal());
    follower.expireAt(ctx.jwt().validUntil(verified));
    // The roles may have changed: drop what the principal may no longer read.
    for (FollowInfo f : follower.follows()) {
      if (!mayRead(verified.principal(), f.deploymentId())) {
        follower.close(f.deploymentId());
        forbidden(f.deploymentId());
      }
    }
  }

  private boolean mayRead(Principal p, DeploymentId id) {
    Optional<Deployment> d = ctx.deployments().find(id);
    return d.isPresent() && ctx.policy().canRead(p, d.get());
  }

  private void subscribe(Principal p, ClientFrame.Subscribe s) {
    DeploymentId deployment = s.deploymentId();
    if (follower.isFollowing(deployment)) {
      send(
          new ServerFrame.Error(
              ErrorCodes.ALREADY_SUBSCRIBED, "already subscribed", deployment.value()));
      return;
    }
    int max = ctx.config().maxSubscriptionsPerConnection();
    if (follower.size() >= max) {
      send(
          new ServerFrame.Error(
              ErrorCodes.TOO_MANY_SUBSCRIPTIONS,
              "at most " + max + " subscriptions",
              deployment.value()));
      return;
    }
    if (!mayRead(p, deployment)) {
      forbidden(deployment);
      return;
    }
    StartPosition start;
    Integer tail = s.tail();
    Long after = s.after();
    if (tail != null) {
      start = StartPosition.tail(tail);
    } else if (after != null) {
      start = new StartPosition.After(after, s.epoch());
    } else {
      start = StartPosition.live();
    }
    try {
      follower.open(deployment, start, toFilter(s.filter()));
    } catch (DeploymentNotFoundException e) {
      forbidden(deployment);
      return;
    }
    drain(); // subscribed goes out now, not a task later
  }

  private void forbidden(DeploymentId deployment) {
    send(
        new ServerFrame.Error(
            ErrorCodes.FORBIDDEN,
            "no such deployment, or not allowed to read it",
            deployment.value()));
  }

  private static LogFilter toFilter(SubscribeFilter f) {
    if (f.isNone()) {
      return LogFilter.all();
    }
    return LogFilter.builder().levels(f.levels()).streams(f.streams()).query(f.q()).build();
  }

  // ------------------------------------------------------------------ writing (I/O thread)

  private void send(ServerFrame frame) {
    if (control.size() >= MAX_PENDING_FRAMES) {
      closeOnIoThread(CloseCodes.SLOW_CONSUMER, "not reading its frames");
      return;
    }
    control.add(ctx.frames().encode(frame));
    drain();
  }

  /** Writes what is ready, one frame at a time, as long as each write completes at once. */
  private void drain() {
    if (draining) {
      drainAgain = true;
      return;
    }
    draining = true;
    follower.beginTurn(); // an outer call is a task of its own: a new turn
    try {
      do {
        drainAgain = false;
        drainOnce();
      } while (drainAgain);
    } finally {
      draining = false;
    }
  }

  private void drainOnce() {
    if (writing || closeSent || ended) {
      return;
    }
    EncodedFrame next = control.poll();
    if (next != null) {
      write(next, 0, null);
      return;
    }
    ServerFrame change = nextWatchFrame();
    if (change != null) {
      write(ctx.frames().encode(change), 0, null);
      return;
    }
    FollowEvent event = follower.next();
    if (event == null) {
      if (shuttingDown && follower.isCaughtUp()) {
        closeOnIoThread(CloseCodes.GOING_AWAY, "server shutting down");
      }
      return; // the follower runs drain again when there is more
    }
    if (event instanceof FollowEvent.Lines batch) {
      writeLines(batch);
      return;
    }
    EncodedFrame frame = frameOf(event);
    if (frame == null) {
      drainAgain = true;
      return;
    }
    write(frame, 0, null);
  }

  private void writeLines(FollowEvent.Lines batch) {
    int n = batch.lines().size();
    lines += n;
    ctx.telemetry().linesSent.add(n);
    Telemetry t = ctx.telemetry();
    boolean timed = t.timesDeliveries() && batch.live() && ++untimedFrames >= t.timingInterval;
    if (timed) {
      untimedFrames = 0;
    }
    write(ctx.frames().logs(batch), timed ? n : 0, timed ? batch.appendedAt() : null);
  }

  /** The frame for an event other than lines, or null when there is nothing to send for it. */
  private @Nullable EncodedFrame frameOf(FollowEvent event) {
    DeploymentId d = event.deploymentId();
    if (event instanceof FollowEvent.Opened opened) {
      CursorOpening o = opened.opening();
      if (opened.resume() != null) {
        ctx.telemetry().resumed(opened.resume());
      }
      return ctx.frames()
          .encode(
              new ServerFrame.Subscribed(d, o.epoch(), o.firstAvailable(), o.next(), o.reset()));
    }
    if (event instanceof FollowEvent.Status status) {
      return ctx.frames().encode(new ServerFrame.Status(d, status.status(), status.timestamp()));
    }
    if (event instanceof FollowEvent.Gap gap) {
      return ctx.frames().encode(new ServerFrame.Gap(d, gap.from(), gap.to()));
    }
    FollowEvent.Ended e = (FollowEvent.Ended) event;
    if (ctx.closing().getAsBoolean() || e.reason() == EndReason.CLOSED) {
      return null;
    }
    String why =
        e.reason() == EndReason.DELETED ? "the deployment was deleted" : "the log store was closed";
    return ctx.frames()
        .encode(new ServerFrame.Error(ErrorCodes.SUBSCRIPTION_ENDED, why, d.value()));
  }

  /**
   * Writes one frame. When it is a timed frame of live lines, {@code liveLines} counts them and
   * their delivery is timed from {@code appendedAt} once the frame is written.
   */
  private void write(EncodedFrame frame, int liveLines, @Nullable Instant appendedAt) {
    writing = true;
    int size = frame.sizeBytes();
    WebSockets.sendText(
        frame.asReadOnlyBuffer(),
        channel,
        new WebSocketCallback<Void>() {
          @Override
          public void complete(WebSocketChannel ch, @Nullable Void context) {
            writing = false;
            frames++;
            bytes += size;
            ctx.telemetry().frameWritten(size);
            if (appendedAt != null) {
              long nanos = Duration.between(appendedAt, ctx.clock().instant()).toNanos();
              ctx.telemetry().delivered(liveLines, Math.max(0, nanos));
            }
            drain();
          }

          @Override
          public void onError(WebSocketChannel ch, @Nullable Void context, Throwable throwable) {
            writing = false;
            IoUtils.safeClose(ch);
          }
        });
  }

  // ------------------------------------------------------------------ housekeeping thread

  /**
   * The timed rules, in order: the auth deadline of an unauthenticated connection; the follower's
   * bounds (token expiry, lag); the heartbeat.
   */
  void housekeep(Instant now, long nowNanos) {
    if (ended || closeRequested.get()) {
      return;
    }
    if (auth.principal() == null) {
      if (auth.deadlinePassed(now)) {
        ctx.telemetry().countAuthFailure("timeout");
        close(CloseCodes.UNAUTHENTICATED, "not authenticated within " + ctx.config().authTimeout());
      }
      return;
    }
    FollowCheck check = follower.check(now);
    if (check instanceof FollowCheck.Expired) {
      ctx.telemetry().countAuthFailure("expired");
      close(CloseCodes.UNAUTHENTICATED, "token expired");
      return;
    }
    if (check instanceof FollowCheck.TooFarBehind behind) {
      close(
          CloseCodes.SLOW_CONSUMER,
          "too far behind on " + behind.deploymentId() + "; resume after the last seq received");
      return;
    }
    switch (heartbeat.check(nowNanos, check == FollowCheck.BEHIND)) {
      case PING -> onIoThread(this::ping);
      case DEAD -> {
        ctx.telemetry().countClose(1006);
        closeRequested.set(true);
        forceClose(); // the peer is gone, or reads nothing at all
      }
      case NONE -> {
        // alive, or already pinged
      }
    }
  }

  private void ping() {
    if (closeSent || ended) {
      return;
    }
    WebSockets.sendPing(
        ByteBuffer.allocate(0),
        channel,
        new WebSocketCallback<Void>() {
          @Override
          public void complete(WebSocketChannel ch, @Nullable Void context) {
            heartbeat.pingWritten(System.nanoTime());
          }

          @Override
          public void onError(WebSocketChannel ch, @Nullable Void context, Throwable throwable) {
            IoUtils.safeClose(ch);
          }
        });
  }

  // ------------------------------------------------------------------ admin (any thread)

  @Nullable Principal principal() {
    return auth.principal();
  }

  int subscriptionCount() {
    return follower.size();
  }

  ConnectionInfo info() {
    List<SubscriptionInfo> subs = new ArrayList<>();
    for (FollowInfo f : follower.follows()) {
      subs.add(new SubscriptionInfo(f.deploymentId(), f.position(), f.lag()));
    }
    return new ConnectionInfo(
        id, auth.principal(), remoteAddress, subs, frames, bytes, lines, connectedAt);
  }
}
