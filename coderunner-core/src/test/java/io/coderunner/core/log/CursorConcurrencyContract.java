package io.coderunner.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.StreamKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Randomized schedules of concurrent appenders, subscribers joining at random positions and
 * retention evicting under them. Every schedule checks invariants 1-3 of the design: dense unique
 * seqs; replay-then-live with no duplicate and no miss; a gap instead of a silent skip. Subscribers
 * are woken only by their cursor's signal, so a lost wake-up leaves one behind and fails the run. A
 * store's test class extends it and says how to make the store and how many schedules to run.
 * Published in core's test-jar.
 */
public abstract class CursorConcurrencyContract {
  private static final DeploymentId APP = DeploymentId.of("app");
  private static final int SCHEDULES = Integer.getInteger("coderunner.schedules", 2000);

  private static ExecutorService pool;

  @BeforeAll
  static void startPool() {
    pool = Executors.newCachedThreadPool();
  }

  @AfterAll
  static void stopPool() throws InterruptedException {
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  /**
   * A new, empty store for one schedule.
   *
   * @param config the schedule's retention
   * @param clock the system clock
   * @return the store under test
   */
  protected abstract LogStore newStore(RetentionConfig config, Clock clock);

  /**
   * How many schedules to run ({@code -Dcoderunner.schedules}, 2,000 unless a store runs fewer).
   */
  protected int schedules() {
    return SCHEDULES;
  }

  @Test
  void invariantsHoldOnThousandsOfRandomSchedules() throws Exception {
    long base = Long.getLong("coderunner.seed", 20261125L);
    int schedules = schedules();
    for (int i = 0; i < schedules; i++) {
      long seed = base + i;
      try {
        runSchedule(new SplittableRandom(seed));
      } catch (AssertionError | Exception e) {
        throw new AssertionError("schedule with seed " + seed + " failed", e);
      }
    }
  }

  /** What one subscriber saw. */
  private static final class Subscriber implements CursorListener {
    final Semaphore signals = new Semaphore(0);
    final List<long[]> events = new ArrayList<>(); // {seq, seq} for a line, {from, to} for a gap
    final List<LogLine> lines = new ArrayList<>();
    final LogFilter filter;
    volatile LogCursor cursor;
    volatile boolean stop;

    Subscriber(LogFilter filter) {
      this.filter = filter;
    }

    @Override
    public void onSignal(LogCursor c) {
      signals.release();
    }

    void run(SplittableRandom random) throws InterruptedException {
      while (!stop) {
        CursorBatch batch = cursor.poll(1 + random.nextInt(40), 1 + random.nextLong(8_000));
        if (batch instanceof CursorBatch.Lines l) {
          for (LogLine line : l.lines()) {
            events.add(new long[] {line.seq(), line.seq()});
            lines.add(line);
          }
        } else if (batch instanceof CursorBatch.Gap g) {
          events.add(new long[] {-g.from(), -g.to()});
        } else if (batch instanceof CursorBatch.Idle) {
          signals.acquire(); // only a signal (or the final stop) wakes us
        } else {
          return;
        }
      }
    }
  }

  private void runSchedule(SplittableRandom random) throws Exception {
    RetentionConfig retention =
        RetentionConfig.builder()
            .maxLines(4 + random.nextInt(300))
            .maxBytes(random.nextBoolean() ? 64L << 20 : 8_192 + random.nextInt(20_000))
            .maxLineBytes(1024)
            .build();
    try (LogStore store = newStore(retention, Clock.systemUTC())) {
      String epoch = store.create(APP).epoch();
      int appenders = 1 + random.nextInt(3);
      int subscribers = 1 + random.nextInt(4);
      Map<Long, String> truth = new ConcurrentHashMap<>();
      List<List<Long>> seqsByAppender = new ArrayList<>();
      AtomicLong appended = new AtomicLong();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> appenderTasks = new ArrayList<>();

      for (int a = 0; a < appenders; a++) {
        int id = a;
        int lines = 20 + random.nextInt(300);
        SplittableRandom r = random.split();
        List<Long> mine = new ArrayList<>();
        seqsByAppender.add(mine);
        appenderTasks.add(
            pool.submit(
                () -> {
                  go.await();
                  int n = 0;
                  while (n < lines) {
                    int choice = r.nextInt(10);
                    if (choice == 0) {
                      LogLine l = store.appendStatus(APP, DeploymentStatus.RUNNING, "s" + id);
                      truth.put(l.seq(), l.message());
                      mine.add(l.seq());
                    } else if (choice < 4) {
                      int size = 1 + r.nextInt(5);
                      List<LogEntry> batch = new ArrayList<>();
                      for (int k = 0; k < size; k++) {
                        batch.add(LogEntry.stdout("a" + id + "-" + (n + k) + pad(r)));
                      }
                      AppendResult res = store.append(APP, batch);
                      for (int k = 0; k < size; k++) {
                        truth.put(res.firstSeq() + k, batch.get(k).message());
                        mine.add(res.firstSeq() + k);
                      }
                      n += size;
                    } else {
                      String message = "a" + id + "-" + n + pad(r);
                      LogLine l = store.append(APP, LogEntry.stdout(message));
                      truth.put(l.seq(), message);
                      mine.add(l.seq());
                      n++;
                    }
                    appended.incrementAndGet();
                  }
                  return null;
                }));
      }

      List<Subscriber> subs = new ArrayList<>();
      List<Future<?>> subscriberTasks = new ArrayList<>();
      for (int s = 0; s < subscribers; s++) {
        SplittableRandom r = random.split();
        LogFilter filter =
            r.nextInt(4) == 0 ? LogFilter.builder().query("a0-").build() : LogFilter.all();
        Subscriber sub = new Subscriber(filter);
        subs.add(sub);
        long joinAfter = r.nextInt(200);
        int startKind = r.nextInt(4);
        subscriberTasks.add(
            pool.submit(
                () -> {
                  go.await();
                  while (appended.get() < joinAfter && !allDone(appenderTasks)) {
                    Thread.onSpinWait();
                  }
                  long head = store.info(APP).orElseThrow().lastSeq();
                  StartPosition start =
                      switch (startKind) {
                        case 0 -> StartPosition.after(r.nextLong(head + 3));
                        case 1 -> StartPosition.tail(r.nextInt(50));
                        case 2 -> StartPosition.live();
                        default -> StartPosition.after("stale-" + epoch, r.nextLong(head + 3));
                      };
                  sub.cursor = store.subscribe(APP, start, sub.filter, sub);
                  sub.run(r);
                  return null;
                }));
      }

      go.countDown();
      for (Future<?> f : appenderTasks) {
        f.get(30, TimeUnit.SECONDS);
      }
      LogInfo end = store.info(APP).orElseThrow();
      long last = end.lastSeq();
      // Every subscriber must reach the head driven by signals alone.
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(1))
          .until(() -> subs.stream().allMatch(s -> s.cursor != null && s.cursor.position() > last));
      for (Subscriber sub : subs) {
        sub.stop = true;
        sub.signals.release();
      }
      for (Future<?> f : subscriberTasks) {
        f.get(30, TimeUnit.SECONDS);
      }

      // Invariant 1: dense, unique seqs from 1, in each appender's own order.
      assertThat(truth).hasSize((int) last);
      for (long seq = 1; seq <= last; seq++) {
        assertThat(truth).containsKey(seq);
      }
      for (List<Long> mine : seqsByAppender) {
        assertThat(mine).isSorted().doesNotHaveDuplicates();
      }

      // Invariants 2 and 3 for every subscriber.
      for (Subscriber sub : subs) {
        checkSubscriber(sub, truth, last, end.firstAvailable());
      }
    }
  }

  private static void checkSubscriber(
      Subscriber sub, Map<Long, String> truth, long last, long finalFirst) {
    long expected = sub.cursor.opening().next();
    int lineIndex = 0;
    for (long[] event : sub.events) {
      boolean gap = event[0] < 0;
      long from = Math.abs(event[0]);
      long to = Math.abs(event[1]);
      assertThat(from)
          .as("events come in seq order without duplicates")
          .isGreaterThanOrEqualTo(expected);
      // A filtered cursor moves past lines that fail its filter; nothing else may be skipped.
      for (long skipped = expected; skipped < from; skipped++) {
        LogLine probe =
            new LogLine(
                skipped, Instant.EPOCH, StreamKind.STDOUT, LogLevel.INFO, truth.get(skipped));
        assertThat(sub.filter.test(probe))
            .as("seq %d was skipped although it passes the filter", skipped)
            .isFalse();
      }
      if (gap) {
        assertThat(to).as("a gap only names dropped lines").isLessThan(finalFirst);
      } else {
        LogLine line = sub.lines.get(lineIndex++);
        assertThat(line.message()).isEqualTo(truth.get(from));
        assertThat(sub.filter.test(line)).isTrue();
      }
      expected = to + 1;
    }
    for (long tail = expected; tail <= last; tail++) {
      LogLine probe =
          new LogLine(tail, Instant.EPOCH, StreamKind.STDOUT, LogLevel.INFO, truth.get(tail));
      assertThat(sub.filter.test(probe)).as("seq %d never reached the subscriber", tail).isFalse();
    }
    assertThat(sub.cursor.position()).as("subscriber reached the head").isGreaterThan(last);
  }

  private static boolean allDone(List<Future<?>> tasks) {
    return tasks.stream().allMatch(Future::isDone);
  }

  private static String pad(SplittableRandom r) {
    return r.nextInt(8) == 0 ? " " + "x".repeat(r.nextInt(600)) : "";
  }
}
