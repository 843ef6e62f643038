package io.coderunner.core.log;

import io.coderunner.core.LogLine;
import java.time.Instant;
import java.util.List;

/** What one {@link LogCursor#poll} found. */
public sealed interface CursorBatch {

  /**
   * Lines in seq order. With a filter the list may be empty while the cursor still advanced; poll
   * again.
   *
   * @param lines the lines that passed the cursor's filter
   * @param next the seq the cursor reads next
   * @param appendedAt when the first line this poll read (the oldest) was appended, by the store's
   *     clock: a live line's delivery latency runs from here
   */
  record Lines(List<LogLine> lines, long next, Instant appendedAt) implements CursorBatch {}

  /**
   * Retention dropped lines {@code from..to} (inclusive) before the cursor read them; it has moved
   * on to {@code to + 1}.
   */
  record Gap(long from, long to) implements CursorBatch {}

  /** Nothing new. The cursor's listener will be signalled when there is. */
  record Idle(long next) implements CursorBatch {}

  /** The cursor ended and will return nothing more. */
  record Ended(EndReason reason) implements CursorBatch {}
}
