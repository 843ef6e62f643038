package io.coderunner.benchmarks.load;

import io.coderunner.benchmarks.support.LogsFrameScanner;
import io.coderunner.benchmarks.support.WsFrames;
import io.coderunner.core.LogLine;
import io.coderunner.core.protocol.FrameCodec;
import io.coderunner.core.protocol.ProtocolConfig;
import io.coderunner.core.protocol.ProtocolException;
import io.coderunner.core.protocol.ServerFrame;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Many WebSocket client connections on a few selector threads: a minimal non-blocking RFC 6455
 * client (upgrade with a bearer token, masked client frames, text frames with 7-, 16- and 64-bit
 * lengths and fragments, ping → pong, close) that follows one deployment per connection and checks
 * every seq it receives.
 *
 * <p>Each connection belongs to one {@link Worker} thread, which alone touches its state. The
 * coordinator talks to workers only through tasks ({@link Worker#call}), and reads connection state
 * directly only after {@link #closeAll} has joined the threads.
 */
final class ClientPool {
  private static final FrameCodec CODEC =
      FrameCodec.create(ProtocolConfig.builder().maxFrameBytes(16 << 20).build());
  private static final byte[] WELCOME = ascii("{\"type\":\"welcome\"");
  private static final java.nio.charset.Charset UTF8 = StandardCharsets.UTF_8;

  private final InetSocketAddress server;
  private final String hostPort;
  private final String token;
  private final List<Conn> conns = new ArrayList<>();
  private final Worker[] workers;
  private volatile long measureFromMicros = Long.MAX_VALUE;
  private volatile long measureToMicros = Long.MAX_VALUE;

  enum ConnState {
    NEW,
    CONNECTING,
    UPGRADING,
    AWAIT_WELCOME,
    WELCOMED,
    SUBSCRIBING,
    SUBSCRIBED,
    CLOSING,
    CLOSED
  }

  /**
   * @param deployments the deployment of each connection, in order
   * @param sources source addresses to spread connections over, or empty to let the OS choose
   */
  ClientPool(
      InetSocketAddress server,
      String token,
      int threads,
      List<String> deployments,
      List<InetAddress> sources,
      int connectConcurrency)
      throws IOException {
    this.server = server;
    this.hostPort = server.getHostString() + ":" + server.getPort();
    this.token = token;
    this.workers = new Worker[threads];
    int perWorker = Math.max(1, connectConcurrency / threads);
    for (int i = 0; i < threads; i++) {
      workers[i] = new Worker(i, perWorker);
    }
    for (int i = 0; i < deployments.size(); i++) {
      InetAddress source = sources.isEmpty() ? null : sources.get(i % sources.size());
      Conn c = new Conn(i, deployments.get(i), source, workers[i % threads]);
      conns.add(c);
      c.worker.owned.add(c);
    }
    for (Worker w : workers) {
      w.start();
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Opens every connection, at most the concurrency in flight; completes when all are settled. */
  CompletableFuture<Void> connectAll() {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (Worker w : workers) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      w.execute(() -> w.beginConnects(done));
      all.add(done);
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
  }

  /** Subscribes every welcomed connection to its deployment; completes when all have answered. */
  CompletableFuture<Void> subscribeAll() {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (Worker w : workers) {
      CompletableFuture<Void> done = new CompletableFuture<>();
      w.execute(() -> w.beginSubscribes(done));
      all.add(done);
    }
    return CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0]));
  }

  /** Lines stamped in {@code [from, to)} (epoch µs) count for latency and delivered lines/s. */
  void measureWindow(long fromMicros, long toMicros) {
    measureToMicros = toMicros;
    measureFromMicros = fromMicros;
  }

  /** Subscribed connections that have received up to the given last seq of their deployment. */
  int caughtUp(Map<String, Long> lastSeqByDeployment) {
    int sum = 0;
    for (Worker w : workers) {
      sum +=
          answer(
              w.call(
                  worker -> {
                    int n = 0;
                    for (Conn c : worker.owned) {
                      Long last = lastSeqByDeployment.get(c.deployment);
                      if (c.state == ConnState.SUBSCRIBED
                          && last != null
                          && c.expectedNext > last) {
                        n++;
                      }
                    }
                    return n;
                  }));
    }
    return sum;
  }

  /** Connections whose state is {@code state} now. */
  int count(ConnState state) {
    int sum = 0;
    for (Worker w : workers) {
      sum +=
          answer(
              w.call(
                  worker -> {
                    int n = 0;
                    for (Conn c : worker.owned) {
                      if (c.state == state) {
                        n++;
                      }
                    }
                    return n;
                  }));
    }
    return sum;
  }

  /** Lines received so far by all connections (for progress; approximate while running). */
  long linesReceived() {
    long sum = 0;
    for (Worker w : workers) {
      sum += w.linesReceived;
    }
    return sum;
  }

  /**
   * Closes every open connection (close frame, then waits up to {@code graceMillis} for the
   * server's close frame), stops and joins the threads. Afterwards {@link #connections()} and the
   * workers' results may be read.
   */
  void closeAll(long graceMillis) throws InterruptedException {
    for (Worker w : workers) {
      w.execute(() -> w.beginClose(graceMillis));
    }
    for (Worker w : workers) {
      w.join(graceMillis + 10_000);
    }
  }

  /** A worker's answer to a query; it answers within one select round unless it died. */
  private static int answer(CompletableFuture<Integer> f) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("a client thread did not answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  List<Conn> connections() {
    return conns;
  }

  /** Latency of lines stamped in the window, merged over threads (after {@link #closeAll}). */
  Histogram latency() {
    Histogram h = new Histogram();
    for (Worker w : workers) {
      h.add(w.latency);
    }
    return h;
  }

  long negativeLatencies() {
    long n = 0;
    for (Worker w : workers) {
      n += w.negativeLatencies;
    }
    return n;
  }

  /** Lines stamped in the window that arrived (after {@link #closeAll}). */
  long windowLines() {
    long n = 0;
    for (Worker w : workers) {
      n += w.windowLines;
    }
    return n;
  }

  /** Why connections failed, with counts (after {@link #closeAll}). */
  Map<String, Integer> failures() {
    Map<String, Integer> all = new TreeMap<>();
    for (Conn c : conns) {
      if (c.failure != null) {
        all.merge(c.failure, 1, Integer::sum);
      }
    }
    return all;
  }

  /** One client connection. Fields are the owning worker's alone until the threads are joined. */
  final class Conn {
    final int index;
    final String deployment;
    final byte[] deploymentBytes;
    final @Nullable InetAddress source;
    final Worker worker;
    @Nullable SocketChannel channel;
    @Nullable SelectionKey key;
    volatile ConnState state = ConnState.NEW;
    private String secKey = "";
    private @Nullable ByteBuffer out;
    private byte @Nullable [] pendingIn;
    private byte @Nullable [] message;
    private int messageLength;
    private int messageOpcode;

    long connectStartNanos;
    long welcomeNanos;

    /** Connect time, TCP connect to welcome, in µs; -1 if it never completed. */
    long connectMicros = -1;

    /**
     * {@code next} of {@code subscribed}: the first seq this connection must receive; -1 before.
     */
    long subscribedNext = -1;

    long expectedNext = -1;
    long received;
    long missingInStream;
    long duplicates;
    long gapLines;
    long unexpectedFrames;
    long errorFrames;
    boolean closeSent;

    /** Close code the server sent (1006 for an end of stream without one); 0 if it did not. */
    int serverCloseCode;

    @Nullable String failure;

    Conn(int index, String deployment, @Nullable InetAddress source, Worker worker) {
      this.index = index;
      this.deployment = deployment;
      this.deploymentBytes = deployment.getBytes(StandardCharsets.UTF_8);
      this.source = source;
      this.worker = worker;
    }

    void start(Selector selector) throws IOException {
      SocketChannel ch = SocketChannel.open();
      channel = ch;
      ch.configureBlocking(false);
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (source != null) {
        ch.bind(new InetSocketAddress(source, 0));
      }
      state = ConnState.CONNECTING;
      connectStartNanos = System.nanoTime();
      boolean connected = ch.connect(server);
      key = ch.register(selector, connected ? 0 : SelectionKey.OP_CONNECT, this);
      if (connected) {
        connected();
      }
    }

    void connected() throws IOException {
      SocketChannel ch = channel();
      if (!ch.finishConnect()) {
        return;
      }
      state = ConnState.UPGRADING;
      secKey = WsFrames.newKey();
      key().interestOps(SelectionKey.OP_READ);
      send(WsFrames.upgradeRequest(hostPort, "/ws", secKey, token));
    }

    SocketChannel channel() {
      SocketChannel ch = channel;
      if (ch == null) {
        throw new IllegalStateException("not started");
      }
      return ch;
    }

    SelectionKey key() {
      SelectionKey k = key;
      if (k == null) {
        throw new IllegalStateException("not registered");
      }
      return k;
    }

    void send(byte[] bytes) throws IOException {
      ByteBuffer pending = out;
      if (pending != null) {
        ByteBuffer joined = ByteBuffer.allocate(pending.remaining() + bytes.length);
        joined.put(pending).put(bytes).flip();
        out = joined;
        return;
      }
      ByteBuffer b = ByteBuffer.wrap(bytes);
      channel().write(b);
      if (b.hasRemaining()) {
        out = b;
        key().interestOps(key().interestOps() | SelectionKey.OP_WRITE);
      }
    }

    void flush() throws IOException {
      ByteBuffer pending = out;
      if (pending == null) {
        key().interestOps(key().interestOps() & ~SelectionKey.OP_WRITE);
        return;
      }
      channel().write(pending);
      if (!pending.hasRemaining()) {
        out = null;
        key().interestOps(key().interestOps() & ~SelectionKey.OP_WRITE);
      }
    }

    /**
     * Consumes whole frames (and the upgrade answer) from {@code b[0, end)}; returns bytes used.
     */
    int consume(byte[] b, int end, long nowMicros) throws IOException {
      int p = 0;
      if (state == ConnState.UPGRADING) {
        int headEnd = WsFrames.headEnd(b, 0, end);
        if (headEnd < 0) {
          if (end > 16 << 10) {
            fail("upgrade answer too long");
          }
          return 0;
        }
        String head = new String(b, 0, headEnd, StandardCharsets.ISO_8859_1);
        String problem = WsFrames.checkUpgradeAnswer(head, WsFrames.acceptFor(secKey));
        if (problem != null) {
          fail(problem);
          return end;
        }
        state = ConnState.AWAIT_WELCOME;
        p = headEnd;
      }
      WsFrames.Header h = worker.header;
      while (state != ConnState.CLOSED) {
        if (!h.parse(b, p, end - p)) {
          break;
        }
        long frameEnd = h.payloadOffset + h.payloadLength;
        if (frameEnd > end) {
          worker.ensureCapacity(frameEnd - p);
          break;
        }
        h.unmask(b);
        frame(b, h.opcode, h.fin, h.payloadOffset, (int) h.payloadLength, nowMicros);
        p = (int) frameEnd;
      }
      return state == ConnState.CLOSED ? end : p;
    }

    private void frame(byte[] b, int opcode, boolean fin, int off, int len, long nowMicros)
        throws IOException {
      switch (opcode) {
        case WsFrames.OP_TEXT -> {
          if (fin) {
            text(b, off, len, nowMicros);
          } else {
            message = Arrays.copyOfRange(b, off, off + len);
            messageLength = len;
            messageOpcode = opcode;
          }
        }
        case WsFrames.OP_CONTINUATION -> {
          byte[] m = message;
          if (m == null) {
            unexpectedFrames++;
            return;
          }
          if (messageLength + len > m.length) {
            m = Arrays.copyOf(m, Math.max(m.length * 2, messageLength + len));
            message = m;
          }
          System.arraycopy(b, off, m, messageLength, len);
          messageLength += len;
          if (fin) {
            message = null;
            if (messageOpcode == WsFrames.OP_TEXT) {
              text(m, 0, messageLength, nowMicros);
            }
          }
        }
        case WsFrames.OP_PING ->
            send(WsFrames.clientFrame(WsFrames.OP_PONG, Arrays.copyOfRange(b, off, off + len)));
        case WsFrames.OP_PONG -> {}
        case WsFrames.OP_CLOSE -> {
          if (!closeSent) {
            serverCloseCode = WsFrames.closeCode(b, off, len);
            closeSent = true;
            send(WsFrames.closeFrame(1000));
          }
          closeChannel();
        }
        default -> unexpectedFrames++;
      }
    }

    private void text(byte[] b, int off, int len, long nowMicros) throws IOException {
      if (state == ConnState.AWAIT_WELCOME) {
        if (len >= WELCOME.length
            && Arrays.equals(b, off, off + WELCOME.length, WELCOME, 0, WELCOME.length)) {
          welcomeNanos = System.nanoTime();
          connectMicros = (welcomeNanos - connectStartNanos) / 1_000;
          state = ConnState.WELCOMED;
          worker.settled(this);
        } else {
          fail("expected welcome, got " + new String(b, off, Math.min(len, 200), UTF8));
        }
        return;
      }
      LogsFrameScanner scanner = worker.scanner;
      if (LogsFrameScanner.isLogs(b, off, len) && scanner.scan(b, off, len, deploymentBytes)) {
        for (int i = 0; i < scanner.count(); i++) {
          line(scanner.seq(i), scanner.stampMicros(i), nowMicros);
        }
        return;
      }
      ServerFrame frame;
      try {
        frame = CODEC.decodeServer(new String(b, off, len, UTF8));
      } catch (ProtocolException e) {
        unexpectedFrames++;
        return;
      }
      if (frame instanceof ServerFrame.Subscribed s) {
        if (state == ConnState.SUBSCRIBING && s.deploymentId().value().equals(deployment)) {
          subscribedNext = s.next();
          expectedNext = s.next();
          state = ConnState.SUBSCRIBED;
          worker.settled(this);
        } else {
          unexpectedFrames++;
        }
      } else if (frame instanceof ServerFrame.Logs logs) {
        if (!logs.deploymentId().value().equals(deployment)) {
          unexpectedFrames++;
          return;
        }
        for (LogLine line : logs.lines()) {
          line(line.seq(), LogsFrameScanner.stampOf(line.message()), nowMicros);
        }
      } else if (frame instanceof ServerFrame.Gap gap) {
        gapLines += gap.to() - gap.from() + 1;
        if (expectedNext >= 0 && gap.to() >= expectedNext) {
          expectedNext = gap.to() + 1;
        }
      } else if (frame instanceof ServerFrame.Error) {
        errorFrames++;
        if (state == ConnState.SUBSCRIBING) {
          fail("subscribe refused: " + new String(b, off, Math.min(len, 200), UTF8));
        }
      } else if (!(frame instanceof ServerFrame.Status || frame instanceof ServerFrame.Pong)) {
        unexpectedFrames++;
      }
    }

    private void line(long seq, long stampMicros, long nowMicros) {
      if (expectedNext < 0) {
        unexpectedFrames++;
        return;
      }
      if (seq == expectedNext) {
        received++;
        expectedNext = seq + 1;
      } else if (seq > expectedNext) {
        missingInStream += seq - expectedNext;
        received++;
        expectedNext = seq + 1;
      } else {
        duplicates++;
        return;
      }
      worker.lines++;
      if (stampMicros >= measureFromMicros && stampMicros < measureToMicros) {
        long latency = nowMicros - stampMicros;
        if (latency < 0) {
          worker.negativeLatencies++;
        }
        worker.latency.record(latency);
        worker.windowLines++;
      }
    }

    void subscribe() throws IOException {
      state = ConnState.SUBSCRIBING;
      send(WsFrames.textFrame("{\"type\":\"subscribe\",\"deploymentId\":\"" + deployment + "\"}"));
    }

    void closeGracefully() throws IOException {
      if (state == ConnState.CLOSED || state == ConnState.NEW) {
        return;
      }
      if (state.compareTo(ConnState.AWAIT_WELCOME) < 0) {
        closeChannel();
        return;
      }
      state = ConnState.CLOSING;
      if (!closeSent) {
        closeSent = true;
        send(WsFrames.closeFrame(1000));
      }
    }

    /** The server ended the stream (or reset it) without a close frame of its own. */
    void endOfStream(@Nullable IOException e) {
      if (state != ConnState.CLOSING && !closeSent) {
        serverCloseCode = 1006;
        if (state.compareTo(ConnState.WELCOMED) < 0) {
          failure = "closed during upgrade" + (e == null ? "" : ": " + e.getMessage());
        }
      }
      closeChannel();
    }

    void fail(String why) {
      if (failure == null) {
        failure = why;
      }
      closeChannel();
    }

    void closeChannel() {
      ConnState before = state;
      state = ConnState.CLOSED;
      SocketChannel ch = channel;
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException e) {
          // closing anyway
        }
      }
      if (before != ConnState.CLOSED) {
        worker.closedOne(this, before);
      }
    }
  }

  /** A selector thread owning a share of the connections. */
  final class Worker extends Thread {
    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<Conn> owned = new ArrayList<>();
    private final ArrayDeque<Conn> toConnect = new ArrayDeque<>();
    private final int concurrency;
    private final Clock clock = Clock.systemUTC();
    final WsFrames.Header header = new WsFrames.Header();
    final LogsFrameScanner scanner = new LogsFrameScanner();
    final Histogram latency = new Histogram();
    private byte[] buffer = new byte[1 << 20];
    private ByteBuffer wrapped = ByteBuffer.wrap(buffer);
    private int inFlight;
    private int awaiting;
    private @Nullable CompletableFuture<Void> phase;
    private boolean stopping;
    private long closeDeadlineNanos;
    long lines;
    long windowLines;
    long negativeLatencies;
    volatile long linesReceived;

    Worker(int index, int concurrency) throws IOException {
      super("load-client-" + index);
      setDaemon(true);
      this.selector = Selector.open();
      this.concurrency = concurrency;
    }

    void execute(Runnable task) {
      tasks.add(task);
      selector.wakeup();
    }

    <T> CompletableFuture<T> call(Function<Worker, T> query) {
      CompletableFuture<T> f = new CompletableFuture<>();
      execute(
          () -> {
            try {
              f.complete(query.apply(this));
            } catch (RuntimeException e) {
              f.completeExceptionally(e);
            }
          });
      return f;
    }

    void beginConnects(CompletableFuture<Void> done) {
      phase = done;
      toConnect.addAll(owned);
      launch();
    }

    private void launch() {
      if (stopping) {
        return;
      }
      while (inFlight < concurrency && !toConnect.isEmpty()) {
        Conn c = toConnect.poll();
        inFlight++;
        try {
          c.start(selector);
        } catch (IOException e) {
          c.fail("connect: " + e);
        }
      }
      CompletableFuture<Void> p = phase;
      if (inFlight == 0 && toConnect.isEmpty() && p != null) {
        phase = null;
        p.complete(null);
      }
    }

    void beginSubscribes(CompletableFuture<Void> done) {
      awaiting = 0;
      for (Conn c : owned) {
        if (c.state == ConnState.WELCOMED) {
          try {
            c.subscribe();
            awaiting++;
          } catch (IOException e) {
            c.fail("subscribe: " + e);
          }
        }
      }
      if (awaiting == 0) {
        done.complete(null);
      } else {
        phase = done;
      }
    }

    /** A connection reached the goal of the current phase (welcomed or subscribed). */
    void settled(Conn c) {
      if (c.state == ConnState.WELCOMED) {
        inFlight--;
        launch();
      } else if (c.state == ConnState.SUBSCRIBED) {
        awaitingDone();
      }
    }

    void closedOne(Conn c, ConnState before) {
      if (before.compareTo(ConnState.WELCOMED) < 0) {
        inFlight--;
        launch();
      } else if (before == ConnState.SUBSCRIBING) {
        awaitingDone();
      }
    }

    private void awaitingDone() {
      awaiting--;
      CompletableFuture<Void> p = phase;
      if (awaiting <= 0 && p != null) {
        phase = null;
        p.complete(null);
      }
    }

    void beginClose(long graceMillis) {
      stopping = true;
      closeDeadlineNanos = System.nanoTime() + graceMillis * 1_000_000L;
      for (Conn c : owned) {
        try {
          c.closeGracefully();
        } catch (IOException e) {
          c.closeChannel();
        }
      }
    }

    void ensureCapacity(long frameBytes) {
      if (frameBytes + (64 << 10) > buffer.length) {
        long size = Math.max(buffer.length * 2L, frameBytes + (64 << 10));
        if (size > Integer.MAX_VALUE - 16) {
          throw new IllegalStateException("frame of " + frameBytes + " bytes");
        }
        buffer = Arrays.copyOf(buffer, (int) size);
        wrapped = ByteBuffer.wrap(buffer);
      }
    }

    @Override
    public void run() {
      try {
        while (true) {
          selector.select(50);
          Runnable task;
          while ((task = tasks.poll()) != null) {
            task.run();
          }
          for (SelectionKey k : selector.selectedKeys()) {
            Conn c = (Conn) k.attachment();
            try {
              if (k.isValid() && k.isConnectable()) {
                c.connected();
              }
              if (k.isValid() && k.isReadable()) {
                read(c);
              }
              if (k.isValid() && k.isWritable()) {
                c.flush();
              }
            } catch (ClosedChannelException e) {
              c.closeChannel();
            } catch (IOException e) {
              if (c.state == ConnState.CONNECTING) {
                c.fail("connect: " + e.getMessage());
              } else {
                c.endOfStream(e);
              }
            }
          }
          selector.selectedKeys().clear();
          linesReceived = lines;
          if (stopping && (allClosed() || System.nanoTime() > closeDeadlineNanos)) {
            for (Conn c : owned) {
              if (c.state != ConnState.CLOSED) {
                c.closeChannel();
              }
            }
            selector.close();
            return;
          }
        }
      } catch (IOException | RuntimeException e) {
        System.err.println("load client thread " + getName() + " failed: " + e);
        CompletableFuture<Void> p = phase;
        if (p != null) {
          p.completeExceptionally(e);
        }
      }
    }

    private boolean allClosed() {
      for (Conn c : owned) {
        if (c.state != ConnState.CLOSED) {
          return false;
        }
      }
      return true;
    }

    private void read(Conn c) throws IOException {
      SocketChannel ch = c.channel();
      for (int round = 0; round < 16 && c.state != ConnState.CLOSED; round++) {
        int start = 0;
        byte[] pending = c.pendingIn;
        if (pending != null) {
          ensureCapacity(pending.length);
          System.arraycopy(pending, 0, buffer, 0, pending.length);
          start = pending.length;
          c.pendingIn = null;
        }
        wrapped.limit(buffer.length).position(start);
        int n = ch.read(wrapped);
        if (n < 0) {
          c.endOfStream(null);
          return;
        }
        int end = start + n;
        long now = LoadTool.epochMicros(clock);
        int used = c.consume(buffer, end, now);
        if (used < end && c.state != ConnState.CLOSED) {
          c.pendingIn = Arrays.copyOfRange(buffer, used, end);
        }
        if (n == 0 || wrapped.hasRemaining()) {
          return;
        }
      }
    }
  }
}
