package io.coderunner.client;

import io.coderunner.core.LogLine;
import java.util.List;
import java.util.Objects;

/**
 * One page of a deployment's retained log.
 *
 * @param lines the lines, oldest first
 * @param next the seq to read next: ask with {@code after = next - 1} for the following page
 * @param firstAvailable the oldest seq the log still holds
 * @param lost how many of the asked-for lines retention had already dropped
 * @param epoch the log's epoch; with a seq it is a position a follow can resume from
 */
public record HistoryPage(
    List<LogLine> lines, long next, long firstAvailable, long lost, String epoch) {
  /**
   * Copies {@code lines}.
   *
   * @param lines the lines
   * @param next the seq to read next
   * @param firstAvailable the oldest retained seq
   * @param lost lines already dropped
   * @param epoch the log's epoch
   */
  public HistoryPage {
    lines = List.copyOf(lines);
    Objects.requireNonNull(epoch, "epoch");
  }
}
