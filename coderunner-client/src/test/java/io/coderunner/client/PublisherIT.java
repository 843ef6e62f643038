package io.coderunner.client;

import static io.coderunner.client.Server.ALICE;
import static io.coderunner.client.Server.ROOT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.deploy.DeploymentSpec;
import io.coderunner.core.follow.FollowConfig;
import io.coderunner.core.log.RetentionConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A follow as a {@link Flow.Publisher}: demand is real, and a slow subscriber costs the server. */
class PublisherIT {
  private static final Duration LONG = Duration.ofSeconds(60);
  static Server server;
  static CodeRunnerClient alice;
  static CodeRunnerClient root;

  @BeforeAll
  static void start() {
    server =
        new Server(
            b ->
                b.retention(
                        RetentionConfig.builder()
                            .maxLines(200_000)
                            .maxBytes(256L << 20)
                            .globalMaxBytes(512L << 20)
                            .build())
                    .follow(FollowConfig.builder().maxLagTime(Duration.ofSeconds(2)).build())
                    .ingestBytesPerSecond(1L << 30)
                    .ingestLinesPerSecond(1_000_000));
    alice = server.client(ALICE);
    root = server.client(ROOT);
  }

  @AfterAll
  static void stop() {
    alice.close();
    root.close();
    server.close();
  }

  /** Counts what it got against what it asked for. */
  static final class Counting implements Flow.Subscriber<FollowEvent> {
    final AtomicLong requested = new AtomicLong();
    final AtomicLong received = new AtomicLong();
    final List<Long> seqs = new CopyOnWriteArrayList<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final AtomicReference<Throwable> error = new AtomicReference<>();
    final AtomicBoolean completed = new AtomicBoolean();
    volatile Flow.Subscription subscription;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
    }

    void request(long n) {
      requested.addAndGet(n);
      subscription.request(n);
    }

    @Override
    public void onNext(FollowEvent e) {
      if (received.incrementAndGet() > requested.get()) {
        violations.add("event " + received.get() + " with " + requested.get() + " requested");
      }
      if (e instanceof FollowEvent.Line l) {
        seqs.add(l.line().seq());
      } else if (!(e instanceof FollowEvent.Status)) {
        violations.add("unexpected " + e); // a status counts against demand like a line
      }
    }

    @Override
    public void onError(Throwable t) {
      error.set(t);
    }

    @Override
    public void onComplete() {
      completed.set(true);
    }
  }

  private static DeploymentId deploymentWith(int lines, String padding) {
    DeploymentId id = alice.create(new DeploymentSpec("pub", List.of("sh"), Map.of(), null)).id();
    for (int from = 0; from < lines; from += 400) {
      List<LogEntry> batch = new ArrayList<>();
      for (int i = from; i < Math.min(lines, from + 400); i++) {
        batch.add(LogEntry.stdout("line " + i + padding));
      }
      alice.ingest(id, batch);
    }
    return id;
  }

  private static long linesSentTo(DeploymentId id) {
    return root.connections().stream()
        .filter(c -> c.subscriptions().stream().anyMatch(s -> s.deploymentId().equals(id)))
        .mapToLong(ConnectionInfo::linesSent)
        .sum();
  }

  @Test
  void noMoreEventsArriveThanWereRequested() {
    DeploymentId id = deploymentWith(5_000, "");
    Counting sub = new Counting();
    alice.publisher(id, FollowOptions.fromStart()).subscribe(sub);
    sub.request(10);
    await().atMost(LONG).until(() -> sub.received.get() == 10);
    // The server has sent a whole frame by now; the client holds it and hands out only ten.
    await().atMost(LONG).until(() -> linesSentTo(id) > 10);
    assertThat(sub.received).hasValue(10);
    sub.request(Long.MAX_VALUE - 10);
    await().atMost(LONG).until(() -> sub.seqs.size() == 5_001);
    assertThat(sub.seqs)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 5_001).boxed().toList());
    assertThat(sub.violations).isEmpty();
    sub.subscription.cancel();
    await().atMost(LONG).until(() -> linesSentTo(id) == 0);
    assertThat(sub.completed).as("a cancel is not a completion").isFalse();
    assertThat(sub.error.get()).isNull();
  }

  @Test
  void aSubscriberThatStopsRequestingIsCutByTheServerAndResumedWithoutLoss() {
    long before = root.broadcasterStats().closesByCode().getOrDefault(4008, 0L);
    // 30 MB: more than the sockets between the server and the client hold.
    DeploymentId id = deploymentWith(15_000, " " + "y".repeat(2_000));
    Counting sub = new Counting();
    alice.publisher(id, FollowOptions.fromStart()).subscribe(sub);
    sub.request(1);
    await().atMost(LONG).until(() -> sub.received.get() == 1);
    await()
        .atMost(LONG)
        .until(() -> root.broadcasterStats().closesByCode().getOrDefault(4008, 0L) > before);
    sub.request(Long.MAX_VALUE - 1);
    await().atMost(LONG).until(() -> sub.seqs.size() == 15_001);
    assertThat(sub.seqs)
        .containsExactlyElementsOf(LongStream.rangeClosed(1, 15_001).boxed().toList());
    assertThat(sub.violations).isEmpty();
    sub.subscription.cancel();
  }

  @Test
  void aDeletedDeploymentCompletesAndASecondSubscriberOrABadRequestIsAnError() {
    DeploymentId id = deploymentWith(3, "");
    Flow.Publisher<FollowEvent> p = alice.publisher(id, FollowOptions.liveOnly());
    Counting first = new Counting();
    p.subscribe(first);
    Counting second = new Counting();
    p.subscribe(second);
    assertThat(second.error.get()).isInstanceOf(IllegalStateException.class);
    first.request(5);
    await().atMost(LONG).until(() -> linesSentTo(id) == 0 && subscribed(id));
    alice.delete(id);
    await().atMost(LONG).until(first.completed::get);
    assertThat(first.error.get()).isNull();

    Counting bad = new Counting();
    alice.publisher(deploymentWith(1, ""), FollowOptions.fromStart()).subscribe(bad);
    bad.subscription.request(0);
    assertThat(bad.error.get()).isInstanceOf(IllegalArgumentException.class);
  }

  private static boolean subscribed(DeploymentId id) {
    return root.connections().stream()
        .anyMatch(c -> c.subscriptions().stream().anyMatch(s -> s.deploymentId().equals(id)));
  }
}
