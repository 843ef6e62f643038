package io.coderunner.core.log;

import io.coderunner.core.LogLine;
import java.time.Duration;
import java.util.Objects;

/**
 * How much of each deployment's log is kept, and how long a line may be. Immutable; build one with
 * {@link #builder()}, start from {@link #defaults()}, derive with {@link #toBuilder()}. Each setter
 * rejects a bad value at once, naming it.
 *
 * <p>Sizes count the approximate heap a line holds: {@value #LINE_OVERHEAD_BYTES} bytes of
 * bookkeeping plus one byte per UTF-16 character of its message.
 */
public final class RetentionConfig {
  /** Heap bytes counted for a line on top of its message characters. */
  public static final int LINE_OVERHEAD_BYTES = 64;

  private static final RetentionConfig DEFAULTS = new Builder().build();

  /**
   * The size retention counts for {@code line}: {@value #LINE_OVERHEAD_BYTES} bytes plus one per
   * UTF-16 character of its message. Every byte bound on lines (retention, lag, batches) counts
   * this way.
   *
   * @param line a stored line
   * @return its counted size in bytes
   */
  public static long sizeOf(LogLine line) {
    return (long) LINE_OVERHEAD_BYTES + line.message().length();
  }

  private final long maxLines;
  private final long maxBytes;
  private final Duration maxAge;
  private final long globalMaxBytes;
  private final int maxLineBytes;
  private final Duration idempotencyWindow;
  private final int maxIdempotencyKeys;

  private RetentionConfig(Builder b) {
    this.maxLines = b.maxLines;
    this.maxBytes = b.maxBytes;
    this.maxAge = b.maxAge;
    this.globalMaxBytes = b.globalMaxBytes;
    this.maxLineBytes = b.maxLineBytes;
    this.idempotencyWindow = b.idempotencyWindow;
    this.maxIdempotencyKeys = b.maxIdempotencyKeys;
  }

  /**
   * The defaults: 100,000 lines, 64 MiB and 24 h per deployment, 512 MiB in all, 64 KiB lines;
   * idempotency keys kept 24 h, at most 10,000 per deployment.
   *
   * @return the shared default config
   */
  public static RetentionConfig defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this config.
   *
   * @return a new builder; changing it leaves this config as it is
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Most lines kept per deployment; older lines are dropped first.
   *
   * @return the limit, 1 to 1,000,000,000
   */
  public long maxLines() {
    return maxLines;
  }

  /**
   * Most bytes kept per deployment.
   *
   * @return the limit in bytes, at least 1 KiB
   */
  public long maxBytes() {
    return maxBytes;
  }

  /**
   * Lines older than this are dropped.
   *
   * @return the age, at least 1 s
   */
  public Duration maxAge() {
    return maxAge;
  }

  /**
   * Most bytes kept across all deployments; past it, the oldest lines of the owner holding the most
   * bytes are dropped first.
   *
   * @return the limit in bytes, at least 1 KiB
   */
  public long globalMaxBytes() {
    return globalMaxBytes;
  }

  /**
   * Longest message kept, in UTF-8 bytes; a longer one is truncated with a visible marker.
   *
   * @return the limit, {@link Builder#MIN_LINE_BYTES} to {@link Builder#MAX_LINE_BYTES}
   */
  public int maxLineBytes() {
    return maxLineBytes;
  }

  /**
   * How long a log remembers an append's idempotency key: a retry within it is answered with the
   * first append's seqs, a retry after it is appended again.
   *
   * @return the window, at least 1 s
   */
  public Duration idempotencyWindow() {
    return idempotencyWindow;
  }

  /**
   * Most idempotency keys a log remembers; past it, the oldest key is forgotten first.
   *
   * @return the limit, 1 to 1,000,000
   */
  public int maxIdempotencyKeys() {
    return maxIdempotencyKeys;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetentionConfig that
        && maxLines == that.maxLines
        && maxBytes == that.maxBytes
        && maxAge.equals(that.maxAge)
        && globalMaxBytes == that.globalMaxBytes
        && maxLineBytes == that.maxLineBytes
        && idempotencyWindow.equals(that.idempotencyWindow)
        && maxIdempotencyKeys == that.maxIdempotencyKeys;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        maxLines,
        maxBytes,
        maxAge,
        globalMaxBytes,
        maxLineBytes,
        idempotencyWindow,
        maxIdempotencyKeys);
  }

  @Override
  public String toString() {
    return "RetentionConfig{maxLines="
        + maxLines
        + ", maxBytes="
        + maxBytes
        + ", maxAge="
        + maxAge
        + ", globalMaxBytes="
        + globalMaxBytes
        + ", maxLineBytes="
        + maxLineBytes
        + ", idempotencyWindow="
        + idempotencyWindow
        + ", maxIdempotencyKeys="
        + maxIdempotencyKeys
        + '}';
  }

  /** Builds a {@link RetentionConfig}. Not thread-safe. */
  public static final class Builder {
    /** Smallest accepted {@link #maxLineBytes(int)}. */
    public static final int MIN_LINE_BYTES = 256;

    /** Largest accepted {@link #maxLineBytes(int)}: 1 MiB. */
    public static final int MAX_LINE_BYTES = 1 << 20;

    private long maxLines = 100_000;
    private long maxBytes = 64L << 20;
    private Duration maxAge = Duration.ofHours(24);
    private long globalMaxBytes = 512L << 20;
    private int maxLineBytes = 64 << 10;
    private Duration idempotencyWindow = Duration.ofHours(24);
    private int maxIdempotencyKeys = 10_000;

    private Builder() {}

    private Builder(RetentionConfig c) {
      this.maxLines = c.maxLines;
      this.maxBytes = c.maxBytes;
      this.maxAge = c.maxAge;
      this.globalMaxBytes = c.globalMaxBytes;
      this.maxLineBytes = c.maxLineBytes;
      this.idempotencyWindow = c.idempotencyWindow;
      this.maxIdempotencyKeys = c.maxIdempotencyKeys;
    }

    /**
     * Lines kept per deployment. Default 100,000; range 1 to 1,000,000,000.
     *
     * @param maxLines the limit
     * @return this builder
     * @throws IllegalArgumentException if {@code maxLines} is out of range
     */
    public Builder maxLines(long maxLines) {
      if (maxLines < 1 || maxLines > 1_000_000_000L) {
        throw new IllegalArgumentException(
            "maxLines must be between 1 and 1000000000, was " + maxLines);
      }
      this.maxLines = maxLines;
      return this;
    }

    /**
     * Bytes kept per deployment. Default 64 MiB; at least 1 KiB.
     *
     * @param maxBytes the limit in bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code maxBytes} is below 1024
     */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes < 1024) {
        throw new IllegalArgumentException("maxBytes must be at least 1024, was " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * Age after which a line is dropped. Default 24 h; at least 1 s.
     *
     * @param maxAge the age
     * @return this builder
     * @throws IllegalArgumentException if {@code maxAge} is under 1 s
     * @throws NullPointerException if {@code maxAge} is null
     */
    public Builder maxAge(Duration maxAge) {
      Objects.requireNonNull(maxAge, "maxAge");
      if (maxAge.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("maxAge must be at least 1s, was " + maxAge);
      }
      this.maxAge = maxAge;
      return this;
    }

    /**
     * Bytes kept across all deployments. Default 512 MiB; at least 1 KiB.
     *
     * @param globalMaxBytes the limit in bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code globalMaxBytes} is below 1024
     */
    public Builder globalMaxBytes(long globalMaxBytes) {
      if (globalMaxBytes < 1024) {
        throw new IllegalArgumentException(
            "globalMaxBytes must be at least 1024, was " + globalMaxBytes);
      }
      this.globalMaxBytes = globalMaxBytes;
      return this;
    }

    /**
     * Longest message in UTF-8 bytes. Default 64 KiB; range 256 B to 1 MiB.
     *
     * @param maxLineBytes the limit in bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code maxLineBytes} is out of range
     */
    public Builder maxLineBytes(int maxLineBytes) {
      if (maxLineBytes < MIN_LINE_BYTES || maxLineBytes > MAX_LINE_BYTES) {
        throw new IllegalArgumentException(
            "maxLineBytes must be between "
                + MIN_LINE_BYTES
                + " and "
                + MAX_LINE_BYTES
                + ", was "
                + maxLineBytes);
      }
      this.maxLineBytes = maxLineBytes;
      return this;
    }

    /**
     * How long a log remembers an append's idempotency key. Default 24 h; at least 1 s.
     *
     * @param window the window
     * @return this builder
     * @throws IllegalArgumentException if {@code window} is under 1 s
     * @throws NullPointerException if {@code window} is null
     */
    public Builder idempotencyWindow(Duration window) {
      Objects.requireNonNull(window, "idempotencyWindow");
      if (window.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("idempotencyWindow must be at least 1s, was " + window);
      }
      this.idempotencyWindow = window;
      return this;
    }

    /**
     * Most idempotency keys a log remembers. Default 10,000; range 1 to 1,000,000.
     *
     * @param maxKeys the limit
     * @return this builder
     * @throws IllegalArgumentException if {@code maxKeys} is out of range
     */
    public Builder maxIdempotencyKeys(int maxKeys) {
      if (maxKeys < 1 || maxKeys > 1_000_000) {
        throw new IllegalArgumentException(
            "maxIdempotencyKeys must be between 1 and 1000000, was " + maxKeys);
      }
      this.maxIdempotencyKeys = maxKeys;
      return this;
    }

    /**
     * Builds the config.
     *
     * @return a new config; the builder may be used again
     * @throws IllegalArgumentException if one longest line would not fit in {@code maxBytes} or
     *     {@code globalMaxBytes}
     */
    public RetentionConfig build() {
      long largestLine = (long) maxLineBytes + LINE_OVERHEAD_BYTES + 64;
      if (largestLine > maxBytes) {
        throw new IllegalArgumentException(
            "maxBytes ("
                + maxBytes
                + ") must hold one line of maxLineBytes ("
                + maxLineBytes
                + ")");
      }
      if (largestLine > globalMaxBytes) {
        throw new IllegalArgumentException(
            "globalMaxBytes ("
                + globalMaxBytes
                + ") must hold one line of maxLineBytes ("
                + maxLineBytes
                + ")");
      }
      return new RetentionConfig(this);
    }
  }
}
