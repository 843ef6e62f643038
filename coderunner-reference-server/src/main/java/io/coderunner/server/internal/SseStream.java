package io.coderunner.server.internal;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogLine;
import io.coderunner.core.log.CursorBatch;
import io.coderunner.core.log.CursorLag;
import io.coderunner.core.log.CursorListener;
import io.coderunner.core.log.CursorOpening;
import io.coderunner.core.log.LogCursor;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.protocol.WireTime;
import io.coderunner.websocket.WebSocketConfig;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.xnio.IoUtils;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSinkChannel;

/**
 * One Server-Sent Events stream: a cursor written to a non-blocking response channel on the
 * exchange's I/O thread, the way the WebSocket broadcaster writes a subscription. At most one
 * buffer is in flight; the cursor is polled only when it has been written, so a slow reader stops
 * its own cursor and costs no memory beyond that buffer. A reader further behind than the WebSocket
 * lag bound is disconnected and resumes with {@code Last-Event-ID}.
 *
 * <p>Threads: everything but {@link #onSignal} and {@link #shutdown} runs on the I/O thread; those
 * two only schedule work there.
 */
final class SseStream implements CursorListener {
  private static final int MAX_LINES = 1000;
  private static final long MAX_BYTES = 256 * 1024;
  private static final int POLLS_PER_TURN = 64;
  private static final long TICK_MILLIS = 250;
  private static final byte[] PING = ": ping\n\n".getBytes(StandardCharsets.US_ASCII);

  private final HttpServerExchange exchange;
  private final DeploymentId deploymentId;
  private final XnioIoThread io;
  private final WebSocketConfig bounds;
  private final long heartbeatNanos;
  private final Clock clock;
  private final long headAtOpen;
  private final Consumer<SseStream> onEnd;
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final long openedNanos = System.nanoTime();

  // I/O thread only
  private @Nullable LogCursor cursor;
  private @Nullable StreamSinkChannel sink;

  /** The stream's filter, applied here so that status events pass whatever it drops. */
  private final LogFilter filter;

  private @Nullable ByteBuffer pending;
  private boolean ended;
  private boolean shuttingDown;
  private long lastWriteNanos = System.nanoTime();
  private long overBytesSince = -1;

  SseStream(
      HttpServerExchange exchange,
      DeploymentId deploymentId,
      WebSocketConfig bounds,
      Duration heartbeat,
      Clock clock,
      long headAtOpen,
      LogFilter filter,
      Consumer<SseStream> onEnd) {
    this.filter = filter;
    this.exchange = exchange;
    this.deploymentId = deploymentId;
    this.io = exchange.getIoThread();
    this.bounds = bounds;
    this.heartbeatNanos = heartbeat.toNanos();
    this.clock = clock;
    this.headAtOpen = headAtOpen;
    this.onEnd = onEnd;
  }

  /** Runs on the I/O thread once the handler returned. */
  void begin(LogCursor c) {
    this.cursor = c;
    this.sink = exchange.getResponseChannel();
    exchange.getConnection().addCloseListener(conn -> end());
    CursorOpening o = c.opening();
    Map<String, Object> subscribed = new LinkedHashMap<>();
    subscribed.put("deploymentId", deploymentId.value());
    subscribed.put("epoch", o.epoch());
    subscribed.put("firstAvailable", o.firstAvailable());
    subscribed.put("next", o.next());
    subscribed.put("reset", o.reset());
    StringBuilder sb = new StringBuilder("retry: 2000\n");
    event(sb, null, "subscribed", json(subscribed));
    pending = utf8(sb);
    io.executeAfter(this::tick, TICK_MILLIS, TimeUnit.MILLISECONDS);
    drain();
  }

  @Override
  public void onSignal(LogCursor c) {
    if (drainScheduled.compareAndSet(false, true)) {
      execute(
          () -> {
            drainScheduled.set(false);
            drain();
          });
    }
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

  private void drain() {
    LogCursor c = cursor;
    StreamSinkChannel s = sink;
    if (ended || c == null || s == null) {
      return;
    }
    try {
      for (int polls = 0; polls < POLLS_PER_TURN; ) {
        if (!writePending(s)) {
          return; // resumed by the write listener
        }
        CursorBatch batch = c.poll(MAX_LINES, MAX_BYTES);
        if (batch instanceof CursorBatch.Lines lines) {
          polls++;
          if (!lines.lines().isEmpty()) {
            ByteBuffer encoded = encode(lines);
            if (encoded.hasRemaining()) {
              pending = encoded;
            }
          }
        } else if (batch instanceof CursorBatch.Gap gap) {
          StringBuilder sb = new StringBuilder();
          event(
              sb,
              gap.to(),
              "gap",
              json(
                  Map.of(
                      "deploymentId", deploymentId.value(), "from", gap.from(), "to", gap.to())));
          pending = utf8(sb);
        } else if (batch instanceof CursorBatch.Ended e) {
          finish(e.reason().name().toLowerCase(Locale.ROOT));
          return;
        } else {
          if (shuttingDown) {
            finish("shutdown");
            return;
          }
          flush(s);
          return; // idle: the cursor signals when there is more
        }
      }
      execute(this::drain); // filtered polls found little: give the thread to others
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
        s.getWriteSetter()
            .set(
                ch -> {
                  ch.suspendWrites();
                  drain();
                });
        s.resumeWrites();
        return false;
      }
    }
    pending = null;
    lastWriteNanos = System.nanoTime();
    return true;
  }

  private void flush(StreamSinkChannel s) throws IOException {
    if (!s.flush()) {
      s.getWriteSetter()
          .set(
              ch -> {
                ch.suspendWrites();
                drain();
              });
      s.resumeWrites();
    }
  }

  private ByteBuffer encode(CursorBatch.Lines batch) {
    StringBuilder sb = new StringBuilder(batch.lines().size() * 160);
    for (LogLine line : batch.lines()) {
      boolean passes = filter.test(line);
      if (passes) {
        event(sb, line.seq(), "line", json(Requests.line(line)));
      }
      if (line.status() != null) {
        event(
            sb,
            passes ? null : line.seq(), // resume after it even when its line was filtered out
            "status",
            json(
                Map.of(
                    "deploymentId",
                    deploymentId.value(),
                    "status",
                    line.status().wireName(),
                    "ts",
                    WireTime.format(line.timestamp()))));
      }
    }
    return utf8(sb);
  }

  private static void event(StringBuilder sb, @Nullable Long id, String name, String data) {
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

  private static ByteBuffer utf8(StringBuilder sb) {
    return ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** Writes a last {@code end} event, then completes the response. */
  private void finish(String reason) throws IOException {
    StreamSinkChannel s = sink;
    if (ended || s == null) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    event(sb, null, "end", json(Map.of("reason", reason)));
    ByteBuffer last = utf8(sb);
    // Best effort: a reader too slow to take the last event loses only the event.
    s.write(last);
    end();
    exchange.endExchange();
  }

  /** Releases the cursor; idempotent. */
  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    pending = null;
    LogCursor c = cursor;
    if (c != null) {
      c.close();
    }
    onEnd.accept(this);
  }

  /** Heartbeat and lag check, every {@value #TICK_MILLIS} ms on the I/O thread. */
  private void tick() {
    LogCursor c = cursor;
    StreamSinkChannel s = sink;
    if (ended || c == null || s == null) {
      return;
    }
    long now = System.nanoTime();
    if (stalled(c, now)) {
      IoUtils.safeClose(exchange.getConnection());
      end();
      return;
    }
    if (pending == null && now - lastWriteNanos >= heartbeatNanos) {
      pending = ByteBuffer.wrap(PING);
      drain();
    }
    if (!ended) {
      io.executeAfter(this::tick, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  private boolean stalled(LogCursor c, long now) {
    Duration maxLag = bounds.maxLagTime();
    if (c.position() <= headAtOpen) {
      // Still replaying what existed at open: catching up, bounded only by time.
      return now - openedNanos > maxLag.toNanos();
    }
    CursorLag lag = c.lag();
    if (lag.age().compareTo(maxLag) > 0) {
      return true;
    }
    if (lag.bytes() > bounds.maxLagBytes()) {
      if (overBytesSince < 0) {
        overBytesSince = now;
      }
      return now - overBytesSince >= TimeUnit.SECONDS.toNanos(1);
    }
    overBytesSince = -1;
    return false;
  }

  @Override
  public String toString() {
    return "SseStream[" + deploymentId + ", since " + clock.instant() + "]";
  }
}
