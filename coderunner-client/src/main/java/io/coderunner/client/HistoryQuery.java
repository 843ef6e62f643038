package io.coderunner.client;

import io.coderunner.core.protocol.SubscribeFilter;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Which page of a deployment's log to read: lines with {@code seq > after}, at most {@code limit},
 * that pass {@code filter} and are no older than {@code since}.
 *
 * @param after read lines with a greater seq; 0 for the start
 * @param limit 1 to 10,000 lines
 * @param filter levels, streams and text to keep; {@link SubscribeFilter#NONE} for all
 * @param since skip lines older than this, or {@code null}
 */
public record HistoryQuery(long after, int limit, SubscribeFilter filter, @Nullable Instant since) {
  /** The most lines one page holds. */
  public static final int MAX_LIMIT = 10_000;

  /**
   * Validates the query.
   *
   * @param after read lines with a greater seq
   * @param limit how many lines at most
   * @param filter which lines to keep
   * @param since the oldest time to keep, or {@code null}
   * @throws IllegalArgumentException if {@code after} is negative or {@code limit} is out of range
   */
  public HistoryQuery {
    Objects.requireNonNull(filter, "filter");
    if (after < 0) {
      throw new IllegalArgumentException("after must be >= 0, was " + after);
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ", was " + limit);
    }
  }

  /**
   * The first 100 lines, unfiltered.
   *
   * @return a query from the start
   */
  public static HistoryQuery first() {
    return new HistoryQuery(0, 100, SubscribeFilter.NONE, null);
  }

  /**
   * This query, after another seq.
   *
   * @param seq read lines with a greater seq
   * @return a new query
   */
  public HistoryQuery after(long seq) {
    return new HistoryQuery(seq, limit, filter, since);
  }

  /**
   * This query, with another limit.
   *
   * @param lines 1 to 10,000
   * @return a new query
   */
  public HistoryQuery limit(int lines) {
    return new HistoryQuery(after, lines, filter, since);
  }

  /**
   * This query, with another filter.
   *
   * @param f which lines to keep
   * @return a new query
   */
  public HistoryQuery filter(SubscribeFilter f) {
    return new HistoryQuery(after, limit, f, since);
  }

  /**
   * This query, skipping lines older than {@code instant}.
   *
   * @param instant the oldest time to keep, or {@code null} for no bound
   * @return a new query
   */
  public HistoryQuery since(@Nullable Instant instant) {
    return new HistoryQuery(after, limit, filter, instant);
  }
}
