package io.coderunner.core.follow;

import io.coderunner.core.Ranges;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Follower} follows logs onto a connection: the size of a batch, the work one turn may
 * do, and how far behind a subscriber may fall. Immutable; build one with {@link #builder()}, start
 * from {@link #defaults()}, derive with {@link #toBuilder()}. Each setter rejects a bad value at
 * once, naming it.
 *
 * <p>Byte counts are line sizes as retention counts them ({@link
 * io.coderunner.core.log.RetentionConfig#sizeOf}): 64 plus one per UTF-16 character of the message.
 */
public final class FollowConfig {
  private static final FollowConfig DEFAULTS = new Builder().build();

  private final int maxBatchLines;
  private final long maxBatchBytes;
  private final int maxScanLinesPerTurn;
  private final long maxScanBytesPerTurn;
  private final long maxLagBytes;
  private final Duration maxLagTime;
  private final Duration lagBytesGrace;

  private FollowConfig(Builder b) {
    this.maxBatchLines = b.maxBatchLines;
    this.maxBatchBytes = b.maxBatchBytes;
    this.maxScanLinesPerTurn = b.maxScanLinesPerTurn;
    this.maxScanBytesPerTurn = b.maxScanBytesPerTurn;
    this.maxLagBytes = b.maxLagBytes;
    this.maxLagTime = b.maxLagTime;
    this.lagBytesGrace = b.lagBytesGrace;
  }

  /**
   * 1,000 lines and 256 KiB a batch, 1,000 lines and 64 KiB a turn; 16 MiB or 30 s of lag, 1 s of
   * byte grace.
   *
   * @return the shared default config
   */
  public static FollowConfig defaults() {
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
   * Most lines in one batch of lines (one {@code logs} frame).
   *
   * @return the limit, 1 to 100,000
   */
  public int maxBatchLines() {
    return maxBatchLines;
  }

  /**
   * Most bytes in one batch of lines; a single larger line still goes alone.
   *
   * @return the limit in bytes, 4 KiB to 64 MiB
   */
  public long maxBatchBytes() {
    return maxBatchBytes;
  }

  /**
   * Most lines one connection reads from its logs in one turn of its thread, whether they pass its
   * filters or not; then it yields the thread and goes on in a new turn.
   *
   * @return the limit, 1 to 1,000,000
   */
  public int maxScanLinesPerTurn() {
    return maxScanLinesPerTurn;
  }

  /**
   * Most bytes of lines one connection reads (and filters) in one turn; then it yields the thread
   * as for {@link #maxScanLinesPerTurn()}.
   *
   * @return the limit in bytes, 4 KiB to 1 GiB
   */
  public long maxScanBytesPerTurn() {
    return maxScanBytesPerTurn;
  }

  /**
   * How many bytes a caught-up subscription may stay behind its log's head (for {@link
   * #lagBytesGrace()}) before it is too far behind.
   *
   * @return the limit in bytes, 64 KiB to 1 TiB
   */
  public long maxLagBytes() {
    return maxLagBytes;
  }

  /**
   * How old the oldest line a caught-up subscription has not taken may be, and how long a replay of
   * history may take, before it is too far behind.
   *
   * @return the limit, 100 ms to 1 h
   */
  public Duration maxLagTime() {
    return maxLagTime;
  }

  /**
   * How long a subscription must stay over {@link #maxLagBytes()} to be too far behind.
   *
   * @return the grace, 0 to 1 min
   */
  public Duration lagBytesGrace() {
    return lagBytesGrace;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FollowConfig that
        && maxBatchLines == that.maxBatchLines
        && maxBatchBytes == that.maxBatchBytes
        && maxScanLinesPerTurn == that.maxScanLinesPerTurn
        && maxScanBytesPerTurn == that.maxScanBytesPerTurn
        && maxLagBytes == that.maxLagBytes
        && maxLagTime.equals(that.maxLagTime)
        && lagBytesGrace.equals(that.lagBytesGrace);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        maxBatchLines,
        maxBatchBytes,
        maxScanLinesPerTurn,
        maxScanBytesPerTurn,
        maxLagBytes,
        maxLagTime,
        lagBytesGrace);
  }

  @Override
  public String toString() {
    return "FollowConfig{maxBatchLines="
        + maxBatchLines
        + ", maxBatchBytes="
        + maxBatchBytes
        + ", maxScanLinesPerTurn="
        + maxScanLinesPerTurn
        + ", maxScanBytesPerTurn="
        + maxScanBytesPerTurn
        + ", maxLagBytes="
        + maxLagBytes
        + ", maxLagTime="
        + maxLagTime
        + ", lagBytesGrace="
        + lagBytesGrace
        + '}';
  }

  /** Builds a {@link FollowConfig}. Not thread-safe. */
  public static final class Builder {
    private int maxBatchLines = 1000;
    private long maxBatchBytes = 256 << 10;
    private int maxScanLinesPerTurn = 1000;
    private long maxScanBytesPerTurn = 64 << 10;
    private long maxLagBytes = 16L << 20;
    private Duration maxLagTime = Duration.ofSeconds(30);
    private Duration lagBytesGrace = Duration.ofSeconds(1);

    private Builder() {}

    private Builder(FollowConfig c) {
      maxBatchLines = c.maxBatchLines;
      maxBatchBytes = c.maxBatchBytes;
      maxScanLinesPerTurn = c.maxScanLinesPerTurn;
      maxScanBytesPerTurn = c.maxScanBytesPerTurn;
      maxLagBytes = c.maxLagBytes;
      maxLagTime = c.maxLagTime;
      lagBytesGrace = c.lagBytesGrace;
    }

    /**
     * Most lines in one batch (one {@code logs} frame). Default 1,000; range 1 to 100,000.
     *
     * @param lines the limit
     * @return this builder
     * @throws IllegalArgumentException if {@code lines} is out of range
     */
    public Builder maxBatchLines(int lines) {
      maxBatchLines = Ranges.check("maxBatchLines", lines, 1, 100_000);
      return this;
    }

    /**
     * Most bytes in one batch; a single larger line still goes alone. Default 256 KiB; range 4 KiB
     * to 64 MiB.
     *
     * @param bytes the limit in bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is out of range
     */
    public Builder maxBatchBytes(long bytes) {
      maxBatchBytes = Ranges.check("maxBatchBytes", bytes, 4 << 10, 64 << 20);
      return this;
    }

    /**
     * Most lines one connection reads in one turn of its thread, whether they pass its filters or
     * not. Default 1,000; range 1 to 1,000,000.
     *
     * @param lines the limit
     * @return this builder
     * @throws IllegalArgumentException if {@code lines} is out of range
     */
    public Builder maxScanLinesPerTurn(int lines) {
      maxScanLinesPerTurn = Ranges.check("maxScanLinesPerTurn", lines, 1, 1_000_000);
      return this;
    }

    /**
     * Bytes. Default 64 KiB; range 4 KiB to 1 GiB. A turn cut short waits for the thread's next
     * round of I/O (about a millisecond on an idle XNIO thread), so this also bounds how fast one
     * connection's filters may scan: by default about 64 MB a second.
     *
     * @param bytes the limit in bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is out of range
     */
    public Builder maxScanBytesPerTurn(long bytes) {
      maxScanBytesPerTurn = Ranges.check("maxScanBytesPerTurn", bytes, 4 << 10, 1L << 30);
      return this;
    }

    /**
     * How many bytes a caught-up subscription may stay behind its log's head for the grace before
     * it is too far behind. Default 16 MiB; range 64 KiB to 1 TiB.
     *
     * @param bytes the limit in bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code bytes} is out of range
     */
    public Builder maxLagBytes(long bytes) {
      maxLagBytes = Ranges.check("maxLagBytes", bytes, 64 << 10, 1L << 40);
      return this;
    }

    /**
     * How old the oldest untaken line of a caught-up subscription may be, and how long a replay of
     * history may take, before it is too far behind. Default 30 s; range 100 ms to 1 h.
     *
     * @param time the limit
     * @return this builder
     * @throws IllegalArgumentException if {@code time} is out of range
     * @throws NullPointerException if {@code time} is null
     */
    public Builder maxLagTime(Duration time) {
      maxLagTime = Ranges.check("maxLagTime", time, Duration.ofMillis(100), Duration.ofHours(1));
      return this;
    }

    /**
     * How long a subscription must stay over the byte lag limit to be too far behind. Default 1 s;
     * range 0 to 1 min.
     *
     * @param grace the grace; 0 makes the byte limit apply at once
     * @return this builder
     * @throws IllegalArgumentException if {@code grace} is out of range
     * @throws NullPointerException if {@code grace} is null
     */
    public Builder lagBytesGrace(Duration grace) {
      lagBytesGrace = Ranges.check("lagBytesGrace", grace, Duration.ZERO, Duration.ofMinutes(1));
      return this;
    }

    /**
     * The config set so far; the builder may be used again.
     *
     * @return a new config
     */
    public FollowConfig build() {
      return new FollowConfig(this);
    }
  }
}
