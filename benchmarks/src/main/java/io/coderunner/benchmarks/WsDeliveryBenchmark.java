package io.coderunner.benchmarks;

import io.coderunner.benchmarks.support.BenchServer;
import io.coderunner.benchmarks.support.LogsFrameScanner;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLine;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.core.protocol.FrameCodec;
import io.coderunner.core.protocol.ProtocolConfig;
import io.coderunner.core.protocol.ServerFrame;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Append → received: one line appended to the in-process store until a subscribed JDK {@link
 * java.net.http.WebSocket} client in the same JVM holds the {@code logs} frame carrying it, over
 * loopback through the real broadcaster ({@link BenchServer}). Sampled per line, so JMH reports
 * p0.50 / p0.99 / p0.999.
 *
 * <p>{@code clients} JDK clients follow the deployment live; the measured wait is for one
 * designated client (the last to subscribe), while the others receive the same line at the same
 * time, so with 100 clients the figure includes the server's fan-out to 99 others and their reading
 * on the same two cores. The benchmark thread appends the next line only after the previous one
 * arrived, so this is latency at the rate the round trip allows, not under a fixed offered load
 * (the load tool measures that).
 *
 * <p><b>Waiting.</b> The benchmark thread waits with {@link Thread#yield()} in a loop on the
 * client's last received seq: on two cores a busy spin would take a core from the server's I/O
 * thread or the client, and park/unpark would add a wake-up to every sample.
 *
 * <p><b>Checks.</b> Every client checks each seq it receives is exactly the next one after {@code
 * subscribed.next} (no gap, duplicate or reordering); each invocation checks the designated client
 * got exactly the appended seq; the trial's tear-down waits until every client has the last seq and
 * fails the run if any client missed, repeated or reordered a line, or got a {@code gap}. A broken
 * build can't look fast.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar WsDelivery -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class WsDeliveryBenchmark {
  private static final DeploymentId ID = DeploymentId.of("d1");
  private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

  @Param({"1", "100"})
  public int clients;

  private BenchServer server;
  private HttpClient http;
  private List<Follower> followers;
  private Follower designated;
  private final LogEntry entry =
      LogEntry.stdout("deploy step 4/7: pushing image layer sha256:ab12cd34ef56 (12.4 MB)");
  private long lastAppended;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    server =
        BenchServer.start(
            List.of(ID),
            BenchServer.config(50_000),
            RetentionConfig.defaults(),
            BenchServer.randomSecret(),
            paths -> {});
    http = HttpClient.newHttpClient();
    String token = server.token();
    followers = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      Follower f = new Follower();
      WebSocket ws =
          http.newWebSocketBuilder()
              .header("Authorization", "Bearer " + token)
              .buildAsync(server.webSocketUri(), f)
              .get(10, TimeUnit.SECONDS);
      f.welcomed.get(10, TimeUnit.SECONDS);
      ws.sendText("{\"type\":\"subscribe\",\"deploymentId\":\"" + ID.value() + "\"}", true)
          .get(10, TimeUnit.SECONDS);
      f.subscribed.get(10, TimeUnit.SECONDS);
      f.ws = ws;
      followers.add(f);
    }
    designated = followers.get(followers.size() - 1);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    try {
      long deadline = System.nanoTime() + TIMEOUT_NANOS;
      for (Follower f : followers) {
        while (f.lastSeq < lastAppended && System.nanoTime() < deadline) {
          Thread.sleep(1);
        }
      }
      StringBuilder problems = new StringBuilder();
      for (int i = 0; i < followers.size(); i++) {
        Follower f = followers.get(i);
        if (f.lastSeq != lastAppended || f.problem != null) {
          problems
              .append("client ")
              .append(i)
              .append(": last seq ")
              .append(f.lastSeq)
              .append(" of ")
              .append(lastAppended)
              .append(f.problem == null ? "" : ", " + f.problem)
              .append('\n');
        }
      }
      if (problems.length() > 0) {
        throw new IllegalStateException("delivery was not exactly once in order:\n" + problems);
      }
    } finally {
      for (Follower f : followers) {
        WebSocket ws = f.ws;
        if (ws != null) {
          ws.abort();
        }
      }
      server.close();
    }
  }

  @Benchmark
  @SuppressWarnings("ThreadPriorityCheck") // yield on purpose: see "Waiting" above
  public long appendAndReceive() {
    LogLine line = server.store().append(ID, entry);
    long seq = line.seq();
    lastAppended = seq;
    Follower f = designated;
    long start = System.nanoTime();
    int spins = 0;
    while (f.lastSeq < seq) {
      Thread.yield();
      if ((++spins & 0xFF) == 0 && System.nanoTime() - start > TIMEOUT_NANOS) {
        throw new IllegalStateException(
            "line " + seq + " not received in 10 s; last " + f.lastSeq + ", " + f.problem);
      }
    }
    if (f.lastSeq != seq || f.problem != null) {
      throw new IllegalStateException(
          "appended "
              + seq
              + ", received "
              + f.lastSeq
              + (f.problem == null ? "" : ", " + f.problem));
    }
    return seq;
  }

  /** A JDK WebSocket listener that follows one deployment and checks what it receives. */
  static final class Follower implements WebSocket.Listener {
    private static final FrameCodec CODEC =
        FrameCodec.create(ProtocolConfig.builder().maxFrameBytes(1 << 20).build());

    final CompletableFuture<Void> welcomed = new CompletableFuture<>();
    final CompletableFuture<Void> subscribed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();
    private final LogsFrameScanner scanner = new LogsFrameScanner();
    private final byte[] id = ID.value().getBytes(StandardCharsets.UTF_8);
    private long expected = -1; // the next seq this client must receive
    volatile long lastSeq;
    volatile @Nullable String problem;
    volatile @Nullable WebSocket ws;

    @Override
    public @Nullable CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String frame = text.toString();
        text.setLength(0);
        try {
          onFrame(frame);
        } catch (RuntimeException e) {
          problem = "unreadable frame: " + e;
        }
      }
      ws.request(1);
      return null;
    }

    private void onFrame(String frame) {
      byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
      if (LogsFrameScanner.isLogs(bytes, 0, bytes.length)
          && scanner.scan(bytes, 0, bytes.length, id)) {
        for (int i = 0; i < scanner.count(); i++) {
          line(scanner.seq(i));
        }
        return;
      }
      ServerFrame decoded = CODEC.decodeServer(frame);
      if (decoded instanceof ServerFrame.Welcome) {
        welcomed.complete(null);
      } else if (decoded instanceof ServerFrame.Subscribed s) {
        expected = s.next();
        lastSeq = s.next() - 1;
        subscribed.complete(null);
      } else if (decoded instanceof ServerFrame.Logs logs) {
        for (LogLine l : logs.lines()) {
          line(l.seq());
        }
      } else if (decoded instanceof ServerFrame.Gap gap) {
        problem = "gap " + gap.from() + ".." + gap.to();
      } else if (decoded instanceof ServerFrame.Error error) {
        problem = "error " + error.code() + ": " + error.message();
        subscribed.completeExceptionally(new IllegalStateException(problem));
      }
    }

    private void line(long seq) {
      if (seq != expected) {
        if (problem == null) {
          problem = "expected seq " + expected + ", got " + seq;
        }
        return;
      }
      expected = seq + 1;
      lastSeq = seq;
    }

    @Override
    public @Nullable CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      problem = "closed by server: " + statusCode + " " + reason;
      welcomed.completeExceptionally(new IllegalStateException(problem));
      subscribed.completeExceptionally(new IllegalStateException(problem));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      problem = "error: " + error;
      welcomed.completeExceptionally(error);
      subscribed.completeExceptionally(error);
    }
  }
}
