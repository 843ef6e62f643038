package io.coderunner.benchmarks;

import io.coderunner.benchmarks.support.BenchServer;
import io.coderunner.benchmarks.support.RawWebSocket;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.log.RetentionConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Connect + upgrade + auth: the time from opening a TCP connection to the in-process server ({@link
 * BenchServer}, loopback) until the client holds the {@code welcome} frame, with the token in the
 * upgrade's {@code Authorization: Bearer} header. Sampled per connection, so JMH reports the
 * percentiles (p0.50, p0.99, p0.999) the design's target ({@code p99 < 2 ms}) is stated in.
 *
 * <ul>
 *   <li>{@code jdkClient}: the JDK's {@link java.net.http.WebSocket}, which the SDK uses; its own
 *       cost (builder, handshake bookkeeping, hand-offs between its selector and executor threads)
 *       is part of the figure.
 *   <li>{@code rawClient}: {@link RawWebSocket}, a blocking client that does only what RFC 6455
 *       requires (random key, checked {@code Sec-WebSocket-Accept}); the difference to {@code
 *       jdkClient} is the JDK client's overhead.
 *   <li>{@code baselineHttpGet}: the floor: a TCP connect and one plain HTTP exchange ({@code GET
 *       /ping}) with the same server, raw client, no upgrade, no token.
 * </ul>
 *
 * <p><b>Closing.</b> Each measured invocation leaves its connection open; a {@code
 * Level.Invocation} tear-down closes it cleanly (close frame, wait for the server's close frame or
 * end of stream) outside the measured time. So closing costs nothing in the figure, never overlaps
 * the next connect, and connections do not pile up on the server. {@code Level.Invocation} helpers
 * are only sound for operations well above a few microseconds, which these (hundreds of
 * microseconds) are. Every invocation checks that the first frame is a {@code welcome}, so a
 * refused or broken upgrade fails the run instead of looking fast.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar WsConnect -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class WsConnectBenchmark {
  private static final long TIMEOUT_SECONDS = 10;

  private BenchServer server;
  private HttpClient http;
  private InetSocketAddress address;
  private URI uri;
  private String token;
  private byte[] pingRequest;

  private @Nullable WebSocket jdkOpen;
  private @Nullable CompletableFuture<Void> jdkClosed;
  private @Nullable RawWebSocket rawOpen;
  private @Nullable SocketChannel baselineOpen;
  private final byte[] baselineBytes = new byte[4096];

  @Setup(Level.Trial)
  public void setUp() {
    server =
        BenchServer.start(
            List.of(DeploymentId.of("d1")),
            BenchServer.config(50_000),
            RetentionConfig.defaults(),
            BenchServer.randomSecret(),
            paths -> {});
    http = HttpClient.newHttpClient();
    address = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.port());
    uri = server.webSocketUri();
    token = server.token();
    pingRequest = server.pingRequest();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    server.close();
  }

  /** Closes the connection the last invocation opened; not measured. */
  @TearDown(Level.Invocation)
  public void closeConnection() throws Exception {
    WebSocket ws = jdkOpen;
    CompletableFuture<Void> closed = jdkClosed;
    if (ws != null && closed != null) {
      jdkOpen = null;
      jdkClosed = null;
      try {
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        closed.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } finally {
        ws.abort();
      }
    }
    RawWebSocket raw = rawOpen;
    if (raw != null) {
      rawOpen = null;
      raw.close();
    }
    SocketChannel plain = baselineOpen;
    if (plain != null) {
      baselineOpen = null;
      plain.close();
    }
  }

  @Benchmark
  public WebSocket jdkClient()
      throws InterruptedException, ExecutionException, TimeoutException, IOException {
    CompletableFuture<String> welcome = new CompletableFuture<>();
    CompletableFuture<Void> closed = new CompletableFuture<>();
    WebSocket ws =
        http.newWebSocketBuilder()
            .header("Authorization", "Bearer " + token)
            .buildAsync(uri, new FirstTextListener(welcome, closed))
            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    jdkOpen = ws;
    jdkClosed = closed;
    String first = welcome.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (!first.startsWith("{\"type\":\"welcome\"")) {
      throw new IOException("expected welcome, got " + first);
    }
    return ws;
  }

  @Benchmark
  public RawWebSocket rawClient() throws IOException {
    RawWebSocket ws = RawWebSocket.connect(address, "/ws", token);
    rawOpen = ws;
    return ws;
  }

  @Benchmark
  public SocketChannel baselineHttpGet() throws IOException {
    SocketChannel channel = SocketChannel.open();
    baselineOpen = channel;
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    channel.connect(address);
    ByteBuffer request = ByteBuffer.wrap(pingRequest);
    while (request.hasRemaining()) {
      channel.write(request);
    }
    ByteBuffer in = ByteBuffer.wrap(baselineBytes);
    while (!endsWithOk(baselineBytes, in.position())) {
      if (channel.read(in) < 0 || !in.hasRemaining()) {
        throw new IOException(
            "incomplete answer: "
                + new String(baselineBytes, 0, in.position(), StandardCharsets.US_ASCII));
      }
    }
    String answer = new String(baselineBytes, 0, 12, StandardCharsets.US_ASCII);
    if (!answer.equals("HTTP/1.1 200")) {
      throw new IOException("expected 200, got " + answer);
    }
    return channel;
  }

  private static boolean endsWithOk(byte[] b, int p) {
    return p >= 6
        && b[p - 6] == '\r'
        && b[p - 5] == '\n'
        && b[p - 4] == '\r'
        && b[p - 3] == '\n'
        && b[p - 2] == 'o'
        && b[p - 1] == 'k';
  }

  /** Completes with the first whole text message; notes the close. */
  private static final class FirstTextListener implements WebSocket.Listener {
    private final CompletableFuture<String> first;
    private final CompletableFuture<Void> closed;
    private final StringBuilder text = new StringBuilder();

    FirstTextListener(CompletableFuture<String> first, CompletableFuture<Void> closed) {
      this.first = first;
      this.closed = closed;
    }

    @Override
    public @Nullable CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        first.complete(text.toString());
        text.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public @Nullable CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closed.complete(null);
      first.completeExceptionally(new IOException("closed with " + statusCode + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closed.complete(null);
      first.completeExceptionally(error);
    }
  }
}
