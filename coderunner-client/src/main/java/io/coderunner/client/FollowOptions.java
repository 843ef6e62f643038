package io.coderunner.client;

import io.coderunner.core.protocol.SubscribeFilter;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a follow starts and which lines it delivers. Immutable; start from {@link #fromStart()},
 * {@link #after(Position)}, {@link #tail(int)} or {@link #liveOnly()} and add a {@link
 * #filter(SubscribeFilter) filter}. Wherever it starts, a reconnect resumes after the last line
 * delivered.
 */
public final class FollowOptions {
  private final @Nullable Position after;
  private final @Nullable Integer tail;
  private final SubscribeFilter filter;

  private FollowOptions(@Nullable Position after, @Nullable Integer tail, SubscribeFilter filter) {
    this.after = after;
    this.tail = tail;
    this.filter = filter;
  }

  /**
   * Every retained line, then live lines.
   *
   * @return the options
   */
  public static FollowOptions fromStart() {
    return new FollowOptions(null, null, SubscribeFilter.NONE);
  }

  /**
   * The lines after {@code position}, then live lines; if its epoch is gone, a reset and every
   * retained line.
   *
   * @param position where the caller left off
   * @return the options
   */
  public static FollowOptions after(Position position) {
    return new FollowOptions(
        Objects.requireNonNull(position, "position"), null, SubscribeFilter.NONE);
  }

  /**
   * The last {@code lines} lines that pass the filter, then live lines.
   *
   * @param lines 0 to 10,000; 0 is {@link #liveOnly()}
   * @return the options
   * @throws IllegalArgumentException if {@code lines} is out of range
   */
  public static FollowOptions tail(int lines) {
    if (lines < 0 || lines > 10_000) {
      throw new IllegalArgumentException("tail must be 0 to 10000, was " + lines);
    }
    return new FollowOptions(null, lines, SubscribeFilter.NONE);
  }

  /**
   * Only lines appended after the follow subscribed.
   *
   * @return the options
   */
  public static FollowOptions liveOnly() {
    return new FollowOptions(null, 0, SubscribeFilter.NONE);
  }

  /**
   * These options with a filter, applied by the server to history and live lines alike.
   *
   * @param f the levels, streams and text to keep
   * @return new options
   */
  public FollowOptions filter(SubscribeFilter f) {
    return new FollowOptions(after, tail, Objects.requireNonNull(f, "filter"));
  }

  /**
   * Where to resume from, for {@link #after(Position)}.
   *
   * @return the position, or {@code null} for the other starts
   */
  public @Nullable Position position() {
    return after;
  }

  /**
   * How many lines to start with, for {@link #tail(int)} and {@link #liveOnly()}.
   *
   * @return the tail, or {@code null} for the other starts
   */
  public @Nullable Integer tailLines() {
    return tail;
  }

  /**
   * The filter.
   *
   * @return the filter; {@link SubscribeFilter#NONE} for all lines
   */
  public SubscribeFilter filterSpec() {
    return filter;
  }

  @Override
  public String toString() {
    String start =
        after != null
            ? "after " + after.epoch() + ":" + after.seq()
            : tail == null ? "from start" : tail == 0 ? "live only" : "tail " + tail;
    return "FollowOptions[" + start + (filter.isNone() ? "" : ", " + filter) + "]";
  }
}
