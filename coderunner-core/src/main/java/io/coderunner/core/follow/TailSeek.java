package io.coderunner.core.follow;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogLine;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.LogInfo;
import io.coderunner.core.log.LogPage;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.RetentionConfig;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The search for where a filtered tail starts: the last {@code wanted} lines that pass the filter,
 * found by testing lines backwards from the head the log had when the subscription opened, in
 * slices of the turn's budget, so that a filter that matches little costs the connection many turns
 * and its thread's other connections nothing. Lines appended meanwhile are read by the cursor that
 * opens once the start is known, so none is missed.
 *
 * <p>Owner thread only.
 */
final class TailSeek {
  /** Lines read from the store at a time. */
  static final int WINDOW = 1024;

  /** Lines looked back at most, as the log store's own tail does. */
  static final long LOOKBACK = 131_072;

  private final LogStore store;
  private final DeploymentId id;
  private final LogFilter filter;
  private final int wanted;
  private final long head;
  final String epoch;

  private long floor;
  private long next;
  private int found;
  private long oldest;
  private @Nullable List<LogLine> page;
  private int index;

  TailSeek(LogStore store, LogFilter filter, int wanted, LogInfo info) {
    this.store = store;
    this.id = info.deploymentId();
    this.filter = filter;
    this.wanted = wanted;
    this.head = info.lastSeq();
    this.epoch = info.epoch();
    this.next = head;
    this.floor = Math.max(Math.max(1, info.firstAvailable()), head - LOOKBACK + 1);
  }

  /**
   * Tests lines, newest first, while the follower's turn has budget left.
   *
   * @return whether the start is known
   */
  boolean advance(Follower follower) {
    while (found < wanted) {
      List<LogLine> lines = page;
      if (lines == null) {
        lines = nextWindow();
        if (lines == null) {
          return true; // looked back as far as the log (or the bound) allows
        }
      }
      if (!follower.hasBudget()) {
        return false;
      }
      LogLine line = lines.get(index--);
      follower.charge(1, RetentionConfig.sizeOf(line));
      if (filter.test(line)) {
        found++;
        oldest = line.seq();
      }
      next = line.seq() - 1;
      if (index < 0) {
        page = null;
      }
    }
    return true;
  }

  private @Nullable List<LogLine> nextWindow() {
    if (next < floor) {
      return null;
    }
    long lo = Math.max(floor, next - WINDOW + 1);
    LogPage p = store.read(id, lo - 1, (int) (next - lo + 1), LogFilter.all());
    List<LogLine> lines = p.lines();
    // Retention may have dropped the window's start, so the page can reach past it: keep to it.
    int end = lines.size();
    while (end > 0 && lines.get(end - 1).seq() > next) {
      end--;
    }
    if (end == 0) {
      return null; // everything from here down is gone
    }
    if (p.firstAvailable() > lo) {
      floor = p.firstAvailable(); // nothing below this page is left to look at
    }
    page = lines;
    index = end - 1;
    return lines;
  }

  /**
   * Where the tail starts: the oldest of the lines found, or, when none passes, the seq after the
   * head the search started from.
   */
  long start() {
    return oldest > 0 ? oldest : head + 1;
  }
}
