package io.coderunner.core.protocol;

import io.coderunner.core.LogLevel;
import io.coderunner.core.StreamKind;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Which lines of a deployment a subscriber wants. An empty set means every value; {@link #NONE}
 * selects every line.
 *
 * @param levels the levels to deliver; empty for all; copied, unmodifiable
 * @param streams the streams to deliver; empty for all; copied, unmodifiable
 * @param q text a line's message must contain, at most {@value #MAX_QUERY_LENGTH} characters, or
 *     {@code null} for any message
 */
public record SubscribeFilter(Set<LogLevel> levels, Set<StreamKind> streams, @Nullable String q) {
  /** Longest {@code q} accepted, in characters. */
  public static final int MAX_QUERY_LENGTH = 256;

  /** The filter that selects every line. */
  public static final SubscribeFilter NONE = new SubscribeFilter(Set.of(), Set.of(), null);

  /**
   * Validates and copies the components.
   *
   * @param levels the levels to deliver; empty for all
   * @param streams the streams to deliver; empty for all
   * @param q text a line's message must contain, or {@code null}
   * @throws NullPointerException if {@code levels} or {@code streams} is null, or holds a null
   * @throws IllegalArgumentException if {@code q} is longer than {@value #MAX_QUERY_LENGTH}
   *     characters
   */
  public SubscribeFilter {
    Objects.requireNonNull(levels, "levels");
    Objects.requireNonNull(streams, "streams");
    levels = levels.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(levels));
    streams = streams.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(streams));
    Checks.maxLength(q, MAX_QUERY_LENGTH, "q");
  }

  /**
   * Whether this filter selects every line, like {@link #NONE}.
   *
   * @return {@code true} if no level, stream or text restricts
   */
  public boolean isNone() {
    return levels.isEmpty() && streams.isEmpty() && q == null;
  }
}
