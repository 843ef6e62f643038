package io.coderunner.metrics.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An aggregated status and the components behind it, in registration order: the shape of Spring
 * Boot Actuator's {@code {"status": ..., "components": {...}}}.
 *
 * @param status the aggregated status, as {@link #aggregate} computes it from the components
 * @param components each component by name, in the order given (registration order from a {@link
 *     HealthRegistry}, with {@link HealthRegistry#LIFECYCLE} first in readiness); unmodifiable
 */
public record HealthReport(HealthStatus status, Map<String, Component> components) {
  /**
   * Copies {@code components}, so the record does not change after it is made.
   *
   * @param status the aggregated status
   * @param components each component by name; copied, keeping its iteration order
   * @throws NullPointerException if {@code status} or {@code components} is null
   */
  public HealthReport {
    Objects.requireNonNull(status, "status");
    components = Collections.unmodifiableMap(new LinkedHashMap<>(components));
  }

  /**
   * One component of a report; {@code details} includes {@code error} when it failed.
   *
   * @param status the component's status
   * @param critical whether its being DOWN makes the report DOWN
   * @param details what its check reported, plus {@code error} when it failed and, from a {@link
   *     HealthRegistry}, {@code breaker} (the circuit breaker's state) and {@code lastError} (the
   *     latest failure, if any); unmodifiable
   */
  public record Component(HealthStatus status, boolean critical, Map<String, Object> details) {
    /**
     * Copies {@code details}, so the record does not change after it is made.
     *
     * @param status the component's status
     * @param critical whether its being DOWN makes the report DOWN
     * @param details what to show with it; copied, keeping its iteration order
     * @throws NullPointerException if {@code status} or {@code details} is null
     */
    public Component {
      Objects.requireNonNull(status, "status");
      details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }
  }

  /**
   * The HTTP status for this report: 503 when DOWN, 200 otherwise (DEGRADED included).
   *
   * @return 503 or 200
   */
  public int httpStatus() {
    return status == HealthStatus.DOWN ? 503 : 200;
  }

  /**
   * The status from components: any critical DOWN gives DOWN, else any DOWN or DEGRADED gives
   * DEGRADED, else UP (also when there are no components).
   *
   * @param components the components to judge, in any order
   * @return the aggregated status
   */
  public static HealthStatus aggregate(Iterable<Component> components) {
    HealthStatus out = HealthStatus.UP;
    for (Component c : components) {
      if (c.status() == HealthStatus.DOWN && c.critical()) {
        return HealthStatus.DOWN;
      }
      if (c.status() != HealthStatus.UP) {
        out = HealthStatus.DEGRADED;
      }
    }
    return out;
  }
}
