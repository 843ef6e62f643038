package io.coderunner.metrics.health;

import io.coderunner.core.Ranges;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link HealthRegistry}: the timeout of one check, the circuit breaker around each
 * check and how long a result is reused. Immutable; each setter of the {@link Builder} rejects a
 * bad value with an {@link IllegalArgumentException} naming it.
 *
 * <p>Every check has its own breaker. It opens when, over the last {@link #slidingWindowSize()}
 * calls (and once at least that many were made), at least {@link #failureRateThreshold()} percent
 * failed (threw or timed out). While open the check is not called and the component is DOWN; after
 * {@link #waitInOpenState()} one trial call is let through (half-open), and its success closes the
 * breaker again.
 */
public final class HealthConfig {
  private static final HealthConfig DEFAULTS = new Builder().build();

  private final Duration timeout;
  private final float failureRateThreshold;
  private final int slidingWindowSize;
  private final Duration waitInOpenState;
  private final Duration cache;

  private HealthConfig(Builder b) {
    this.timeout = b.timeout;
    this.failureRateThreshold = b.failureRateThreshold;
    this.slidingWindowSize = b.slidingWindowSize;
    this.waitInOpenState = b.waitInOpenState;
    this.cache = b.cache;
  }

  /**
   * Timeout 2 s, breaker opening at 50 % failures over 5 calls for 30 s, results reused 1 s.
   *
   * @return the shared default settings
   */
  public static HealthConfig defaults() {
    return DEFAULTS;
  }

  /**
   * Starts settings from the defaults.
   *
   * @return a new builder holding the default settings
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts settings from these, to change some and keep the rest.
   *
   * @return a new builder holding these settings
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * How long one check may take before it counts as failed.
   *
   * @return the timeout, 1 ms to 1 min (default 2 s)
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * The failure percentage, over the window, at which a breaker opens.
   *
   * @return the percentage, above 0 and at most 100 (default 50)
   */
  public float failureRateThreshold() {
    return failureRateThreshold;
  }

  /**
   * The number of recent calls a breaker judges; it judges none before that many were made.
   *
   * @return the number of calls, 1 to 1000 (default 5)
   */
  public int slidingWindowSize() {
    return slidingWindowSize;
  }

  /**
   * How long an open breaker keeps a check from being called.
   *
   * @return the wait, 1 ms to 1 h (default 30 s)
   */
  public Duration waitInOpenState() {
    return waitInOpenState;
  }

  /**
   * How long a check's result is reused before the check is called again; zero for never.
   *
   * @return the reuse period, 0 to 1 min (default 1 s)
   */
  public Duration cache() {
    return cache;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HealthConfig that
        && timeout.equals(that.timeout)
        && failureRateThreshold == that.failureRateThreshold
        && slidingWindowSize == that.slidingWindowSize
        && waitInOpenState.equals(that.waitInOpenState)
        && cache.equals(that.cache);
  }

  @Override
  public int hashCode() {
    return Objects.hash(timeout, failureRateThreshold, slidingWindowSize, waitInOpenState, cache);
  }

  @Override
  public String toString() {
    return "HealthConfig{timeout="
        + timeout
        + ", failureRateThreshold="
        + failureRateThreshold
        + ", slidingWindowSize="
        + slidingWindowSize
        + ", waitInOpenState="
        + waitInOpenState
        + ", cache="
        + cache
        + "}";
  }

  /** Builds a {@link HealthConfig}. Not thread-safe. */
  public static final class Builder {
    private Duration timeout = Duration.ofSeconds(2);
    private float failureRateThreshold = 50;
    private int slidingWindowSize = 5;
    private Duration waitInOpenState = Duration.ofSeconds(30);
    private Duration cache = Duration.ofSeconds(1);

    private Builder() {}

    private Builder(HealthConfig c) {
      this.timeout = c.timeout;
      this.failureRateThreshold = c.failureRateThreshold;
      this.slidingWindowSize = c.slidingWindowSize;
      this.waitInOpenState = c.waitInOpenState;
      this.cache = c.cache;
    }

    /**
     * Sets how long one check may take before it counts as failed. Default 2 s.
     *
     * @param timeout 1 ms to 1 min
     * @return this builder
     * @throws IllegalArgumentException if {@code timeout} is out of range
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Ranges.check("timeout", timeout, Duration.ofMillis(1), Duration.ofMinutes(1));
      return this;
    }

    /**
     * Sets the failure percentage, over the window, at which a breaker opens. Default 50.
     *
     * @param percent above 0, at most 100
     * @return this builder
     * @throws IllegalArgumentException if {@code percent} is out of range or NaN
     */
    public Builder failureRateThreshold(float percent) {
      if (!(percent > 0 && percent <= 100)) {
        throw new IllegalArgumentException(
            "failureRateThreshold must be above 0 and at most 100, was " + percent);
      }
      this.failureRateThreshold = percent;
      return this;
    }

    /**
     * Sets the number of recent calls a breaker judges, and the calls it waits for before judging
     * at all. Default 5.
     *
     * @param calls 1 to 1000
     * @return this builder
     * @throws IllegalArgumentException if {@code calls} is out of range
     */
    public Builder slidingWindowSize(int calls) {
      this.slidingWindowSize = Ranges.check("slidingWindowSize", calls, 1, 1000);
      return this;
    }

    /**
     * Sets how long an open breaker keeps a check from being called before one trial call. Default
     * 30 s.
     *
     * @param wait 1 ms to 1 h
     * @return this builder
     * @throws IllegalArgumentException if {@code wait} is out of range
     */
    public Builder waitInOpenState(Duration wait) {
      this.waitInOpenState =
          Ranges.check("waitInOpenState", wait, Duration.ofMillis(1), Duration.ofHours(1));
      return this;
    }

    /**
     * Sets how long a check's result is reused before the check is called again. Default 1 s.
     *
     * @param cache 0 (call the check every time) to 1 min
     * @return this builder
     * @throws IllegalArgumentException if {@code cache} is out of range
     */
    public Builder cache(Duration cache) {
      this.cache = Ranges.check("cache", cache, Duration.ZERO, Duration.ofMinutes(1));
      return this;
    }

    /**
     * Builds the settings; every value was checked as it was set.
     *
     * @return new immutable settings
     */
    public HealthConfig build() {
      return new HealthConfig(this);
    }
  }
}
