package io.coderunner.client.internal;

import io.coderunner.client.Backoff;
import io.coderunner.client.ConnectionState;
import io.coderunner.client.ConnectionState.CloseReason;
import io.coderunner.client.FollowEvent;
import io.coderunner.client.FollowOptions;
import io.coderunner.client.LogFollow;
import io.coderunner.client.Position;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogLine;
import io.coderunner.core.protocol.ClientFrame;
import io.coderunner.core.protocol.FrameCodec;
import io.coderunner.core.protocol.ProtocolConfig;
import io.coderunner.core.protocol.ProtocolException;
import io.coderunner.core.protocol.ServerFrame;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * One follow of one deployment's log over a WebSocket it opens, reopens after every drop (with the
 * reconnect backoff), and resumes after the last position it accounted for. State is guarded by
 * {@code this}; the sink is called under {@code delivering}, never under {@code this}, so a sink
 * may close the follow.
 */
public final class Follower implements LogFollow {
  /** The close code of an administrator's disconnect. */
  private static final int POLICY = 1008;

  private final HttpClient http;
  private final URI endpoint;
  private final Tokens tokens;
  private final DeploymentId deployment;
  private final FollowOptions options;
  private final Sink sink;
  private final Backoff backoff;
  private final Duration heartbeat;
  private final Duration connectTimeout;
  private final ScheduledExecutorService scheduler;
  private final RandomGenerator random;
  private final Clock clock;
  private final Runnable onEnd;

  /** The largest server frame read: the protocol's ceiling, far above any frame a server sends. */
  static final int MAX_FRAME_BYTES = ProtocolConfig.MAX_MAX_FRAME_BYTES;

  private final FrameCodec codec =
      FrameCodec.create(ProtocolConfig.builder().maxFrameBytes(MAX_FRAME_BYTES).build());
  private final ReentrantLock delivering = new ReentrantLock();

  // guarded by this
  private ConnectionState state = new ConnectionState.Connecting(0);
  private boolean ended;
  private int failures;
  private long generation;
  private @Nullable WebSocket socket;
  private @Nullable String token;
  private @Nullable String connectionId;
  private CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
  private @Nullable String epoch;
  private @Nullable Long after;
  private long quietSince;
  private boolean awaiting; // a frame was asked for and has not come: silence counts only then
  private long pingSentAt = -1;
  private long pings;
  private @Nullable ScheduledFuture<?> timer;
  private @Nullable ScheduledFuture<?> refresh;

  public Follower(
      HttpClient http,
      URI endpoint,
      Tokens tokens,
      DeploymentId deployment,
      FollowOptions options,
      Sink sink,
      Backoff backoff,
      Duration heartbeat,
      Duration connectTimeout,
      ScheduledExecutorService scheduler,
      RandomGenerator random,
      Clock clock,
      Runnable onEnd) {
    this.http = http;
    this.endpoint = endpoint;
    this.tokens = tokens;
    this.deployment = deployment;
    this.options = options;
    this.sink = sink;
    this.backoff = backoff;
    this.heartbeat = heartbeat;
    this.connectTimeout = connectTimeout;
    this.scheduler = scheduler;
    this.random = random;
    this.clock = clock;
    this.onEnd = onEnd;
    Position p = options.position();
    if (p != null) {
      this.epoch = p.epoch();
      this.after = p.seq();
    }
  }

  /** Opens the first connection. */
  public void start() {
    connect();
  }

  @Override
  public synchronized Optional<Position> position() {
    String e = epoch;
    Long a = after;
    return e == null || a == null ? Optional.empty() : Optional.of(new Position(e, a));
  }

  @Override
  public synchronized ConnectionState state() {
    return state;
  }

  @Override
  public void close() {
    end(CloseReason.CLOSED, "closed by the client");
  }

  // ------------------------------------------------------------------ connecting

  private void connect() {
    long gen;
    ConnectionState connecting;
    synchronized (this) {
      if (ended) {
        return;
      }
      gen = ++generation;
      connecting = new ConnectionState.Connecting(failures);
      state = connecting;
    }
    tell(connecting);
    if (!tokens.available()) {
      end(CloseReason.UNAUTHORIZED, "following a log needs a token: configure one, or log in");
      return;
    }
    CompletableFuture<String> t = tokens.current();
    var unused =
        t.thenCompose(
                tok -> {
                  synchronized (this) {
                    token = tok;
                  }
                  return http.newWebSocketBuilder()
                      .connectTimeout(connectTimeout)
                      .header("Authorization", "Bearer " + tok)
                      .buildAsync(endpoint, new Socket(gen));
                })
            .whenComplete(
                (ws, failure) -> {
                  if (failure != null) {
                    refused(gen, Transport.unwrap(failure));
                  }
                });
  }

  /** The upgrade failed: a refusal by status, or no connection at all. */
  private void refused(long gen, Throwable failure) {
    if (failure instanceof WebSocketHandshakeException h) {
      int status = h.getResponse().statusCode();
      if (status == 401 || status == 403) {
        authRefused(gen, status, "the upgrade was refused with " + status);
        return;
      }
      dropped(gen, "the upgrade was refused with " + status);
      return;
    }
    if (failure instanceof io.coderunner.client.UnauthorizedException) {
      end(CloseReason.UNAUTHORIZED, "getting a token failed: " + failure.getMessage());
      return;
    }
    dropped(gen, "could not connect: " + failure);
  }

  /** 4401, 4403 or an upgrade refused 401/403: go on only with a different token. */
  private void authRefused(long gen, int code, String cause) {
    String refusedToken;
    synchronized (this) {
      if (gen != generation || ended) {
        return;
      }
      socket = null;
      cancelTimers();
      refusedToken = token;
    }
    if (refusedToken == null || !tokens.renewable()) {
      end(CloseReason.UNAUTHORIZED, cause);
      return;
    }
    var unused =
        tokens
            .renew(refusedToken)
            .whenComplete(
                (fresh, failure) -> {
                  if (failure != null || fresh == null || fresh.isEmpty()) {
                    end(
                        CloseReason.UNAUTHORIZED,
                        cause + (failure != null ? "; renewing the token failed: " + failure : ""));
                  } else {
                    reconnectLater(gen, cause + " (" + code + "), with a renewed token");
                  }
                });
  }

  /** The connection is gone: reconnect after the backoff's delay, unless attempts ran out. */
  private void dropped(long gen, String cause) {
    synchronized (this) {
      if (gen != generation || ended) {
        return;
      }
      socket = null;
      cancelTimers();
    }
    reconnectLater(gen, cause);
  }

  private void reconnectLater(long gen, String cause) {
    ConnectionState next;
    Duration delay;
    synchronized (this) {
      if (gen != generation || ended) {
        return;
      }
      failures++;
      if (failures > backoff.maxAttempts()) {
        next = null;
        delay = Duration.ZERO;
      } else {
        delay = backoff.delay(failures, random);
        next = new ConnectionState.Reconnecting(failures, delay, cause);
        state = next;
        generation++; // callbacks of the dropped socket are stale from now on
      }
    }
    if (next == null) {
      end(
          CloseReason.GAVE_UP,
          "gave up after " + backoff.maxAttempts() + " reconnects in a row: " + cause);
      return;
    }
    tell(next);
    try {
      var unused = scheduler.schedule(this::connect, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (RuntimeException e) {
      end(CloseReason.CLOSED, "the client is closed");
    }
  }

  /** Ends the follow for good: tells the sink once, closes the socket. */
  private void end(CloseReason reason, String detail) {
    WebSocket ws;
    ConnectionState.Closed closed = new ConnectionState.Closed(reason, detail);
    synchronized (this) {
      if (ended) {
        return;
      }
      ended = true;
      generation++;
      state = closed;
      ws = socket;
      socket = null;
      cancelTimers();
    }
    if (ws != null) {
      WebSocket w = ws;
      var unused =
          sendChained(() -> w.sendClose(WebSocket.NORMAL_CLOSURE, "done"))
              .orTimeout(2, TimeUnit.SECONDS)
              .whenComplete((x, e) -> w.abort());
    }
    delivering.lock();
    try {
      sink.state(closed);
    } finally {
      delivering.unlock();
    }
    onEnd.run();
  }

  private void tell(ConnectionState s) {
    delivering.lock();
    try {
      synchronized (this) {
        if (ended) {
          return;
        }
      }
      sink.state(s);
    } finally {
      delivering.unlock();
    }
  }

  // ------------------------------------------------------------------ the socket

  /** Sends {@code frame} after what is being sent (the JDK's WebSocket takes one at a time). */
  private void send(WebSocket ws, ClientFrame frame) {
    String text = codec.encode(frame);
    var unused = sendChained(() -> ws.sendText(text, true));
  }

  private CompletableFuture<?> sendChained(
      java.util.function.Supplier<CompletableFuture<WebSocket>> op) {
    synchronized (this) {
      CompletableFuture<?> next = sending.handle((x, e) -> null).thenCompose(x -> op.get());
      sending = next;
      return next;
    }
  }

  private void received(long gen) {
    synchronized (this) {
      if (gen == generation) {
        quietSince = clock.millis();
        pingSentAt = -1;
        awaiting = false;
      }
    }
  }

  private void ask(long gen, WebSocket ws) {
    synchronized (this) {
      if (gen != generation || ended) {
        return;
      }
      quietSince = clock.millis(); // silence counts only while the client waits for input
      awaiting = true;
    }
    ws.request(1);
  }

  private void opened(long gen, WebSocket ws) {
    synchronized (this) {
      if (gen != generation || ended) {
        ws.abort();
        return;
      }
      socket = ws;
      quietSince = clock.millis();
      pingSentAt = -1;
      armTimer(gen);
    }
    ask(gen, ws);
  }

  private void frame(long gen, WebSocket ws, String text) {
    ServerFrame f;
    try {
      f = codec.decodeServer(text);
    } catch (ProtocolException e) {
      end(CloseReason.PROTOCOL_ERROR, "the server sent a frame this client cannot read: " + e);
      return;
    }
    synchronized (this) {
      if (gen != generation || ended) {
        return;
      }
    }
    if (f instanceof ServerFrame.Welcome w) {
      synchronized (this) {
        connectionId = w.connectionId();
      }
      subscribe(ws);
      ask(gen, ws);
    } else if (f instanceof ServerFrame.Subscribed s) {
      subscribed(gen, ws, s);
    } else if (f instanceof ServerFrame.Logs l) {
      logs(gen, ws, l);
    } else if (f instanceof ServerFrame.Gap g) {
      deliver(
          gen,
          ws,
          () -> {
            after = after == null ? g.to() : Math.max(after, g.to());
            return List.of(new FollowEvent.Gap(g.from(), g.to()));
          });
    } else if (f instanceof ServerFrame.Status s) {
      deliver(gen, ws, () -> List.of(new FollowEvent.Status(s.status(), s.timestamp())));
    } else if (f instanceof ServerFrame.Error e) {
      error(gen, ws, e);
    } else {
      ask(gen, ws); // pong, and frames of features this follow does not use
    }
  }

  private void subscribe(WebSocket ws) {
    ClientFrame.Subscribe s;
    synchronized (this) {
      Long a = after;
      if (a != null) { // a position to resume from: given, or set when subscribed
        s = new ClientFrame.Subscribe(deployment, epoch, a, null, options.filterSpec());
      } else if (options.tailLines() != null) {
        s =
            new ClientFrame.Subscribe(
                deployment, null, null, options.tailLines(), options.filterSpec());
      } else {
        s = new ClientFrame.Subscribe(deployment, null, 0L, null, options.filterSpec());
      }
    }
    send(ws, s);
  }

  private void subscribed(long gen, WebSocket ws, ServerFrame.Subscribed s) {
    boolean wasReset;
    String id;
    synchronized (this) {
      wasReset = s.reset();
      epoch = s.epoch();
      if (wasReset || after == null) {
        after = Math.max(0, s.next() - 1);
      }
      failures = 0;
      id = connectionId == null ? "unknown" : connectionId;
    }
    List<FollowEvent> events = new ArrayList<>();
    if (wasReset) {
      events.add(new FollowEvent.Reset(s.epoch(), s.firstAvailable()));
    }
    ConnectionState live = new ConnectionState.Live(id);
    synchronized (this) {
      state = live;
    }
    tell(live);
    scheduleRefresh(gen);
    if (events.isEmpty()) {
      ask(gen, ws);
    } else {
      deliver(gen, ws, () -> events);
    }
  }

  private void logs(long gen, WebSocket ws, ServerFrame.Logs l) {
    deliver(
        gen,
        ws,
        () -> {
          List<FollowEvent> events = new ArrayList<>(l.lines().size());
          long last = after == null ? 0 : after;
          for (LogLine line : l.lines()) {
            if (line.seq() > last) { // a line already accounted for is never delivered twice
              events.add(new FollowEvent.Line(line));
              last = line.seq();
            }
          }
          after = last;
          return events;
        });
  }

  private void error(long gen, WebSocket ws, ServerFrame.Error e) {
    String ref = e.ref();
    boolean mine = ref == null || ref.equals(deployment.value());
    if (mine && e.code().equals("forbidden")) {
      end(CloseReason.FORBIDDEN, e.message());
    } else if (mine && e.code().equals("subscription_ended")) {
      end(CloseReason.DELETED, e.message());
    } else if (e.code().equals("bad_frame") || e.code().equals("not_authenticated")) {
      end(CloseReason.PROTOCOL_ERROR, e.code() + ": " + e.message());
    } else {
      ask(gen, ws); // invalid_token (the old token stays in force), internal_error: go on
    }
  }

  /**
   * Commits and hands on one frame's events: {@code commit} (which may move the position) runs
   * under {@code this} only if the socket is still current, and the sink gets its events under
   * {@code delivering} in the same step, so a position never covers events that were not handed on,
   * and {@link #close()} (which takes {@code delivering}) never cuts a delivery in half.
   */
  private void deliver(long gen, WebSocket ws, Supplier<List<FollowEvent>> commit) {
    boolean failed = false;
    String failure = "";
    boolean askNow = false;
    delivering.lock();
    try {
      List<FollowEvent> events;
      synchronized (this) {
        if (gen != generation || ended) {
          return;
        }
        events = commit.get();
      }
      if (events.isEmpty()) {
        askNow = true;
      } else {
        sink.accept(events, () -> ask(gen, ws));
      }
    } catch (RuntimeException e) {
      failed = true;
      failure = e.toString();
    } finally {
      delivering.unlock();
    }
    if (failed) {
      end(CloseReason.LISTENER_FAILED, "the listener threw " + failure);
    } else if (askNow) {
      ask(gen, ws);
    }
  }

  private void closedByServer(long gen, int code, String reason) {
    String cause = "closed " + code + (reason.isEmpty() ? "" : " " + reason);
    switch (code) {
      case 4401, 4403 -> authRefused(gen, code, cause);
      case 4400, 1009 -> {
        synchronized (this) {
          if (gen != generation) {
            return;
          }
        }
        end(CloseReason.PROTOCOL_ERROR, cause);
      }
      default -> dropped(gen, code == POLICY ? cause + " (an administrator's disconnect)" : cause);
    }
  }

  // ------------------------------------------------------------------ timers

  private void armTimer(long gen) {
    long period = Math.max(1, heartbeat.toMillis() / 2);
    try {
      timer = scheduler.schedule(() -> tick(gen), period, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      timer = null;
    }
  }

  /** Pings after {@code heartbeat} of silence, and drops a connection silent for another. */
  private void tick(long gen) {
    WebSocket ws;
    boolean ping = false;
    boolean dead = false;
    synchronized (this) {
      if (gen != generation || ended || socket == null) {
        return;
      }
      ws = socket;
      long now = clock.millis();
      if (pingSentAt >= 0 && now - pingSentAt >= heartbeat.toMillis()) {
        dead = true;
      } else if (awaiting && pingSentAt < 0 && now - quietSince >= heartbeat.toMillis()) {
        pingSentAt = now;
        ping = true;
      }
      if (!dead) {
        armTimer(gen);
      }
    }
    if (dead) {
      ws.abort();
      dropped(gen, "no answer to a ping within " + heartbeat);
    } else if (ping) {
      long n;
      synchronized (this) {
        n = ++pings;
      }
      send(ws, new ClientFrame.Ping("hb-" + n));
    }
  }

  private void scheduleRefresh(long gen) {
    if (!tokens.renewable()) {
      return;
    }
    Optional<Instant> at = tokens.refreshAt();
    if (at.isEmpty()) {
      return;
    }
    long delay = Math.max(0, Duration.between(clock.instant(), at.get()).toMillis());
    synchronized (this) {
      if (refresh != null) {
        refresh.cancel(false);
      }
      try {
        refresh = scheduler.schedule(() -> refreshNow(gen), delay, TimeUnit.MILLISECONDS);
      } catch (RuntimeException e) {
        refresh = null;
      }
    }
  }

  /** Swaps the connection's token for a fresh one (a {@code refresh} frame, no reconnect). */
  private void refreshNow(long gen) {
    var unused =
        tokens
            .refresh()
            .whenComplete(
                (fresh, failure) -> {
                  WebSocket ws;
                  synchronized (this) {
                    if (gen != generation || ended || socket == null || failure != null) {
                      return;
                    }
                    ws = socket;
                    if (fresh.equals(token)) {
                      return; // not due after all; the next refreshAt says when
                    }
                    token = fresh;
                  }
                  send(ws, new ClientFrame.Refresh(fresh));
                  scheduleRefresh(gen);
                });
  }

  private void cancelTimers() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (refresh != null) {
      refresh.cancel(false);
      refresh = null;
    }
  }

  /** The JDK WebSocket's callbacks for one connection attempt. */
  private final class Socket implements WebSocket.Listener {
    private final long gen;
    private final StringBuilder text = new StringBuilder();

    Socket(long gen) {
      this.gen = gen;
    }

    @Override
    public void onOpen(WebSocket ws) {
      opened(gen, ws);
    }

    @Override
    public @Nullable CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      received(gen);
      text.append(data);
      if (text.length() > MAX_FRAME_BYTES) {
        text.setLength(0);
        end(
            CloseReason.PROTOCOL_ERROR,
            "the server sent a frame over " + MAX_FRAME_BYTES + " bytes");
        return null;
      }
      if (!last) {
        ask(gen, ws);
        return null;
      }
      String whole = text.toString();
      text.setLength(0);
      frame(gen, ws, whole);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      received(gen);
      ask(gen, ws);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
      received(gen);
      ask(gen, ws);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
      received(gen);
      ask(gen, ws);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closedByServer(gen, statusCode, reason);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      dropped(gen, "the connection failed: " + error);
    }
  }
}
