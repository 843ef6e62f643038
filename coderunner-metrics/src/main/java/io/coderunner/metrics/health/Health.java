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
 */
public record Health(HealthStatus status, Map<String, Object> details, @Nullable String error) {
  public Health {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(details, "details");
    details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public static Health up() {
    return new Health(HealthStatus.UP, Map.of(), null);
  }

  public static Health up(Map<String, Object> details) {
    return new Health(HealthStatus.UP, details, null);
  }

  public static Health degraded(Map<String, Object> details) {
    return new Health(HealthStatus.DEGRADED, details, null);
  }

  public static Health down(String error) {
    return new Health(HealthStatus.DOWN, Map.of(), error);
  }

  public static Health down(String error, Map<String, Object> details) {
    return new Health(HealthStatus.DOWN, details, error);
  }

  public static Health of(HealthStatus status, Map<String, Object> details) {
    return new Health(status, details, null);
  }
}
