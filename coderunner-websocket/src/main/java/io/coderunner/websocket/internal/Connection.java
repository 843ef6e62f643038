package io.coderunner.websocket.internal;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentNotFoundException;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogLine;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.AuthenticationException;
import io.coderunner.core.auth.VerifiedToken;
import io.coderunner.core.delivery.ResumeOutcome;
import io.coderunner.core.log.CursorBatch;
import io.coderunner.core.log.CursorLag;
import io.coderunner.core.log.CursorListener;
import io.coderunner.core.log.CursorOpening;
import io.coderunner.core.log.EndReason;
import io.coderunner.core.log.LogCursor;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.LogInfo;
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
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.xnio.IoUtils;
import org.xnio.Options;

/**
 * One WebSocket connection. Everything not marked volatile is confined to the channel's I/O thread;
 * other threads hand work over with {@link #onIoThread}.
 */
// frames, bytes and lines have one writer, the I/O thread; other threads only read them.
@SuppressWarnings("NonAtomicVolatileUpdate")
final class Connection extends AbstractReceiveListener implements CursorListener {
  /** Polls of one subscription in one drain that may find only filtered-out lines. */
  private static final int MAX_EMPTY_POLLS = 64;

  /** How long a close handshake may take before the channel is closed without it. */
  private static final long CLOSE_GRACE_MILLIS = 2_000;

  /** How long a subscription may stay over its byte lag bound before 4008. */
  private static final Duration BYTE_LAG_GRACE = Duration.ofSeconds(1);

  /** Frames waiting behind the one in flight; a client that lets more pile up is not reading. */
  private static final int MAX_PENDING_FRAMES = 256;

  private final Broadcaster b;
  final String id;
  private final WebSocketChannel channel;
  private final Instant connectedAt;
  private final String remoteAddress;
  private final Instant authDeadline;

  /** Subscriptions by deployment; written on the I/O thread, read by admin calls. */
  private final ConcurrentHashMap<DeploymentId, Subscription> subscriptions =
      new ConcurrentHashMap<>();

  // I/O thread only
  private final List<Subscription> order = new ArrayList<>();
  private final ArrayDeque<EncodedFrame> control = new ArrayDeque<>();
  private int nextSubscription;
  private boolean writing;
  private boolean draining;
  private boolean drainAgain;
  private boolean closeSent;
  private boolean shuttingDown;
  private boolean admitted;
  private int malformed;
  private double tokens;
  private long tokensAt;
  private @Nullable Runnable shutdownDone;
  private boolean cleanedUp;

  /** Live lines in the logs frame the last poll returned, and their oldest line's append time. */
  private int polledLiveLines;

  private @Nullable Instant polledAppendedAt;

  /** Live frames since the last one timed: one in {@code b.timingInterval} is. */
  private int untimedFrames;

  // Read by other threads
  private volatile @Nullable Principal principal;
  private volatile @Nullable Instant tokenExpiry;
  private volatile boolean ended;
  private volatile long lastReceivedNanos = System.nanoTime();
  private volatile long pingSentNanos;
  private volatile long pingWrittenNanos;
  private volatile long frames;
  private volatile long bytes;
  private volatile long lines;
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final AtomicBoolean closeRequested = new AtomicBoolean();

  /**
   * One followed deployment. The cursor reads every line; the subscription's own filter is applied
   * here, so that status changes reach the client as {@code status} frames whatever it filters.
   */
  private static final class Subscription {
    final DeploymentId id;
    final LogCursor cursor;
    final LogFilter filter;
    final String epoch;
    final Instant since;

    /** The head of the log when the subscription opened: reading up to it is replaying. */
    final long replayEnd;

    /** When the byte lag was first seen over its bound, or null; housekeeping thread only. */
    @Nullable Instant overBytesSince;

    Subscription(
        DeploymentId id, LogCursor cursor, LogFilter filter, long replayEnd, Instant since) {
      this.id = id;
      this.cursor = cursor;
      this.filter = filter;
      this.epoch = cursor.opening().epoch();
      this.replayEnd = replayEnd;
      this.since = since;
    }

    DeploymentId id() {
      return id;
    }

    LogCursor cursor() {
      return cursor;
    }
  }

  Connection(Broadcaster b, String id, WebSocketChannel channel, Instant connectedAt) {
    this.b = b;
    this.id = id;
    this.channel = channel;
    this.connectedAt = connectedAt;
    this.remoteAddress = String.valueOf(channel.getPeerAddress());
    this.authDeadline = connectedAt.plus(b.config.authTimeout());
    this.tokens = b.config.inboundBurst();
    this.tokensAt = System.nanoTime();
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
    if (!b.admitPrincipal(p.id())) {
      closeOnIoThread(CloseCodes.TOO_MANY, "too many connections for this principal");
      return;
    }
    admitted = true;
    principal = p;
    tokenExpiry = token.expiresAt().plus(b.jwt.config().leeway());
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
    for (Subscription s : order) {
      s.cursor().close();
    }
    order.clear();
    subscriptions.clear();
    control.clear();
    Principal p = principal;
    if (admitted && p != null) {
      b.releasePrincipal(p.id());
      admitted = false;
    }
    b.removed(this);
    Runnable done = shutdownDone;
    if (done != null) {
      shutdownDone = null;
      done.run();
    }
  }

  private void onIoThread(Runnable task) {
    try {
      channel.getIoThread().execute(task);
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
    b.countClose(code);
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

  void forceClose() {
    onIoThread(() -> IoUtils.safeClose(channel));
  }

  // ------------------------------------------------------------------ receiving (I/O thread)

  @Override
  protected long getMaxTextBufferSize() {
    return b.config.maxInboundFrameBytes();
  }

  @Override
  protected long getMaxBinaryBufferSize() {
    return b.config.maxInboundFrameBytes();
  }

  @Override
  protected void onFullTextMessage(WebSocketChannel ch, BufferedTextMessage message) {
    lastReceivedNanos = System.nanoTime();
    if (closeSent || ended) {
      return;
    }
    if (!takeToken()) {
      closeOnIoThread(CloseCodes.TOO_MANY, "too many messages");
      return;
    }
    ClientFrame frame;
    try {
      frame = b.codec.decodeClient(message.getData());
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
    lastReceivedNanos = System.nanoTime();
    closeOnIoThread(CloseCodes.MALFORMED, "binary frames are not accepted");
  }

  @Override
  protected void onFullPongMessage(WebSocketChannel ch, BufferedBinaryMessage message) {
    message.getData().free();
    lastReceivedNanos = System.nanoTime();
    pingSentNanos = 0;
  }

  @Override
  protected void onFullPingMessage(WebSocketChannel ch, BufferedBinaryMessage message)
      throws java.io.IOException {
    lastReceivedNanos = System.nanoTime();
    if (!takeToken()) {
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
        b.countClose(CloseCodes.TOO_LARGE);
        ch.getIoThread()
            .executeAfter(() -> IoUtils.safeClose(ch), CLOSE_GRACE_MILLIS, TimeUnit.MILLISECONDS);
      }
    } else {
      closeOnIoThread(
          CloseCodes.TOO_LARGE, "frame larger than " + b.config.maxInboundFrameBytes() + " bytes");
    }
  }

  private boolean takeToken() {
    long now = System.nanoTime();
    double rate = b.config.inboundMessagesPerSecond();
    tokens = Math.min(b.config.inboundBurst(), tokens + (now - tokensAt) * rate / 1e9);
    tokensAt = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }

  private void malformed(String code, String message, @Nullable String ref) {
    if (malformed >= b.config.maxMalformedFrames()) {
      closeOnIoThread(CloseCodes.MALFORMED, "too many malformed frames");
      return;
    }
    malformed++;
    send(new ServerFrame.Error(code, message, ref));
  }

  private void handle(ClientFrame frame) {
    Principal p = principal;
    if (frame instanceof ClientFrame.Auth auth) {
      if (p != null) {
        malformed(
            ErrorCodes.ALREADY_AUTHENTICATED, "the connection is already authenticated", null);
        return;
      }
      try {
        authenticate(b.jwt.verify(auth.token()));
      } catch (AuthenticationException e) {
        b.countAuthFailure(e.reason().name().toLowerCase(Locale.ROOT));
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
      unsubscribe(unsubscribe.deploymentId());
    } else if (frame instanceof ClientFrame.Ping ping) {
      send(new ServerFrame.Pong(ping.id()));
    }
  }

  private void refresh(Principal current, String token) {
    VerifiedToken verified;
    try {
      verified = b.jwt.verify(token);
    } catch (AuthenticationException e) {
      b.countAuthFailure("refresh_" + e.reason().name().toLowerCase(Locale.ROOT));
      send(new ServerFrame.Error(ErrorCodes.INVALID_TOKEN, String.valueOf(e.getMessage()), null));
      return;
    }
    if (!verified.principal().id().equals(current.id())) {
      b.countAuthFailure("refresh_subject");
      closeOnIoThread(CloseCodes.FORBIDDEN, "a connection cannot change its subject");
      return;
    }
    principal = verified.principal();
    tokenExpiry = verified.expiresAt().plus(b.jwt.config().leeway());
    recheckAccess(verified.principal());
  }

  /** After a refresh the roles may have changed: drop what the principal may no longer read. */
  private void recheckAccess(Principal p) {
    for (Subscription s : new ArrayList<>(order)) {
      Optional<Deployment> d = b.deployments.find(s.id());
      if (d.isEmpty() || !b.policy.canRead(p, d.get())) {
        subscriptions.remove(s.id(), s);
        order.remove(s);
        s.cursor().close();
        forbidden(s.id());
      }
    }
  }

  private void subscribe(Principal p, ClientFrame.Subscribe s) {
    DeploymentId id = s.deploymentId();
    if (subscriptions.containsKey(id)) {
      send(new ServerFrame.Error(ErrorCodes.ALREADY_SUBSCRIBED, "already subscribed", id.value()));
      return;
    }
    if (subscriptions.size() >= b.config.maxSubscriptionsPerConnection()) {
      send(
          new ServerFrame.Error(
              ErrorCodes.TOO_MANY_SUBSCRIPTIONS,
              "at most " + b.config.maxSubscriptionsPerConnection() + " subscriptions",
              id.value()));
      return;
    }
    Optional<Deployment> deployment = b.deployments.find(id);
    if (deployment.isEmpty() || !b.policy.canRead(p, deployment.get())) {
      forbidden(id);
      return;
    }
    StartPosition start;
    if (s.tail() != null) {
      start = StartPosition.tail(s.tail());
    } else if (s.after() != null) {
      start = new StartPosition.After(s.after(), s.epoch());
    } else {
      start = StartPosition.live();
    }
    LogFilter filter = toFilter(s.filter());
    LogCursor cursor;
    long head;
    try {
      head =
          b.store
              .info(id)
              .map(LogInfo::lastSeq)
              .orElseThrow(() -> new DeploymentNotFoundException(id));
      // A tail counts only lines that pass the filter; every other start reads all lines.
      LogFilter cursorFilter = start instanceof StartPosition.Tail ? filter : LogFilter.all();
      cursor = b.store.subscribe(id, start, cursorFilter, this);
    } catch (DeploymentNotFoundException e) {
      forbidden(id);
      return;
    }
    Subscription subscription = new Subscription(id, cursor, filter, head, b.clock.instant());
    subscriptions.put(id, subscription);
    order.add(subscription);
    CursorOpening o = cursor.opening();
    Long after = s.after();
    if (start instanceof StartPosition.After && after != null) {
      b.resumed(
          o.reset()
              ? ResumeOutcome.RESET
              : after + 1 < o.firstAvailable() ? ResumeOutcome.GAP : ResumeOutcome.CONTINUED);
    }
    send(new ServerFrame.Subscribed(id, o.epoch(), o.firstAvailable(), o.next(), o.reset()));
  }

  private void forbidden(DeploymentId id) {
    send(
        new ServerFrame.Error(
            ErrorCodes.FORBIDDEN, "no such deployment, or not allowed to read it", id.value()));
  }

  private static LogFilter toFilter(SubscribeFilter f) {
    if (f.isNone()) {
      return LogFilter.all();
    }
    return LogFilter.builder().levels(f.levels()).streams(f.streams()).query(f.q()).build();
  }

  private void unsubscribe(DeploymentId id) {
    Subscription s = subscriptions.remove(id);
    if (s == null) {
      send(new ServerFrame.Error(ErrorCodes.NOT_SUBSCRIBED, "not subscribed", id.value()));
      return;
    }
    order.remove(s);
    s.cursor().close();
  }

  // ------------------------------------------------------------------ writing (I/O thread)

  /** Cursor signal: called on an appending thread. */
  @Override
  public void onSignal(LogCursor cursor) {
    if (drainScheduled.compareAndSet(false, true)) {
      onIoThread(
          () -> {
            drainScheduled.set(false);
            drain();
          });
    }
  }

  private void send(ServerFrame frame) {
    if (control.size() >= MAX_PENDING_FRAMES) {
      closeOnIoThread(CloseCodes.SLOW_CONSUMER, "not reading its frames");
      return;
    }
    control.add(b.encode(frame));
    drain();
  }

  private void drain() {
    if (draining) {
      drainAgain = true;
      return;
    }
    draining = true;
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
    int liveLines = 0;
    @Nullable Instant appendedAt = null;
    EncodedFrame next = control.poll();
    if (next == null) {
      next = nextLogsFrame();
      liveLines = polledLiveLines;
      appendedAt = polledAppendedAt;
      polledLiveLines = 0;
      polledAppendedAt = null;
    }
    if (next == null) {
      if (shuttingDown && !closeSent) {
        closeOnIoThread(CloseCodes.GOING_AWAY, "server shutting down");
      }
      return;
    }
    write(next, liveLines, appendedAt);
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
            b.framesSent.increment();
            b.bytesSent.add(size);
            if (appendedAt != null) {
              long nanos = Duration.between(appendedAt, b.clock.instant()).toNanos();
              b.delivered(liveLines, Math.max(0, nanos));
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

  /** The next frame from the subscriptions, round-robin, or null when all are idle. */
  private @Nullable EncodedFrame nextLogsFrame() {
    int n = order.size();
    for (int i = 0; i < n; i++) {
      int index = (nextSubscription + i) % n;
      Subscription s = order.get(index);
      EncodedFrame frame = poll(s);
      if (frame != null) {
        nextSubscription = order.isEmpty() ? 0 : (index + 1) % order.size();
        return frame;
      }
      if (order.size() != n) {
        return nextLogsFrame(); // a subscription ended while polling; start over
      }
    }
    return null;
  }

  private @Nullable EncodedFrame poll(Subscription s) {
    for (int attempt = 0; attempt < MAX_EMPTY_POLLS; attempt++) {
      CursorBatch batch =
          s.cursor().poll(b.config.maxBatchLines(), b.config.maxOutboundFrameBytes());
      if (batch instanceof CursorBatch.Lines l) {
        List<LogLine> read = l.lines();
        List<LogLine> batchLines = read;
        if (!s.filter.isAll()) {
          batchLines = new ArrayList<>(read.size());
          for (LogLine line : read) {
            if (s.filter.test(line)) {
              batchLines.add(line);
            }
          }
        }
        for (LogLine line : read) {
          DeploymentStatus status = line.status();
          if (status != null) {
            control.add(b.encode(new ServerFrame.Status(s.id(), status, line.timestamp())));
          }
        }
        if (batchLines.isEmpty()) {
          EncodedFrame status = control.poll();
          if (status != null) {
            return status;
          }
          continue;
        }
        lines += batchLines.size();
        b.linesSent.add(batchLines.size());
        if (b.timesDeliveries()
            && batchLines.get(0).seq() > s.replayEnd
            && ++untimedFrames >= b.timingInterval) {
          untimedFrames = 0;
          polledLiveLines = batchLines.size();
          polledAppendedAt = l.appendedAt();
        }
        return s.filter.isAll() && s.cursor().filter().isAll()
            ? b.sharedLogsFrame(s.id(), s.epoch, batchLines)
            : b.encode(new ServerFrame.Logs(s.id(), batchLines));
      }
      if (batch instanceof CursorBatch.Gap g) {
        return b.encode(new ServerFrame.Gap(s.id(), g.from(), g.to()));
      }
      if (batch instanceof CursorBatch.Ended ended) {
        subscriptions.remove(s.id(), s);
        order.remove(s);
        if (b.isClosing() || ended.reason() == EndReason.CLOSED) {
          return null;
        }
        String why =
            ended.reason() == EndReason.DELETED
                ? "the deployment was deleted"
                : "the log store was closed";
        return b.encode(new ServerFrame.Error(ErrorCodes.SUBSCRIPTION_ENDED, why, s.id().value()));
      }
      return null; // idle: the cursor signals when there is more
    }
    onSignal(s.cursor()); // only filtered-out lines so far; continue in a later turn
    return null;
  }

  // ------------------------------------------------------------------ housekeeping thread

  void housekeep(Instant now, long nowNanos) {
    if (ended || closeRequested.get()) {
      return;
    }
    Principal p = principal;
    if (p == null) {
      if (!now.isBefore(authDeadline)) {
        b.countAuthFailure("timeout");
        close(CloseCodes.UNAUTHENTICATED, "not authenticated within " + b.config.authTimeout());
      }
      return;
    }
    Instant expiry = tokenExpiry;
    if (expiry != null && !now.isBefore(expiry)) {
      b.countAuthFailure("expired");
      close(CloseCodes.UNAUTHENTICATED, "token expired");
      return;
    }
    boolean behind = false;
    for (Subscription s : subscriptions.values()) {
      CursorLag lag = s.cursor().lag();
      behind |= lag.isBehind();
      if (isTooFarBehind(s, lag, now)) {
        close(
            CloseCodes.SLOW_CONSUMER,
            "too far behind on " + s.id() + "; resume after the last seq received");
        return;
      }
    }
    if (behind) {
      // Lines are waiting for this peer: whether it keeps up is the lag bound's call (4008, with
      // a resume hint). A ping would only queue behind those lines and time out for a peer that
      // is alive but busy.
      pingSentNanos = 0;
      return;
    }
    long interval = b.config.heartbeatInterval().toNanos();
    long sent = pingSentNanos;
    if (sent != 0 && lastReceivedNanos - sent >= 0) {
      pingSentNanos = 0; // the peer spoke after our ping: it is alive
      sent = 0;
    }
    if (sent != 0) {
      long written = pingWrittenNanos;
      boolean unanswered = written != 0 && nowNanos - written >= interval;
      boolean unwritable = written == 0 && nowNanos - sent >= 2 * interval;
      if (unanswered || unwritable) {
        b.countClose(1006);
        closeRequested.set(true);
        onIoThread(this::forceClose); // the peer is gone, or reads nothing at all
      }
    } else if (nowNanos - lastReceivedNanos >= interval) {
      pingWrittenNanos = 0;
      pingSentNanos = nowNanos;
      onIoThread(this::ping);
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
            pingWrittenNanos = System.nanoTime();
          }

          @Override
          public void onError(WebSocketChannel ch, @Nullable Void context, Throwable throwable) {
            IoUtils.safeClose(ch);
          }
        });
  }

  /**
   * Whether a subscription stays behind past its bound. Replaying history is not lagging: until a
   * subscription first reaches the head of its log, only the time it has spent replaying counts.
   * From then on every unread line was appended after it had caught up, so the lag in bytes and the
   * age of the oldest unread line measure exactly how far behind it fell.
   */
  private boolean isTooFarBehind(Subscription s, CursorLag lag, Instant now) {
    if (s.cursor().position() <= s.replayEnd) {
      return Duration.between(s.since, now).compareTo(b.config.maxLagTime()) > 0;
    }
    if (lag.age().compareTo(b.config.maxLagTime()) > 0) {
      return true;
    }
    // A burst may briefly put a healthy reader far behind; it must stay over the byte bound.
    if (lag.bytes() <= b.config.maxLagBytes()) {
      s.overBytesSince = null;
      return false;
    }
    Instant over = s.overBytesSince;
    if (over == null) {
      s.overBytesSince = now;
      return false;
    }
    return Duration.between(over, now).compareTo(BYTE_LAG_GRACE) >= 0;
  }

  // ------------------------------------------------------------------ admin (any thread)

  @Nullable Principal principal() {
    return principal;
  }

  int subscriptionCount() {
    return subscriptions.size();
  }

  ConnectionInfo info() {
    List<SubscriptionInfo> subs = new ArrayList<>();
    for (Subscription s : subscriptions.values()) {
      subs.add(new SubscriptionInfo(s.id(), s.cursor().position(), s.cursor().lag()));
    }
    return new ConnectionInfo(
        id, principal, remoteAddress, subs, frames, bytes, lines, connectedAt);
  }
}
