package io.coderunner.client;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long to wait before the next attempt: exponential backoff with full jitter. Attempt {@code n}
 * (counting from 1) waits a uniformly random time between 0 and {@code min(cap, base × 2^(n-1))},
 * so that clients dropped together do not come back together.
 *
 * @param base the ceiling of the first wait; more than 0
 * @param cap the largest ceiling; at least {@code base}
 * @param maxAttempts how many attempts in a row before giving up; at least 1
 */
public record Backoff(Duration base, Duration cap, int maxAttempts) {
  /**
   * Validates the settings.
   *
   * @param base the ceiling of the first wait
   * @param cap the largest ceiling
   * @param maxAttempts how many attempts in a row before giving up
   * @throws IllegalArgumentException if {@code base} is not positive, {@code cap} is below it or
   *     {@code maxAttempts} is below 1
   */
  public Backoff {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(cap, "cap");
    if (base.isNegative() || base.isZero()) {
      throw new IllegalArgumentException("base must be positive, was " + base);
    }
    if (cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("cap must be at least base, was " + cap);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
  }

  /**
   * The default for reconnecting a follow: 250 ms, up to 30 s, and never give up.
   *
   * @return the default reconnect backoff
   */
  public static Backoff reconnectDefault() {
    return new Backoff(Duration.ofMillis(250), Duration.ofSeconds(30), Integer.MAX_VALUE);
  }

  /**
   * The default for retrying a REST call: 100 ms, up to 5 s, four attempts in all.
   *
   * @return the default retry backoff
   */
  public static Backoff retryDefault() {
    return new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), 4);
  }

  /**
   * The ceiling of the wait before attempt {@code attempt}: {@code min(cap, base × 2^(attempt-1))}.
   *
   * @param attempt the attempt about to be made, from 1
   * @return the ceiling
   */
  public Duration ceiling(int attempt) {
    int doublings = Math.max(0, Math.min(attempt - 1, 40));
    long nanos = base.toNanos();
    long capNanos = cap.toNanos();
    for (int i = 0; i < doublings && nanos < capNanos; i++) {
      nanos = nanos > capNanos / 2 ? capNanos : nanos * 2;
    }
    return Duration.ofNanos(Math.min(nanos, capNanos));
  }

  /**
   * A wait before attempt {@code attempt}: uniform between 0 and {@link #ceiling(int)}.
   *
   * @param attempt the attempt about to be made, from 1
   * @param random the source of the jitter
   * @return the wait
   */
  public Duration delay(int attempt, RandomGenerator random) {
    long ceiling = ceiling(attempt).toNanos();
    return Duration.ofNanos((long) (random.nextDouble() * ceiling));
  }
}
