package io.coderunner.websocket;

import static io.coderunner.websocket.TestServer.U1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.delivery.DeliveryListener;
import io.coderunner.core.delivery.ResumeOutcome;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.core.protocol.ClientFrame;
import io.coderunner.core.protocol.ServerFrame;
import io.coderunner.core.protocol.SubscribeFilter;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The {@link DeliveryListener} of a broadcaster: which frames it times and how, which subscribes
 * count as resumes, and that a failing listener costs no client anything.
 */
class DeliveryListenerIT {

  /** One call of {@link DeliveryListener#linesDelivered}. */
  record Delivery(int lines, long latencyNanos) {}

  static class Recorder implements DeliveryListener {
    final Queue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
    final Queue<ResumeOutcome> resumes = new ConcurrentLinkedQueue<>();

    @Override
    public void linesDelivered(int lines, long latencyNanos) {
      deliveries.add(new Delivery(lines, latencyNanos));
    }

    @Override
    public void resumed(ResumeOutcome outcome) {
      resumes.add(outcome);
    }

    int lines() {
      return deliveries.stream().mapToInt(Delivery::lines).sum();
    }
  }

  /** A server with a quiet heartbeat whose broadcaster tells {@code listener}. */
  private static TestServer.Builder serverTelling(DeliveryListener listener) {
    return TestServer.builder().config(TestServer.quietConfig().build()).deliveryListener(listener);
  }

  private static ClientFrame.Subscribe subscribe(
      DeploymentId id, String epoch, Long after, Integer tail) {
    return new ClientFrame.Subscribe(id, epoch, after, tail, SubscribeFilter.NONE);
  }

  @Test
  void liveLinesAreTimedFromTheirAppendToTheirWriteAndReplayIsNot() throws Exception {
    Recorder recorder = new Recorder();
    Duration ahead = Duration.ofMillis(7);
    try (TestServer server = serverTelling(recorder).broadcasterAhead(ahead).start()) {
      DeploymentId d = server.newDeployment(U1);
      server.append(d, 5);
      WsClient c = server.connect(U1);
      c.subscribeFromStartAndWait(d);
      c.awaitSeqsThrough(d, 5);
      assertThat(recorder.deliveries).as("history replayed is not timed").isEmpty();

      long before = System.nanoTime();
      server.append(d, 3);
      await().atMost(10, TimeUnit.SECONDS).until(() -> recorder.lines() == 3);
      long window = System.nanoTime() - before;
      c.awaitSeqsThrough(d, 8);

      // The broadcaster's clock runs 7 ms ahead of the store's, so each frame's latency is 7 ms
      // plus the real time between the append and the write. The window runs from before the
      // append to after the listener heard of the write (not to the client's receipt, which may
      // come first: the I/O thread can be descheduled between writing and reading its clock).
      assertThat(recorder.deliveries)
          .allSatisfy(
              delivery ->
                  assertThat(delivery.latencyNanos())
                      .isBetween(ahead.toNanos(), ahead.toNanos() + window));
      server.assertGotEveryLine(c, d);
    }
  }

  @Test
  void everyFrameOfLiveLinesIsTimedOnceForEachConnection() throws Exception {
    Recorder recorder = new Recorder();
    try (TestServer server = serverTelling(recorder).start()) {
      DeploymentId d = server.newDeployment(U1);
      WsClient a = server.connect(U1);
      WsClient b = server.connect(U1);
      a.send(subscribe(d, null, null, null));
      b.send(subscribe(d, null, null, null));
      a.awaitFrame(ServerFrame.Subscribed.class);
      b.awaitFrame(ServerFrame.Subscribed.class);

      for (int i = 0; i < 50; i++) {
        server.append(d, "live " + i);
      }
      a.awaitSeqsThrough(d, 50);
      b.awaitSeqsThrough(d, 50);

      await().atMost(10, TimeUnit.SECONDS).until(() -> recorder.lines() == 100);
      long logsFrames =
          a.framesAbout(d).stream().filter(ServerFrame.Logs.class::isInstance).count()
              + b.framesAbout(d).stream().filter(ServerFrame.Logs.class::isInstance).count();
      assertThat(recorder.deliveries).hasSize((int) logsFrames);
      assertThat(recorder.deliveries).allSatisfy(x -> assertThat(x.latencyNanos()).isNotNegative());
      assertThat(recorder.resumes).as("a live subscribe is no resume").isEmpty();
    }
  }

  @Test
  void aListenerWithATimingIntervalHearsOfOneLiveFrameInThatManyPerConnection() throws Exception {
    Recorder recorder =
        new Recorder() {
          @Override
          public int timingInterval() {
            return 3;
          }
        };
    try (TestServer server = serverTelling(recorder).start()) {
      DeploymentId d = server.newDeployment(U1);
      WsClient c = server.connect(U1);
      c.send(subscribe(d, null, null, null));
      c.awaitFrame(ServerFrame.Subscribed.class);
      for (int i = 1; i <= 31; i++) {
        server.append(d, "live " + i);
        c.awaitSeqsThrough(d, i); // one line per frame
      }

      await().atMost(10, TimeUnit.SECONDS).until(() -> recorder.deliveries.size() == 10);
      assertThat(c.framesAbout(d).stream().filter(ServerFrame.Logs.class::isInstance)).hasSize(31);
      assertThat(recorder.lines()).isEqualTo(10);
      server.assertGotEveryLine(c, d);
    }
  }

  @Test
  void resumesAreToldByOutcomeAndOtherSubscribesAreNot() throws Exception {
    Recorder recorder = new Recorder();
    try (TestServer server =
        serverTelling(recorder).retention(RetentionConfig.builder().maxLines(3).build()).start()) {
      DeploymentId continued = server.newDeployment(U1);
      DeploymentId gap = server.newDeployment(U1);
      DeploymentId reset = server.newDeployment(U1);
      DeploymentId fromStart = server.newDeployment(U1);
      DeploymentId tail = server.newDeployment(U1);
      for (DeploymentId d : List.of(continued, gap, reset, fromStart, tail)) {
        server.append(d, 10); // retains 8..10
      }
      WsClient c = server.connect(U1);

      c.send(subscribe(continued, server.epoch(continued), 7L, null));
      c.send(subscribe(gap, server.epoch(gap), 2L, null));
      c.send(subscribe(reset, "an-epoch-from-before-a-restart", 9L, null));
      c.send(subscribe(tail, null, null, 2));
      c.send(subscribe(fromStart, null, null, null));
      c.roundTrip();

      assertThat(recorder.resumes)
          .containsExactly(ResumeOutcome.CONTINUED, ResumeOutcome.GAP, ResumeOutcome.RESET);
      assertThat(c.framesAbout(gap)).contains(new ServerFrame.Gap(gap, 3, 7));
    }
  }

  @Test
  void aListenerThatThrowsCostsNoClientALine() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    DeliveryListener failing =
        new DeliveryListener() {
          @Override
          public void linesDelivered(int lines, long latencyNanos) {
            calls.incrementAndGet();
            throw new IllegalStateException("listener broke");
          }

          @Override
          public void resumed(ResumeOutcome outcome) {
            calls.incrementAndGet();
            throw new IllegalStateException("listener broke");
          }
        };
    try (TestServer server = serverTelling(failing).start()) {
      DeploymentId d = server.newDeployment(U1);
      server.append(d, 3);
      WsClient bystander = server.bystander(d);
      WsClient resumer = server.connect(U1);
      resumer.send(subscribe(d, server.epoch(d), 2L, null));
      resumer.awaitFrame(ServerFrame.Subscribed.class);
      for (int i = 0; i < 100; i++) {
        server.append(d, "live " + i);
      }

      server.assertGotEveryLine(bystander, d);
      server.assertGotExactly(resumer, d, 3);
      assertThat(calls.get()).as("the listener was called and threw").isGreaterThan(1);
    }
  }
}
