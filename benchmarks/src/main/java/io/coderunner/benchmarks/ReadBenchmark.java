package io.coderunner.benchmarks;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.StreamKind;
import io.coderunner.core.log.InMemoryLogStore;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.LogPage;
import io.coderunner.core.log.RetentionConfig;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Reads a 1,000-line page of history from a 100,000-line log, unfiltered and with a filter that
 * passes about one line in five (so the read scans 5,000 lines).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar Read -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ReadBenchmark {
  private static final DeploymentId ID = DeploymentId.of("bench");

  private InMemoryLogStore store;
  private LogFilter errors;
  private int page;

  @Setup(Level.Trial)
  public void setUp() {
    store =
        InMemoryLogStore.create(
            RetentionConfig.builder().maxLines(100_000).build(), Clock.systemUTC());
    store.create(ID);
    for (int i = 0; i < 100_000; i++) {
      LogLevel level = i % 5 == 0 ? LogLevel.ERROR : LogLevel.INFO;
      store.append(
          ID, new LogEntry(null, StreamKind.STDOUT, level, "line " + i + " of the build output"));
    }
    errors = LogFilter.builder().levels(LogLevel.ERROR).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    store.close();
  }

  @Benchmark
  public LogPage read1000() {
    long after = (page++ % 90) * 1000L;
    return store.read(ID, after, 1000, LogFilter.all());
  }

  @Benchmark
  public LogPage read1000Filtered() {
    long after = (page++ % 18) * 5000L;
    return store.read(ID, after, 1000, errors);
  }
}
