package io.coderunner.core.log;

import io.coderunner.core.LogLine;
import java.util.List;

/**
 * One page of history.
 *
 * @param lines the lines that passed the filter, in seq order
 * @param firstAvailable the first retained seq (the next seq to be appended when none is retained)
 * @param next the seq to continue from: pass {@code next - 1} as {@code after} for the next page
 * @param lost how many of the asked-for lines retention had already dropped (0 if none)
 */
public record LogPage(List<LogLine> lines, long firstAvailable, long next, long lost) {
  /**
   * Copies {@code lines} into an unmodifiable list.
   *
   * @param lines the lines that passed the filter, in seq order
   * @param firstAvailable the first retained seq
   * @param next the seq to continue from
   * @param lost how many of the asked-for lines retention had already dropped
   */
  public LogPage {
    lines = List.copyOf(lines);
  }

  /**
   * Whether lines the reader asked for were dropped by retention.
   *
   * @return {@code true} if {@link #lost()} is above 0
   */
  public boolean lostToRetention() {
    return lost > 0;
  }
}
