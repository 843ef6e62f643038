package io.coderunner.benchmarks;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.StreamKind;
import io.coderunner.core.log.InMemoryLogStore;
import io.coderunner.core.log.RetentionConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * Appends to one deployment's log, in steady state: the log is at its line limit, so every append
 * also evicts one line. Baseline: allocating the {@link LogLine} the append would store.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar Append -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AppendBenchmark {
  private static final DeploymentId ID = DeploymentId.of("bench");

  /** {@code stamped}: entries carry their timestamp; {@code clock}: the store stamps them. */
  @Param({"stamped", "clock"})
  public String timestamps;

  private InMemoryLogStore store;
  private LogEntry[] entries;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    store =
        InMemoryLogStore.create(
            RetentionConfig.builder().maxLines(100_000).build(), Clock.systemUTC());
    store.create(ID);
    Instant now = Instant.now();
    entries = new LogEntry[1024];
    for (int i = 0; i < entries.length; i++) {
      String message = "2026-11-24 INFO  [worker-" + (i % 8) + "] request " + i + " served in 3ms";
      Instant ts = "stamped".equals(timestamps) ? now.plusNanos(i * 1000L) : null;
      entries[i] = new LogEntry(ts, StreamKind.STDOUT, LogLevel.INFO, message);
    }
    for (int i = 0; i < 100_000; i++) {
      store.append(ID, entries[i & 1023]);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    store.close();
  }

  @Benchmark
  @Threads(1)
  public LogLine append1Thread() {
    return store.append(ID, entries[next++ & 1023]);
  }

  @Benchmark
  @Threads(2)
  public LogLine append2Threads(ThreadIndex thread) {
    return store.append(ID, entries[thread.next++ & 1023]);
  }

  /**
   * Two threads, each appending to its own deployment's log: appends to different logs share no
   * lock.
   */
  @Benchmark
  @Threads(2)
  public LogLine append2ThreadsOwnLogs(ThreadIndex thread) {
    return store.append(thread.id, entries[thread.next++ & 1023]);
  }

  @Benchmark
  @Threads(1)
  public LogLine baselineAllocateLine() {
    LogEntry e = entries[next++ & 1023];
    return new LogLine(next, Instant.EPOCH, e.stream(), e.level(), e.message());
  }

  /** Per-thread index into the prepared entries, and a deployment of the thread's own. */
  @State(Scope.Thread)
  public static class ThreadIndex {
    private static final AtomicInteger THREADS = new AtomicInteger();

    int next;
    DeploymentId id = ID;

    @Setup(Level.Trial)
    public void setUp(AppendBenchmark benchmark) {
      id = DeploymentId.of("bench-" + THREADS.incrementAndGet());
      benchmark.store.create(id);
    }
  }
}
