package io.coderunner.benchmarks;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.log.CursorBatch;
import io.coderunner.core.log.InMemoryLogStore;
import io.coderunner.core.log.LogCursor;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.core.log.StartPosition;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One append followed by every subscriber's cursor reading it: the in-process cost of fan-out
 * (signal, poll, re-arm), without encoding or I/O. {@code subscribers = 0} is the baseline. Each
 * operation checks that every cursor got exactly the appended line, so a broken build can't look
 * fast.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar FanOut -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FanOutBenchmark {
  private static final DeploymentId ID = DeploymentId.of("bench");

  @Param({"0", "1", "10", "100"})
  public int subscribers;

  private InMemoryLogStore store;
  private LogCursor[] cursors;
  private final LogEntry entry =
      LogEntry.stdout("deploy step 4/7: pushing image layer sha256:ab12");
  private long signals;

  @Setup(Level.Trial)
  public void setUp() {
    store =
        InMemoryLogStore.create(
            RetentionConfig.builder().maxLines(10_000).build(), Clock.systemUTC());
    store.create(ID);
    cursors = new LogCursor[subscribers];
    for (int i = 0; i < subscribers; i++) {
      cursors[i] = store.subscribe(ID, StartPosition.live(), LogFilter.all(), c -> signals++);
      cursors[i].poll(1, 1); // arm: the next append signals it
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    store.close();
  }

  @Benchmark
  public void appendAndDeliver(Blackhole bh) {
    long seq = store.append(ID, entry).seq();
    for (LogCursor cursor : cursors) {
      CursorBatch batch = cursor.poll(64, 65_536);
      if (!(batch instanceof CursorBatch.Lines lines) || lines.lines().get(0).seq() != seq) {
        throw new IllegalStateException("cursor missed line " + seq + ": " + batch);
      }
      bh.consume(lines);
      cursor.poll(64, 65_536); // finds nothing and re-arms the signal
    }
  }
}
