package io.coderunner.core.log;

import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.StreamKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * Which lines a reader wants: by level, by stream, by case-insensitive substring of the message and
 * by earliest timestamp. Immutable and thread-safe. Filters compose with {@link #and}: a line must
 * pass both. It is applied where lines are read, so a filtered reader still moves through the log
 * in seq order and lines it skips cost it nothing but the test.
 *
 * <p>The test costs time linear in the message's length whatever the query (see {@link
 * #test(LogLine)}), so no query can make a reader's scan quadratic.
 */
public final class LogFilter implements Predicate<LogLine> {
  /** Longest substring query accepted, in characters. */
  public static final int MAX_QUERY_LENGTH = 256;

  private static final Set<LogLevel> ALL_LEVELS =
      Collections.unmodifiableSet(EnumSet.allOf(LogLevel.class));
  private static final Set<StreamKind> ALL_STREAMS =
      Collections.unmodifiableSet(EnumSet.allOf(StreamKind.class));
  private static final LogFilter ALL = new LogFilter(ALL_LEVELS, ALL_STREAMS, List.of(), null);

  private final Set<LogLevel> levels;
  private final Set<StreamKind> streams;
  private final List<TextQuery> texts;
  private final List<String> queries;
  private final @Nullable Instant since;
  private final boolean all;

  private LogFilter(
      Set<LogLevel> levels,
      Set<StreamKind> streams,
      List<TextQuery> texts,
      @Nullable Instant since) {
    this.levels = levels;
    this.streams = streams;
    this.texts = texts;
    List<String> folded = new ArrayList<>(texts.size());
    for (TextQuery t : texts) {
      folded.add(t.folded());
    }
    this.queries = List.copyOf(folded);
    this.since = since;
    this.all =
        levels.size() == ALL_LEVELS.size()
            && streams.size() == ALL_STREAMS.size()
            && texts.isEmpty()
            && since == null;
  }

  /**
   * The filter that passes every line.
   *
   * @return the shared unrestricted filter
   */
  public static LogFilter all() {
    return ALL;
  }

  /**
   * A builder whose options do not yet restrict anything.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether this filter passes every line (readers may then share one encoding of a batch).
   *
   * @return {@code true} if no option restricts
   */
  public boolean isAll() {
    return all;
  }

  /**
   * Levels that pass; all levels when the filter does not restrict them.
   *
   * @return the levels; unmodifiable, empty only for a combination that passes no level
   */
  public Set<LogLevel> levels() {
    return levels;
  }

  /**
   * Streams that pass; all streams when the filter does not restrict them.
   *
   * @return the streams; unmodifiable, empty only for a combination that passes no stream
   */
  public Set<StreamKind> streams() {
    return streams;
  }

  /**
   * Substrings that must all occur in the message, case-folded: each UTF-16 unit {@code c} as
   * {@code Character.toLowerCase(Character.toUpperCase(c))} (for ASCII, its lower case).
   *
   * @return the folded substrings, without duplicates; unmodifiable, empty when text does not
   *     restrict
   */
  public List<String> queries() {
    return queries;
  }

  /**
   * Earliest timestamp that passes, or {@code null}.
   *
   * @return the bound (inclusive), or {@code null} when time does not restrict
   */
  public @Nullable Instant since() {
    return since;
  }

  /**
   * A filter that passes a line only when this one and {@code other} both do: the levels and
   * streams both allow, every substring of either, and the later {@code since}. Levels or streams
   * that do not overlap give a filter that passes nothing.
   *
   * @param other the filter to combine with
   * @return the combined filter; this one or {@code other} itself when the other passes every line
   */
  public LogFilter and(LogFilter other) {
    if (other.all) {
      return this;
    }
    if (all) {
      return other;
    }
    EnumSet<LogLevel> l = EnumSet.noneOf(LogLevel.class);
    l.addAll(levels);
    l.retainAll(other.levels);
    EnumSet<StreamKind> s = EnumSet.noneOf(StreamKind.class);
    s.addAll(streams);
    s.retainAll(other.streams);
    List<TextQuery> q = new ArrayList<>(texts);
    for (TextQuery query : other.texts) {
      if (!q.contains(query)) {
        q.add(query);
      }
    }
    Instant a = since;
    Instant b = other.since;
    Instant later = a == null ? b : (b == null || a.isAfter(b) ? a : b);
    return new LogFilter(
        Collections.unmodifiableSet(l), Collections.unmodifiableSet(s), List.copyOf(q), later);
  }

  /**
   * Whether {@code line} passes. Levels, streams and {@code since} cost a comparison each; each
   * substring is searched in time linear in the message's length, a few character comparisons per
   * message character at most, whatever the substring.
   *
   * @param line the line to test
   * @return {@code true} if the line passes every option
   */
  @Override
  public boolean test(LogLine line) {
    if (all) {
      return true;
    }
    if (!levels.contains(line.level()) || !streams.contains(line.stream())) {
      return false;
    }
    Instant s = since;
    if (s != null && line.timestamp().isBefore(s)) {
      return false;
    }
    String message = line.message();
    for (int i = 0; i < texts.size(); i++) {
      if (!texts.get(i).isFoundIn(message)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogFilter that
        && levels.equals(that.levels)
        && streams.equals(that.streams)
        && queries.equals(that.queries)
        && Objects.equals(since, that.since);
  }

  @Override
  public int hashCode() {
    return Objects.hash(levels, streams, queries, since);
  }

  @Override
  public String toString() {
    return all
        ? "LogFilter{all}"
        : "LogFilter{levels="
            + levels
            + ", streams="
            + streams
            + ", queries="
            + queries
            + ", since="
            + since
            + '}';
  }

  /** Builds a {@link LogFilter}; an option left unset does not restrict. Not thread-safe. */
  public static final class Builder {
    private @Nullable EnumSet<LogLevel> levels;
    private @Nullable EnumSet<StreamKind> streams;
    private final List<TextQuery> queries = new ArrayList<>();
    private @Nullable Instant since;

    private Builder() {}

    /**
     * Only these levels pass. An empty collection means every level.
     *
     * @param levels the levels to pass, replacing any set before; copied
     * @return this builder
     */
    public Builder levels(Collection<LogLevel> levels) {
      this.levels = levels.isEmpty() ? null : EnumSet.copyOf(levels);
      return this;
    }

    /**
     * Only these levels pass.
     *
     * @param first a level to pass
     * @param rest more levels to pass
     * @return this builder
     */
    public Builder levels(LogLevel first, LogLevel... rest) {
      this.levels = EnumSet.of(first, rest);
      return this;
    }

    /**
     * Only {@code minimum} and more severe levels pass, replacing any levels set before.
     *
     * @param minimum the least severe level that passes
     * @return this builder
     */
    public Builder minLevel(LogLevel minimum) {
      this.levels = EnumSet.range(minimum, LogLevel.ERROR);
      return this;
    }

    /**
     * Only these streams pass. An empty collection means every stream.
     *
     * @param streams the streams to pass, replacing any set before; copied
     * @return this builder
     */
    public Builder streams(Collection<StreamKind> streams) {
      this.streams = streams.isEmpty() ? null : EnumSet.copyOf(streams);
      return this;
    }

    /**
     * Only these streams pass.
     *
     * @param first a stream to pass
     * @param rest more streams to pass
     * @return this builder
     */
    public Builder streams(StreamKind first, StreamKind... rest) {
      this.streams = EnumSet.of(first, rest);
      return this;
    }

    /**
     * Only messages containing {@code text}, ignoring case, pass. Empty or {@code null} text does
     * not restrict; calling it again adds a second substring that must also occur.
     *
     * @param text the substring to look for, or {@code null}
     * @return this builder
     * @throws IllegalArgumentException if longer than {@value LogFilter#MAX_QUERY_LENGTH}
     */
    public Builder query(@Nullable String text) {
      if (text == null || text.isEmpty()) {
        return this;
      }
      if (text.length() > MAX_QUERY_LENGTH) {
        throw new IllegalArgumentException(
            "query must be at most " + MAX_QUERY_LENGTH + " characters");
      }
      TextQuery query = TextQuery.of(text);
      if (!queries.contains(query)) {
        queries.add(query);
      }
      return this;
    }

    /**
     * Only lines stamped at or after {@code since} pass; {@code null} does not restrict.
     *
     * @param since the earliest timestamp that passes, or {@code null}
     * @return this builder
     */
    public Builder since(@Nullable Instant since) {
      this.since = since;
      return this;
    }

    /**
     * The filter set so far; the builder may be used again.
     *
     * @return the filter; {@link LogFilter#all()} when nothing restricts
     */
    public LogFilter build() {
      EnumSet<LogLevel> l = levels;
      EnumSet<StreamKind> s = streams;
      if (l == null && s == null && queries.isEmpty() && since == null) {
        return ALL;
      }
      return new LogFilter(
          l == null ? ALL_LEVELS : Collections.unmodifiableSet(EnumSet.copyOf(l)),
          s == null ? ALL_STREAMS : Collections.unmodifiableSet(EnumSet.copyOf(s)),
          List.copyOf(queries),
          since);
    }
  }
}
