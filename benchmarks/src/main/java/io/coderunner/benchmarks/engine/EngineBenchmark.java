package io.coderunner.benchmarks.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * The embedded engines a durable log store could stand on, on its three workloads: appending
 * 100-line batches to a log (one commit each), reading a 1,000-line page from a 1,000,000-line log,
 * and appending to a log held at its retention limit (each batch of 100 also drops the oldest 100).
 * Each line is a 118-byte record (two timestamps, stream, level, a 100-byte message), keyed by
 * (log, seq). Setup prints the bytes on disk per line of the filled log and how long the engine
 * took to open it again, and teardown the bytes per retained line after the run's churn.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar engine.EngineBenchmark</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EngineBenchmark {
  private static final int BATCH = 100;
  private static final int FILLED = 1_000_000;
  private static final int RETAINED = 100_000;
  private static final long APPENDED = 1;
  private static final long READ = 2;
  private static final long ROLLING = 3;

  @Param({"sqlite", "mvstore"})
  public String engine;

  @Param({"ALWAYS", "NONE"})
  public Engine.Sync sync;

  private Path dir;
  private Engine db;
  private List<byte[]> batch;
  private long nextAppended = 1;
  private long nextRolling = 1;
  private long page;

  /** Line {@code seq} as the store would encode it. */
  static byte[] line(long seq) {
    byte[] message =
        String.format(Locale.ROOT, "%-100.100s", "Compiling module-" + seq % 313 + " [" + seq + "]")
            .getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(18 + message.length)
        .putLong(1_764_000_000_000_000L + seq)
        .putLong(1_764_000_000_000_000L + seq)
        .put((byte) 1)
        .put((byte) 2)
        .put(message)
        .array();
  }

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir = Files.createTempDirectory("coderunner-engine");
    db = Engine.open(engine, dir, sync);
    long before = Engine.bytesIn(dir);
    List<byte[]> fill = new ArrayList<>(1000);
    for (long seq = 1; seq <= FILLED; seq += 1000) {
      fill.clear();
      for (int i = 0; i < 1000; i++) {
        fill.add(line(seq + i));
      }
      db.append(READ, seq, fill);
    }
    for (long seq = 1; seq <= RETAINED; seq += 1000) {
      fill.clear();
      for (int i = 0; i < 1000; i++) {
        fill.add(line(seq + i));
      }
      db.append(ROLLING, seq, fill);
    }
    nextRolling = RETAINED + 1;
    db.close();
    long bytes = Engine.bytesIn(dir) - before;
    long t0 = System.nanoTime();
    db = Engine.open(engine, dir, sync);
    List<byte[]> last = db.read(READ, FILLED - 1, 1);
    long openNanos = System.nanoTime() - t0;
    if (last.size() != 1) {
      throw new IllegalStateException("the reopened log lost its last line");
    }
    System.out.printf(
        Locale.ROOT,
        "%n[engine] %s %s: %.1f bytes on disk per line (%d lines of 118 B), reopened and read its"
            + " last line in %.1f ms%n",
        engine,
        sync,
        bytes / (double) (FILLED + RETAINED),
        FILLED + RETAINED,
        openNanos / 1e6);
    batch = new ArrayList<>(BATCH);
    for (int i = 0; i < BATCH; i++) {
      batch.add(line(i));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    db.close();
    long retained = FILLED + RETAINED + (nextAppended - 1);
    System.out.printf(
        Locale.ROOT,
        "%n[engine] %s %s after the run: %.1f bytes on disk per retained line (%d lines; %d"
            + " appended and dropped at retention)%n",
        engine,
        sync,
        Engine.bytesIn(dir) / (double) retained,
        retained,
        nextRolling - 1 - RETAINED);
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Lines per second appended in 100-line commits to a growing log. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void append100() throws Exception {
    db.append(APPENDED, nextAppended, batch);
    nextAppended += BATCH;
  }

  /** Lines per second appended to a log at its limit: each 100-line commit drops the oldest 100. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void append100AtRetention() throws Exception {
    db.append(ROLLING, nextRolling, batch);
    nextRolling += BATCH;
    db.dropBefore(ROLLING, nextRolling - RETAINED);
  }

  /** Lines per second read in 1,000-line pages from anywhere in a 1,000,000-line log. */
  @Benchmark
  @OperationsPerInvocation(1000)
  public int read1000() throws Exception {
    long after = (page++ * 7919 % (FILLED / 1000 - 1)) * 1000;
    List<byte[]> got = db.read(READ, after, 1000);
    if (got.size() != 1000) {
      throw new IllegalStateException("read " + got.size() + " lines after " + after);
    }
    return got.size();
  }
}
