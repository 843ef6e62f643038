package io.coderunner.benchmarks;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.log.LogInfo;
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
import java.util.stream.Stream;

/**
 * How long the durable store takes to open a data directory that retains {@code lines} lines
 * (default 1,000,000, in ten logs): every line is read back into memory, so this is a restart's
 * cost. Fills the directory once, then opens it {@code runs} times (default 5) and prints each
 * time, the heap the restored lines take, and the bytes on disk per line.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.coderunner.benchmarks.RestartTime [lines] [runs]
 * </pre>
 */
public final class RestartTime {
  private RestartTime() {}

  public static void main(String[] args) throws Exception {
    int lines = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    int logs = 10;
    RetentionConfig retention =
        RetentionConfig.builder()
            .maxLines(lines)
            .maxBytes(1L << 30)
            .globalMaxBytes(4L << 30)
            .build();
    Path dir = Files.createTempDirectory("coderunner-restart-time");
    StorageConfig config = StorageConfig.of(dir).withFsync(FsyncPolicy.NONE);
    try {
      try (DurableStorage s = DurableStorage.open(config, retention, Clock.systemUTC())) {
        List<LogEntry> batch = new ArrayList<>(1000);
        for (int l = 0; l < logs; l++) {
          DeploymentId id = DeploymentId.of("d-" + l);
          s.logs().create(id, "u-" + l % 3);
          for (int i = 0; i < lines / logs; i += 1000) {
            batch.clear();
            for (int j = 0; j < 1000; j++) {
              batch.add(
                  LogEntry.stdout(
                      String.format(
                          Locale.ROOT,
                          "%-100.100s",
                          "Compiling module-" + (i + j) % 313 + " [" + (i + j) + "]")));
            }
            s.logs().append(id, batch);
          }
        }
      }
      long bytes;
      try (Stream<Path> files = Files.walk(dir)) {
        bytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
      }
      System.out.printf(
          Locale.ROOT,
          "%,d lines in %d logs: %.1f bytes on disk per line (100-byte messages)%n",
          lines,
          logs,
          bytes / (double) lines);
      for (int r = 0; r < runs; r++) {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        long heapBefore = rt.totalMemory() - rt.freeMemory();
        long t0 = System.nanoTime();
        try (DurableStorage s = DurableStorage.open(config, retention, Clock.systemUTC())) {
          long ms = (System.nanoTime() - t0) / 1_000_000;
          long restored = 0;
          for (int l = 0; l < logs; l++) {
            LogInfo info = s.logs().info(DeploymentId.of("d-" + l)).orElseThrow();
            restored += info.retainedLines();
          }
          System.gc();
          long heap = rt.totalMemory() - rt.freeMemory() - heapBefore;
          System.out.printf(
              Locale.ROOT,
              "open %d: %,d ms for %,d lines (%.0f k lines/s); heap of the restored logs %.0f MiB%n",
              r + 1,
              ms,
              restored,
              restored / (double) Math.max(1, ms),
              heap / 1048576.0);
        }
      }
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
