package io.coderunner.core.log;

import io.coderunner.core.LogLine;
import java.time.Instant;
import java.util.Objects;

/**
 * A line read back from durable storage to rebuild a log ({@link InMemoryLogStore#restore}).
 *
 * @param line the line, with its seq
 * @param appendedAt when it was first appended, by the store's clock: retention by age counts from
 *     it
 */
public record RestoredLine(LogLine line, Instant appendedAt) {
  /**
   * @param line the line, with its seq
   * @param appendedAt when it was first appended
   * @throws NullPointerException if an argument is null
   */
  public RestoredLine {
    Objects.requireNonNull(line, "line");
    Objects.requireNonNull(appendedAt, "appendedAt");
  }
}
