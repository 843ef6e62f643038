package io.coderunner.metrics.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The result of one {@link HealthIndicator#check()}: a status, details to show (small JSON-friendly
 * values: strings, numbers, booleans) and, when something failed, a one-line error message, never a
 * stack trace.
 *
 * @param status the component's status
 * @param details what to show with it, in the order given; unmodifiable, possibly empty
 * @param error a one-line message saying what failed, or {@code null} when nothing did
 */
public record Health(HealthStatus status, Map<String, Object> details, @Nullable String error) {
  /**
   * Copies {@code details}, so the record does not change after it is made.
   *
   * @param status the component's status
   * @param details what to show with it; copied, keeping its iteration order
   * @param error a one-line message saying what failed, or {@code null} when nothing did
   * @throws NullPointerException if {@code status} or {@code details} is null
   */
  public Health {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(details, "details");
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /**
   * UP without details.
   *
   * @return a health with status UP, no details and no error
   */
  public static Health up() {
    return new Health(HealthStatus.UP, Map.of(), null);
  }

  /**
   * UP with details.
   *
   * @param details what to show with it; copied
   * @return a health with status UP and no error
   */
  public static Health up(Map<String, Object> details) {
    return new Health(HealthStatus.UP, details, null);
  }

  /**
   * DEGRADED with details, such as what is short and by how much.
   *
   * @param details what to show with it; copied
   * @return a health with status DEGRADED and no error
   */
  public static Health degraded(Map<String, Object> details) {
    return new Health(HealthStatus.DEGRADED, details, null);
  }

  /**
   * DOWN with an error message and no details.
   *
   * @param error a one-line message saying what failed
   * @return a health with status DOWN
   */
  public static Health down(String error) {
    return new Health(HealthStatus.DOWN, Map.of(), error);
  }

  /**
   * DOWN with an error message and details.
   *
   * @param error a one-line message saying what failed
   * @param details what to show with it; copied
   * @return a health with status DOWN
   */
  public static Health down(String error, Map<String, Object> details) {
    return new Health(HealthStatus.DOWN, details, error);
  }

  /**
   * Any status with details and no error.
   *
   * @param status the component's status
   * @param details what to show with it; copied
   * @return a health without an error
   */
  public static Health of(HealthStatus status, Map<String, Object> details) {
    return new Health(status, details, null);
  }
}
