package io.coderunner.websocket;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogLine;
import io.coderunner.core.protocol.ClientFrame;
import io.coderunner.core.protocol.FrameCodec;
import io.coderunner.core.protocol.ProtocolConfig;
import io.coderunner.core.protocol.ProtocolException;
import io.coderunner.core.protocol.ServerFrame;
import io.coderunner.core.protocol.SubscribeFilter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A protocol client over the JDK's {@link WebSocket}: it decodes every server frame with {@link
 * FrameCodec}, keeps them in arrival order, keeps the lines of every {@code logs} frame per
 * deployment, and records how the connection ended. Its waits block on a monitor with a deadline;
 * nothing here sleeps.
 *
 * <p>The JDK client answers the server's pings by itself; {@link #pings()} counts them.
 */
final class WsClient implements AutoCloseable {
  /** Room for any frame the server may send. */
  static final FrameCodec CODEC =
      FrameCodec.create(ProtocolConfig.builder().maxFrameBytes(16 << 20).build());

  /** Code recorded when the connection ended without a close frame (an abort or I/O error). */
  static final int ABNORMAL = 1006;

  /** How the connection ended. */
  record CloseStatus(int code, String reason, @Nullable Throwable error) {}

  private static final AtomicLong PING_IDS = new AtomicLong();

  private final Object lock = new Object();
  private final List<ServerFrame> frames = new ArrayList<>(); // guarded by lock
  private final Map<DeploymentId, List<LogLine>> linesByDeployment =
      new HashMap<>(); // guarded by lock
  private final List<LogLine> allLines = new ArrayList<>(); // guarded by lock
  private final Map<Class<?>, Integer> taken = new HashMap<>(); // guarded by lock
  private final List<String> unreadable = new ArrayList<>(); // guarded by lock
  private final CompletableFuture<CloseStatus> closed = new CompletableFuture<>();
  private final AtomicInteger pings = new AtomicInteger();
  private final StringBuilder partial = new StringBuilder(); // only the listener thread
  private volatile int linesAtClose = -1;
  private volatile @Nullable WebSocket webSocket;

  private WsClient() {}

  /**
   * Starts the upgrade; the future fails with a {@link java.net.http.WebSocketHandshakeException}
   * when the server refuses it.
   */
  static CompletableFuture<WsClient> openAsync(
      HttpClient http, URI uri, Map<String, String> headers) {
    WsClient client = new WsClient();
    WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30));
    headers.forEach(builder::header);
    return builder
        .buildAsync(uri, client.new Listener())
        .thenApply(
            ws -> {
              client.webSocket = ws;
              return client;
            });
  }

  private final class Listener implements WebSocket.Listener {
    @Override
    public void onOpen(WebSocket ws) {
      webSocket = ws;
      ws.request(1);
    }

    @Override
    public @Nullable CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        String text = partial.toString();
        partial.setLength(0);
        received(text);
      }
      ws.request(1);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
      synchronized (lock) {
        unreadable.add("a binary frame of " + data.remaining() + " bytes");
      }
      ws.request(1);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
      pings.incrementAndGet();
      ws.request(1);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      synchronized (lock) {
        linesAtClose = allLines.size();
        lock.notifyAll();
      }
      closed.complete(new CloseStatus(statusCode, reason, null));
      return null; // the JDK client answers with a close frame
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      synchronized (lock) {
        if (linesAtClose < 0) {
          linesAtClose = allLines.size();
        }
        lock.notifyAll();
      }
      closed.complete(new CloseStatus(ABNORMAL, String.valueOf(error), error));
    }
  }

  private void received(String text) {
    ServerFrame frame;
    try {
      frame = CODEC.decodeServer(text);
    } catch (ProtocolException e) {
      synchronized (lock) {
        unreadable.add(e.reason() + " " + e.field() + ": " + abbreviate(text));
        lock.notifyAll();
      }
      return;
    }
    synchronized (lock) {
      frames.add(frame);
      if (frame instanceof ServerFrame.Logs logs) {
        linesByDeployment
            .computeIfAbsent(logs.deploymentId(), k -> new ArrayList<>())
            .addAll(logs.lines());
        allLines.addAll(logs.lines());
      }
      lock.notifyAll();
    }
  }

  // ---- sending

  /** Sends a frame; fails if the send does not complete. */
  void send(ClientFrame frame) {
    sendText(CODEC.encode(frame));
  }

  /** Sends raw text as one text frame; fails if the send does not complete. */
  void sendText(String text) {
    if (!trySendText(text)) {
      throw new AssertionError("could not send a frame; connection ended: " + closeStatusNow());
    }
  }

  /** Sends raw text as one text frame; returns whether the send completed. */
  synchronized boolean trySendText(String text) {
    return complete(socket().sendText(text, true));
  }

  /** Sends one binary frame; returns whether the send completed. */
  synchronized boolean trySendBinary(byte[] data) {
    return complete(socket().sendBinary(ByteBuffer.wrap(data), true));
  }

  private static boolean complete(CompletableFuture<WebSocket> send) {
    try {
      send.get(30, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private WebSocket socket() {
    WebSocket ws = webSocket;
    if (ws == null) {
      throw new IllegalStateException("not open");
    }
    return ws;
  }

  /** Sends {@code subscribe} for every line from the beginning (after 0), without waiting. */
  void subscribeFromStart(DeploymentId id) {
    send(new ClientFrame.Subscribe(id, null, 0L, null, SubscribeFilter.NONE));
  }

  /** Sends {@code subscribe} for every line from the beginning and waits for {@code subscribed}. */
  ServerFrame.Subscribed subscribeFromStartAndWait(DeploymentId id) {
    subscribeFromStart(id);
    return awaitFrame(ServerFrame.Subscribed.class, s -> s.deploymentId().equals(id));
  }

  /**
   * Sends a {@code ping} with a fresh id and waits for its {@code pong}: everything the server sent
   * in answer to earlier frames of this connection arrived before it.
   */
  void roundTrip() {
    String id = "rt-" + PING_IDS.incrementAndGet();
    send(new ClientFrame.Ping(id));
    awaitFrame(ServerFrame.Pong.class, p -> id.equals(p.id()));
  }

  // ---- reading

  ServerFrame.Welcome awaitWelcome() {
    return awaitFrame(ServerFrame.Welcome.class);
  }

  /** The welcome this connection received, without consuming it from {@link #awaitFrame}. */
  ServerFrame.Welcome welcome() {
    List<ServerFrame.Welcome> welcomes = framesOf(ServerFrame.Welcome.class);
    if (welcomes.isEmpty()) {
      throw new AssertionError("no welcome yet: " + describe());
    }
    return welcomes.get(0);
  }

  ServerFrame.Error awaitError() {
    return awaitFrame(ServerFrame.Error.class);
  }

  /** The next frame of {@code type} that no earlier {@code awaitFrame} of that type returned. */
  <T extends ServerFrame> T awaitFrame(Class<T> type) {
    return awaitFrame(type, f -> true);
  }

  /**
   * The next frame of {@code type} matching {@code match} after the last one an {@code awaitFrame}
   * of that type returned. Frames of other types are left for their own waits.
   */
  <T extends ServerFrame> T awaitFrame(Class<T> type, Predicate<? super T> match) {
    long deadline = System.nanoTime() + Awaits.PROMPTLY.toNanos();
    synchronized (lock) {
      while (true) {
        int from = taken.getOrDefault(type, 0);
        for (int i = from; i < frames.size(); i++) {
          ServerFrame f = frames.get(i);
          if (type.isInstance(f) && match.test(type.cast(f))) {
            taken.put(type, i + 1);
            return type.cast(f);
          }
        }
        if (closed.isDone()) {
          throw new AssertionError(
              "no " + type.getSimpleName() + " before the connection ended: " + describe());
        }
        if (!waitUntil(deadline)) {
          throw new AssertionError(
              "no " + type.getSimpleName() + " within " + Awaits.PROMPTLY + ": " + describe());
        }
      }
    }
  }

  /**
   * Waits until this client holds lines of {@code id} up to seq {@code last} (or the connection
   * ended), then returns the seqs it received for {@code id}, in arrival order.
   */
  List<Long> awaitSeqsThrough(DeploymentId id, long last) {
    long deadline = System.nanoTime() + Awaits.PROMPTLY.toNanos();
    synchronized (lock) {
      while (true) {
        List<LogLine> got = linesByDeployment.getOrDefault(id, List.of());
        boolean done = !got.isEmpty() && got.get(got.size() - 1).seq() >= last;
        if (done || closed.isDone() || !waitUntil(deadline)) {
          return seqs(id);
        }
      }
    }
  }

  /**
   * Waits until this client holds a line of {@code id} with seq {@code last} or later; fails if it
   * does not come or the connection ends first. Copies nothing, so it suits tight loops.
   */
  void awaitThrough(DeploymentId id, long last) {
    long deadline = System.nanoTime() + Awaits.PROMPTLY.toNanos();
    synchronized (lock) {
      while (true) {
        List<LogLine> got = linesByDeployment.getOrDefault(id, List.of());
        if (!got.isEmpty() && got.get(got.size() - 1).seq() >= last) {
          return;
        }
        if (closed.isDone() || !waitUntil(deadline)) {
          throw new AssertionError("no line " + last + " of " + id + ": " + describe());
        }
      }
    }
  }

  /** Waits until at least {@code n} lines arrived, across all deployments; returns all of them. */
  List<LogLine> awaitLines(int n) {
    long deadline = System.nanoTime() + Awaits.PROMPTLY.toNanos();
    synchronized (lock) {
      while (allLines.size() < n) {
        if (closed.isDone() || !waitUntil(deadline)) {
          throw new AssertionError(
              "expected " + n + " lines, have " + allLines.size() + ": " + describe());
        }
      }
      return List.copyOf(allLines);
    }
  }

  // guarded by lock (called holding it)
  private boolean waitUntil(long deadline) {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      return false;
    }
    try {
      TimeUnit.NANOSECONDS.timedWait(lock, remaining);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  /** How the connection ended, waiting for it to end. */
  CloseStatus awaitClose() {
    return awaitClose(Awaits.PROMPTLY);
  }

  CloseStatus awaitClose(Duration atMost) {
    try {
      return closed.get(atMost.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("the connection did not end within " + atMost + ": " + describe());
    } catch (ExecutionException e) {
      throw new AssertionError(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  boolean isClosed() {
    return closed.isDone();
  }

  @Nullable CloseStatus closeStatusNow() {
    return closed.getNow(null);
  }

  /** Lines received before the close frame arrived; -1 while open. */
  int linesAtClose() {
    return linesAtClose;
  }

  int pings() {
    return pings.get();
  }

  List<ServerFrame> frames() {
    synchronized (lock) {
      return List.copyOf(frames);
    }
  }

  /** Frames about {@code id} ({@code subscribed}, {@code logs}, {@code gap}, {@code status}). */
  List<ServerFrame> framesAbout(DeploymentId id) {
    List<ServerFrame> about = new ArrayList<>();
    for (ServerFrame f : frames()) {
      if (deploymentOf(f) != null && id.equals(deploymentOf(f))) {
        about.add(f);
      }
    }
    return about;
  }

  static @Nullable DeploymentId deploymentOf(ServerFrame f) {
    if (f instanceof ServerFrame.Subscribed s) {
      return s.deploymentId();
    } else if (f instanceof ServerFrame.Logs l) {
      return l.deploymentId();
    } else if (f instanceof ServerFrame.Gap g) {
      return g.deploymentId();
    } else if (f instanceof ServerFrame.Status s) {
      return s.deploymentId();
    }
    return null;
  }

  <T extends ServerFrame> List<T> framesOf(Class<T> type) {
    List<T> of = new ArrayList<>();
    for (ServerFrame f : frames()) {
      if (type.isInstance(f)) {
        of.add(type.cast(f));
      }
    }
    return of;
  }

  List<LogLine> lines(DeploymentId id) {
    synchronized (lock) {
      return List.copyOf(linesByDeployment.getOrDefault(id, List.of()));
    }
  }

  List<Long> seqs(DeploymentId id) {
    return lines(id).stream().map(LogLine::seq).toList();
  }

  int lineCount() {
    synchronized (lock) {
      return allLines.size();
    }
  }

  /** Server frames that did not decode; a correct server sends none. */
  List<String> unreadable() {
    synchronized (lock) {
      return List.copyOf(unreadable);
    }
  }

  String describe() {
    synchronized (lock) {
      StringBuilder s = new StringBuilder();
      s.append(frames.size()).append(" frames [");
      int start = Math.max(0, frames.size() - 12);
      if (start > 0) {
        s.append("... ");
      }
      for (int i = start; i < frames.size(); i++) {
        s.append(summary(frames.get(i))).append(i + 1 < frames.size() ? ", " : "");
      }
      s.append("], ").append(allLines.size()).append(" lines, close ").append(closed.getNow(null));
      if (!unreadable.isEmpty()) {
        s.append(", unreadable ").append(unreadable);
      }
      return s.toString();
    }
  }

  static String summary(ServerFrame f) {
    if (f instanceof ServerFrame.Logs l) {
      return "logs "
          + l.deploymentId()
          + " "
          + l.lines().get(0).seq()
          + ".."
          + l.lines().get(l.lines().size() - 1).seq();
    }
    return f.toString();
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 200) + "...";
  }

  /** Sends a normal close and drops the connection; idempotent. */
  @Override
  public void close() {
    WebSocket ws = webSocket;
    if (ws == null) {
      return;
    }
    if (!closed.isDone() && !ws.isOutputClosed()) {
      try {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        closed.get(5, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // the server may already be gone; abort below
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    ws.abort();
  }

  /** Drops the TCP connection without a close frame. */
  void abort() {
    WebSocket ws = webSocket;
    if (ws != null) {
      ws.abort();
    }
  }
}
