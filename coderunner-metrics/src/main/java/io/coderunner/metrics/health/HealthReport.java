package io.coderunner.metrics.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An aggregated status and the components behind it, in registration order: the shape of Spring
 * Boot Actuator's {@code {"status": ..., "components": {...}}}.
 */
public record HealthReport(HealthStatus status, Map<String, Component> components) {
  public HealthReport {
    Objects.requireNonNull(status, "status");
    components = Collections.unmodifiableMap(new LinkedHashMap<>(components));
  }

  /** One component of a report; {@code details} includes {@code error} when it failed. */
  public record Component(HealthStatus status, boolean critical, Map<String, Object> details) {
    public Component {
      Objects.requireNonNull(status, "status");
      details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }
  }

  /** The HTTP status for this report: 503 when DOWN, 200 otherwise (DEGRADED included). */
  public int httpStatus() {
    return status == HealthStatus.DOWN ? 503 : 200;
  }

  /**
   * The status from components: any critical DOWN gives DOWN, else any DOWN or DEGRADED gives
   * DEGRADED, else UP (also when there are no components).
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
