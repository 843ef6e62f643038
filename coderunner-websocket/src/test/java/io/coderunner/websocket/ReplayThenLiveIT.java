package io.coderunner.websocket;

import static io.coderunner.websocket.TestServer.U1;
import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.protocol.ClientFrame;
import io.coderunner.core.protocol.ServerFrame;
import io.coderunner.core.protocol.SubscribeFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;

/**
 * Invariant 2 over real sockets: clients subscribe with {@code after = N} at random moments while
 * several threads append, and each must receive exactly {@code N+1..last}, with no duplicate and no
 * gap between replayed and live lines. Retention is large, so no gap is legitimate.
 */
class ReplayThenLiveIT {
  private static final int APPENDERS = 3;
  private static final int LINES_PER_APPENDER = 800;
  private static final int CLIENTS = 5;

  private static TestServer server;
  private static ExecutorService pool;

  @BeforeAll
  static void start() {
    server = TestServer.start(TestServer.quietConfig().build());
    pool = Executors.newFixedThreadPool(APPENDERS);
  }

  @AfterAll
  static void stop() throws Exception {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    server.close();
  }

  @RepeatedTest(30)
  void eachSubscriberGetsExactlyTheLinesAfterItsPositionWithoutDuplicateOrGap(RepetitionInfo run)
      throws Exception {
    long seed = Long.getLong("coderunner.seed", 20261125L) + run.getCurrentRepetition();
    try {
      runOnce(new SplittableRandom(seed));
    } catch (AssertionError | Exception e) {
      throw new AssertionError("run with seed " + seed + " failed", e);
    }
  }

  private static void runOnce(SplittableRandom random) throws Exception {
    DeploymentId d = server.newDeployment(U1);
    int history = random.nextInt(400);
    if (history > 0) {
      server.append(d, history);
    }
    List<WsClient> clients = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      clients.add(server.connect(U1));
    }
    // Appenders wait for this client to receive each batch, so that they append at the pace of
    // the network; and they go on until every client has subscribed, then append their quota.
    // So every subscribe races with appends.
    WsClient pacer = server.bystander(d);
    AtomicBoolean allSubscribed = new AtomicBoolean();
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> appenders = new ArrayList<>();
    for (int a = 0; a < APPENDERS; a++) {
      SplittableRandom mine = random.split();
      appenders.add(
          pool.submit(
              () -> {
                go.await();
                int left = LINES_PER_APPENDER;
                while (left > 0) {
                  int n = Math.min(left, 1 + mine.nextInt(8));
                  List<LogEntry> batch = new ArrayList<>(n);
                  for (int i = 0; i < n; i++) {
                    batch.add(LogEntry.stdout("from appender " + left));
                  }
                  long appended = server.store.append(d, batch).lastSeq();
                  pacer.awaitThrough(d, appended);
                  if (allSubscribed.get()) {
                    left -= n;
                  }
                }
                return null;
              }));
    }

    go.countDown();
    long[] after = new long[CLIENTS];
    String epoch = server.epoch(d);
    long target = history;
    for (int i = 0; i < CLIENTS; i++) {
      // Subscribe at a random moment of the appends, from a random position already written.
      target += random.nextInt(LINES_PER_APPENDER / CLIENTS);
      while (server.lastSeq(d) < target) {
        Thread.onSpinWait();
      }
      after[i] = random.nextLong(server.lastSeq(d) + 1);
      clients
          .get(i)
          .send(
              new ClientFrame.Subscribe(
                  d, random.nextBoolean() ? epoch : null, after[i], null, SubscribeFilter.NONE));
    }
    allSubscribed.set(true);
    for (Future<?> f : appenders) {
      f.get(60, TimeUnit.SECONDS);
    }

    long last = server.lastSeq(d);
    server.assertGotEveryLine(pacer, d);
    for (int i = 0; i < CLIENTS; i++) {
      WsClient c = clients.get(i);
      ServerFrame.Subscribed subscribed = c.awaitFrame(ServerFrame.Subscribed.class);
      assertThat(subscribed.next())
          .as("next of client %s after %s", i, after[i])
          .isEqualTo(after[i] + 1);
      assertThat(subscribed.reset()).isFalse();
      if (after[i] >= last) {
        c.roundTrip(); // nothing to deliver: anything sent by mistake came before the pong
      }
      List<Long> seqs = c.awaitSeqsThrough(d, last);
      assertThat(seqs)
          .as("client %s subscribed after %s", i, after[i])
          .containsExactlyElementsOf(LongStream.rangeClosed(after[i] + 1, last).boxed().toList());
      assertThat(c.framesOf(ServerFrame.Gap.class)).isEmpty();
    }
    for (WsClient c : clients) {
      c.close();
    }
    pacer.close();
  }
}
