package io.coderunner.benchmarks;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.log.InMemoryLogStore;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.storage.DurableStorage;
import io.coderunner.storage.FsyncPolicy;
import io.coderunner.storage.StorageConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Appends through {@link LogStore#append(DeploymentId, List)} in 100-line batches (an ingest
 * request's shape) to a log at its 100,000-line limit, in memory and in the durable store under
 * each fsync policy, in one run. Under {@code always} each call returns once its lines are
 * committed and fsynced; under {@code batch} and {@code none} it returns at once and the writer
 * follows. Teardown waits for the writer to catch up, so a writer that falls behind shows, and
 * prints the bytes on disk per retained line.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar DurableAppend</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DurableAppendBenchmark {
  private static final DeploymentId ID = DeploymentId.of("bench");
  private static final int BATCH = 100;

  /** {@code memory}, or the durable store's fsync policy. */
  @Param({"memory", "always", "batch", "none"})
  public String store;

  private @Nullable Path dir;
  private @Nullable DurableStorage storage;
  private LogStore logs;
  private List<LogEntry> batch;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    RetentionConfig retention = RetentionConfig.builder().maxLines(100_000).build();
    if (store.equals("memory")) {
      logs = InMemoryLogStore.create(retention, Clock.systemUTC());
    } else {
      dir = Files.createTempDirectory("coderunner-durable-append");
      storage =
          DurableStorage.open(
              StorageConfig.of(dir).withFsync(FsyncPolicy.fromName(store)),
              retention,
              Clock.systemUTC());
      logs = storage.logs();
    }
    logs.create(ID);
    batch = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      batch.add(
          LogEntry.stdout(
              String.format(
                  Locale.ROOT, "%-100.100s", "Compiling module-" + i % 313 + " [" + i + "]")));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    long lines = logs.info(ID).orElseThrow().retainedLines();
    long start = System.nanoTime();
    if (storage != null) {
      storage.close(); // writes what is queued
    } else {
      logs.close();
    }
    if (dir != null) {
      long bytes;
      try (Stream<Path> files = Files.walk(dir)) {
        bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
      }
      System.out.printf(
          Locale.ROOT,
          "%n[durable] %s: closed (the queue written) in %.0f ms; %.1f bytes on disk per retained"
              + " line (%d lines)%n",
          store,
          (System.nanoTime() - start) / 1e6,
          bytes / (double) lines,
          lines);
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  /** Lines per second appended in 100-line calls. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Object append100() {
    return logs.append(ID, batch);
  }
}
