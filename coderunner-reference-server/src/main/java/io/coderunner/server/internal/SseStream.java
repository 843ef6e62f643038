package io.coderunner.server.internal;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogLine;
import io.coderunner.core.follow.FollowCheck;
import io.coderunner.core.follow.FollowConfig;
import io.coderunner.core.follow.FollowEvent;
import io.coderunner.core.follow.Follower;
import io.coderunner.core.follow.OwnerThread;
import io.coderunner.core.log.CursorOpening;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.StartPosition;
import io.coderunner.core.protocol.WireTime;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.xnio.IoUtils;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSinkChannel;

/**
 * One Server-Sent Events stream: a thin transport for a {@link Follower} of one deployment, which
 * decides what to send, in what batches and turns, and when the stream is too far behind or its
 * token has expired. This only turns the follower's events into {@code text/event-stream} and
 * writes them to a non-blocking response channel, one buffer in flight; a slow reader stops its own
 * follower and costs no memory beyond that buffer.
 *
 * <p>Event ids are {@code <epoch>:<seq>}, so a resume names the stream its seq belongs to.
 *
 * <p>Threads: everything runs on the exchange's I/O thread but {@link #shutdown}, which only
 * schedules work there.
 */
final class SseStream {
  private static final long TICK_MILLIS = 250;
  private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] RETRY = "retry: 2000\n\n".getBytes(StandardCharsets.US_ASCII);

  private final HttpServerExchange exchange;
  private final DeploymentId deploymentId;
  private final XnioIoThread io;
  private final Follower follower;
  private final Clock clock;
  private final long heartbeatNanos;
  private final Consumer<SseStream> onEnd;

  // I/O thread only
  private @Nullable StreamSinkChannel sink;
  private @Nullable ByteBuffer pending;
  private boolean ended;
  private boolean shuttingDown;
  private long lastWriteNanos = System.nanoTime();

  SseStream(
      HttpServerExchange exchange,
      DeploymentId deploymentId,
      FollowConfig config,
      LogStore store,
      Clock clock,
      Duration heartbeat,
      Consumer<SseStream> onEnd) {
    this.exchange = exchange;
    this.deploymentId = deploymentId;
    this.io = exchange.getIoThread();
    this.clock = clock;
    this.heartbeatNanos = heartbeat.toNanos();
    this.onEnd = onEnd;
    this.follower =
        Follower.create(
            config, store, clock, OwnerThread.of(this::execute, this::afterIo), this::drain);
  }

  /**
   * Follows the deployment, until {@code validUntil} (the token's expiry). Runs on the I/O thread,
   * before {@link #begin}.
   *
   * @throws io.coderunner.core.DeploymentNotFoundException if the log does not exist
   */
  void open(StartPosition start, LogFilter filter, Instant validUntil) {
    follower.expireAt(validUntil);
    follower.open(deploymentId, start, filter);
  }

  /** Starts writing; runs on the I/O thread once the handler returned. */
  void begin() {
    this.sink = exchange.getResponseChannel();
    exchange.getConnection().addCloseListener(conn -> end());
    pending = ByteBuffer.wrap(RETRY); // the status line and headers go out at once
    io.executeAfter(this::tick, TICK_MILLIS, TimeUnit.MILLISECONDS);
    drain();
  }

  /** Ends the stream once what is ready has been written. Any thread. */
  void shutdown() {
    execute(
        () -> {
          shuttingDown = true;
          drain();
        });
  }

  private void execute(Runnable task) {
    try {
      io.execute(task);
    } catch (RuntimeException e) {
      IoUtils.safeClose(exchange.getConnection());
    }
  }

  /** Runs {@code task} on the I/O thread after its next select: its sockets go first. */
  private void afterIo(Runnable task) {
    try {
      io.executeAfter(task, 1, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      IoUtils.safeClose(exchange.getConnection());
    }
  }

  private void drain() {
    StreamSinkChannel s = sink;
    if (ended || s == null) {
      return;
    }
    follower.beginTurn();
    try {
      while (true) {
        if (!writePending(s)) {
          return; // resumed by the write listener
        }
        FollowEvent event = follower.next();
        if (event == null) {
          if (shuttingDown && follower.isCaughtUp()) {
            finish("shutdown");
          } else {
            flush(s);
          }
          return; // the follower runs drain again when there is more
        }
        if (event instanceof FollowEvent.Ended e) {
          finish(e.reason().name().toLowerCase(Locale.ROOT));
          return;
        }
        pending = encode(event);
      }
    } catch (IOException | RuntimeException e) {
      IoUtils.safeClose(exchange.getConnection());
      end();
    }
  }

  /** Writes the pending buffer; false when the socket is full and a listener will resume. */
  private boolean writePending(StreamSinkChannel s) throws IOException {
    ByteBuffer p = pending;
    if (p == null) {
      return true;
    }
    while (p.hasRemaining()) {
      if (s.write(p) == 0) {
        resumeWhenWritable(s);
        return false;
      }
    }
    pending = null;
    lastWriteNanos = System.nanoTime();
    return true;
  }

  private void flush(StreamSinkChannel s) throws IOException {
    if (!s.flush()) {
      resumeWhenWritable(s);
    }
  }

  private void resumeWhenWritable(StreamSinkChannel s) {
    s.getWriteSetter()
        .set(
            ch -> {
              ch.suspendWrites();
              drain();
            });
    s.resumeWrites();
  }

  // ------------------------------------------------------------------ encoding

  private ByteBuffer encode(FollowEvent event) {
    StringBuilder sb = new StringBuilder(256);
    if (event instanceof FollowEvent.Opened opened) {
      CursorOpening o = opened.opening();
      Map<String, Object> subscribed = new LinkedHashMap<>();
      subscribed.put("deploymentId", deploymentId.value());
      subscribed.put("epoch", o.epoch());
      subscribed.put("firstAvailable", o.firstAvailable());
      subscribed.put("next", o.next());
      subscribed.put("reset", o.reset());
      event(sb, null, "subscribed", json(subscribed));
    } else if (event instanceof FollowEvent.Lines batch) {
      sb.ensureCapacity(batch.lines().size() * 160);
      for (LogLine line : batch.lines()) {
        event(sb, id(batch.epoch(), line.seq()), "line", json(Requests.line(line)));
      }
    } else if (event instanceof FollowEvent.Status status) {
      event(
          sb,
          // resume after it even when the filter dropped its line
          status.lineSent() ? null : id(status.epoch(), status.seq()),
          "status",
          json(
              Map.of(
                  "deploymentId",
                  deploymentId.value(),
                  "status",
                  status.status().wireName(),
                  "ts",
                  WireTime.format(status.timestamp()))));
    } else if (event instanceof FollowEvent.Gap gap) {
      event(
          sb,
          id(gap.epoch(), gap.to()),
          "gap",
          json(Map.of("deploymentId", deploymentId.value(), "from", gap.from(), "to", gap.to())));
    }
    return ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** The event id of a position: the epoch names the stream the seq belongs to. */
  static String id(String epoch, long seq) {
    return epoch + ":" + seq;
  }

  private static void event(StringBuilder sb, @Nullable String id, String name, String data) {
    if (id != null) {
      sb.append("id: ").append(id).append('\n');
    }
    sb.append("event: ").append(name).append('\n');
    sb.append("data: ").append(data).append("\n\n");
  }

  private static String json(Object value) {
    try {
      return Http.JSON.writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("event could not be encoded", e);
    }
  }

  // ------------------------------------------------------------------ ending

  /** Writes a last {@code end} event, then completes the response. */
  private void finish(String reason) throws IOException {
    StreamSinkChannel s = sink;
    if (ended || s == null) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    event(sb, null, "end", json(Map.of("reason", reason)));
    // Best effort: a reader too slow to take the last event loses only the event.
    s.write(ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8)));
    end();
    exchange.endExchange();
  }

  /** Releases the follower; idempotent. */
  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    pending = null;
    follower.close();
    onEnd.accept(this);
  }

  /** The follower's bounds and the heartbeat, every {@value #TICK_MILLIS} ms on the I/O thread. */
  private void tick() {
    StreamSinkChannel s = sink;
    if (ended || s == null) {
      return;
    }
    try {
      FollowCheck check = follower.check(clock.instant());
      if (check instanceof FollowCheck.Expired) {
        finish("token_expired"); // the client reconnects with a fresh token and Last-Event-ID
        return;
      }
      if (check instanceof FollowCheck.TooFarBehind) {
        IoUtils.safeClose(exchange.getConnection()); // it resumes with Last-Event-ID
        end();
        return;
      }
      if (pending == null && System.nanoTime() - lastWriteNanos >= heartbeatNanos) {
        pending = ByteBuffer.wrap(PING);
        drain();
      }
    } catch (IOException | RuntimeException e) {
      IoUtils.safeClose(exchange.getConnection());
      end();
      return;
    }
    if (!ended) {
      io.executeAfter(this::tick, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  @Override
  public String toString() {
    return "SseStream[" + deploymentId + "]";
  }
}
