package io.coderunner.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.coderunner.core.DeploymentId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the client retries, and after how long: an HTTP server that answers from a script (the real
 * server cannot be made to answer 503 on demand), and a closed port; waits run on a manual
 * scheduler, so every delay is checked against the backoff and the random source, and no test
 * sleeps.
 */
class RetryIT {
  private static final String DEPLOYMENT =
      "{\"id\":\"d-1\",\"name\":\"web\",\"ownerId\":\"u-1\",\"command\":[\"app\"],\"env\":{},"
          + "\"workingDir\":null,\"status\":\"created\",\"createdAt\":\"2026-12-07T10:00:00Z\","
          + "\"updatedAt\":\"2026-12-07T10:00:00Z\"}";

  private static final String APPENDED = "{\"firstSeq\":7,\"lastSeq\":8}";

  private final ManualScheduler scheduler = new ManualScheduler();
  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 4);
  private final Deque<int[]> script = new ArrayDeque<>(); // {status, retryAfterSeconds or -1}
  private final List<String> seen = new ArrayList<>();
  private HttpServer stub;

  @AfterEach
  void stop() {
    if (stub != null) {
      stub.stop(0);
    }
  }

  private URI stub() throws IOException {
    stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stub.createContext(
        "/",
        ex -> {
          int[] next;
          synchronized (script) {
            String key = ex.getRequestHeaders().getFirst("Idempotency-Key");
            seen.add(
                ex.getRequestMethod()
                    + " "
                    + ex.getRequestURI().getPath()
                    + (key == null ? "" : " key=" + key));
            next = script.isEmpty() ? new int[] {200, -1} : script.poll();
          }
          byte[] body =
              (next[0] < 300
                      ? (ex.getRequestURI().getPath().endsWith("/logs") ? APPENDED : DEPLOYMENT)
                      : "{\"type\":\"about:blank\",\"title\":\"t\",\"status\":" + next[0] + "}")
                  .getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders()
              .add("Content-Type", next[0] < 300 ? "application/json" : "application/problem+json");
          if (next[1] >= 0) {
            ex.getResponseHeaders().add("Retry-After", String.valueOf(next[1]));
          }
          ex.sendResponseHeaders(next[0], body.length);
          ex.getResponseBody().write(body);
          ex.close();
        });
    stub.start();
    return URI.create("http://127.0.0.1:" + stub.getAddress().getPort());
  }

  private CodeRunnerClient client(URI base) {
    return CodeRunnerClient.builder()
        .baseUri(base)
        .token("t.o.k")
        .scheduler(scheduler)
        .random(new FixedRandom(0.5))
        .retry(backoff)
        .build();
  }

  /** Runs scheduled waits as they come until {@code f} is done; returns their delays. */
  private List<Duration> drive(CompletableFuture<?> f) {
    List<Duration> waited = new ArrayList<>();
    while (!f.isDone()) {
      await().until(() -> f.isDone() || scheduler.pending() > 0);
      if (!f.isDone()) {
        waited.add(scheduler.runNext());
      }
    }
    return waited;
  }

  @Test
  void aGetAnswered503IsRetriedWithBackoffAndAPostIsNot() throws Exception {
    URI base = stub();
    try (CodeRunnerClient c = client(base)) {
      script.add(new int[] {503, -1});
      script.add(new int[] {503, -1});
      CompletableFuture<io.coderunner.core.Deployment> got =
          c.deploymentAsync(DeploymentId.of("d-1"));
      assertThat(drive(got))
          .as("half of each ceiling: 100 ms, then 200 ms")
          .containsExactly(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(got.get().name()).isEqualTo("web");
      assertThat(seen).hasSize(3);

      seen.clear();
      script.add(new int[] {503, -1});
      CompletableFuture<io.coderunner.core.Deployment> start = c.startAsync(DeploymentId.of("d-1"));
      assertThat(drive(start)).isEmpty();
      assertThatThrownBy(start::join).hasCauseInstanceOf(ServiceUnavailableException.class);
      assertThat(seen).as("a POST is sent once").hasSize(1);
    }
  }

  @Test
  void anIngestCarriesAKeySoA503OrA507IsSentAgainWithTheSameKey() throws Exception {
    URI base = stub();
    try (CodeRunnerClient c = client(base)) {
      script.add(new int[] {503, -1});
      script.add(new int[] {507, 2});
      script.add(new int[] {202, -1});
      CompletableFuture<io.coderunner.core.log.AppendResult> sent =
          c.ingestAsync(
              DeploymentId.of("d-1"), List.of(io.coderunner.core.LogEntry.stdout("kept once")));
      assertThat(drive(sent))
          .as("the backoff's 50 ms, then the 507's Retry-After of 2 s, longer than its 100 ms")
          .containsExactly(Duration.ofMillis(50), Duration.ofSeconds(2));
      assertThat(sent.get().firstSeq()).isEqualTo(7);
      assertThat(seen).hasSize(3);
      String key = seen.get(0).substring(seen.get(0).indexOf(" key=") + 5);
      assertThat(key).matches("[0-9a-f-]{36}");
      assertThat(seen).containsOnly("POST /api/deployments/d-1/logs key=" + key);

      // each call is a new batch, with a new key
      seen.clear();
      script.add(new int[] {202, -1});
      c.ingest(DeploymentId.of("d-1"), List.of(io.coderunner.core.LogEntry.stdout("next")));
      assertThat(seen).hasSize(1).first().asString().doesNotContain(key);

      // a 507 on a call without a key is not sent again
      seen.clear();
      script.add(new int[] {507, 0});
      CompletableFuture<io.coderunner.core.Deployment> start = c.startAsync(DeploymentId.of("d-1"));
      assertThat(drive(start)).isEmpty();
      assertThatThrownBy(start::join).hasCauseInstanceOf(InsufficientStorageException.class);
      assertThat(seen).hasSize(1);
    }
  }

  @Test
  void a429IsWaitedOutForItsRetryAfterWhenThatIsShortEnough() throws Exception {
    URI base = stub();
    try (CodeRunnerClient c = client(base)) {
      script.add(new int[] {429, 2});
      CompletableFuture<?> started = c.startAsync(DeploymentId.of("d-1"));
      assertThat(drive(started)).containsExactly(Duration.ofSeconds(2));
      assertThat(seen)
          .containsExactly("POST /api/deployments/d-1/start", "POST /api/deployments/d-1/start");

      seen.clear();
      script.add(new int[] {429, 60});
      CompletableFuture<?> refused = c.startAsync(DeploymentId.of("d-1"));
      assertThat(drive(refused)).as("60 s is past the client's patience").isEmpty();
      assertThatThrownBy(refused::join)
          .cause()
          .isInstanceOfSatisfying(
              RateLimitedException.class,
              e -> assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(60)));
    }
  }

  @Test
  void aRefusedConnectionIsRetriedForEveryMethodThenReported() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    try (CodeRunnerClient c = client(URI.create("http://127.0.0.1:" + closed))) {
      CompletableFuture<?> start = c.startAsync(DeploymentId.of("d-1"));
      assertThat(drive(start))
          .as("nothing was sent, so even a POST is retried: 4 attempts, 3 waits")
          .containsExactly(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(200));
      assertThatThrownBy(start::join)
          .cause()
          .isInstanceOf(TransportException.class)
          .hasMessageContaining("after 4 attempts");
    }
  }

  @Test
  void aFollowReconnectsOnTheBackoffAndGivesUpWhenItRunsOut() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Recorder rec = new Recorder();
    try (CodeRunnerClient c =
        CodeRunnerClient.builder()
            .baseUri(URI.create("http://127.0.0.1:" + closed))
            .token("t.o.k")
            .scheduler(scheduler)
            .random(new FixedRandom(0.5, 0.25))
            .reconnect(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 3))
            .build()) {
      LogFollow f = c.follow(DeploymentId.of("d-1"), FollowOptions.tail(10), rec);
      List<Duration> waits = new ArrayList<>();
      while (!(f.state() instanceof ConnectionState.Closed)) {
        await().until(() -> f.state() instanceof ConnectionState.Closed || scheduler.pending() > 0);
        if (!(f.state() instanceof ConnectionState.Closed)) {
          waits.add(scheduler.runNext());
        }
      }
      assertThat(waits)
          .as("0.5 × 100 ms, 0.25 × 200 ms, 0.5 × 400 ms")
          .containsExactly(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(200));
      assertThat(rec.states)
          .filteredOn(s -> s instanceof ConnectionState.Reconnecting)
          .extracting(s -> ((ConnectionState.Reconnecting) s).attempt())
          .containsExactly(1, 2, 3);
      assertThat(f.state())
          .isInstanceOfSatisfying(
              ConnectionState.Closed.class,
              s -> assertThat(s.reason()).isEqualTo(ConnectionState.CloseReason.GAVE_UP));
    }
  }
}
