package io.coderunner.benchmarks.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Stream;

/**
 * The three things a durable log store asks of an embedded engine, the same way on each candidate,
 * so that {@link EngineBenchmark} compares the engines and not two designs: append a run of lines
 * to one log in one transaction, read a page of a log from a seq, and drop a log's oldest lines.
 * Lines are opaque encoded records keyed by (log, seq).
 */
public interface Engine extends AutoCloseable {
  /** How an engine makes a commit durable. */
  enum Sync {
    /** Each commit is on the disk (fsync) before it returns. */
    ALWAYS,
    /** Commits reach the operating system; nothing forces them to the disk. */
    NONE
  }

  /**
   * Stores {@code lines} as seqs {@code firstSeq, firstSeq + 1, ...} of {@code log}, in one commit.
   */
  void append(long log, long firstSeq, List<byte[]> lines) throws Exception;

  /** Up to {@code limit} lines of {@code log} with {@code seq > after}, in seq order. */
  List<byte[]> read(long log, long after, int limit) throws Exception;

  /** Drops the lines of {@code log} with {@code seq < before}, in one commit. */
  void dropBefore(long log, long before) throws Exception;

  /** Bytes the engine's files take in {@code dir} now. */
  static long bytesIn(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    }
  }

  /** Opens the named engine on a new file in {@code dir}. */
  static Engine open(String name, Path dir, Sync sync) throws Exception {
    return switch (name) {
      case "sqlite" -> new SqliteEngine(dir.resolve("logs.db"), sync);
      case "mvstore" -> new MvStoreEngine(dir.resolve("logs.mv.db"), sync);
      default -> throw new IllegalArgumentException("no engine " + name);
    };
  }

  @Override
  void close() throws SQLException;
}
