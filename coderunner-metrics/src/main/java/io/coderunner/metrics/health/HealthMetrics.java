package io.coderunner.metrics.health;

import io.coderunner.metrics.CodeRunnerMetricNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Objects;

/**
 * Gauges of a {@link HealthRegistry}, per component (tags {@code component} and {@code critical},
 * {@code true} or {@code false}, so an alert can select the components whose DOWN fails the
 * server's health): {@link CodeRunnerMetricNames#HEALTH_STATUS} (1 UP, 0.5 DEGRADED, 0 DOWN) and
 * {@link CodeRunnerMetricNames#HEALTH_BREAKER_STATE} (0 closed, 1 half-open, 2 open).
 *
 * <p><b>Bind</b> it after registering the checks: it binds gauges for the components registered
 * then. Reading a status gauge reads the component through the registry's cache, so a scrape runs a
 * check at most once per {@link HealthConfig#cache()}. Component names are chosen by the host, so
 * the tag stays bounded. Thread-safe; nothing to close.
 */
public final class HealthMetrics implements MeterBinder {
  private final HealthRegistry health;

  private HealthMetrics(HealthRegistry health) {
    this.health = health;
  }

  /**
   * Gauges of {@code health}'s checks.
   *
   * @param health the registry whose components the gauges read; register its checks before binding
   * @return a binder, not yet bound to any registry
   */
  public static HealthMetrics of(HealthRegistry health) {
    return new HealthMetrics(Objects.requireNonNull(health, "health"));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (String name : health.names()) {
      String critical = String.valueOf(health.isCritical(name));
      Gauge.builder(CodeRunnerMetricNames.HEALTH_STATUS, health, h -> status(h, name))
          .description("Health of the component: 1 UP, 0.5 DEGRADED, 0 DOWN")
          .tag(CodeRunnerMetricNames.TAG_COMPONENT, name)
          .tag(CodeRunnerMetricNames.TAG_CRITICAL, critical)
          .register(registry);
      Gauge.builder(CodeRunnerMetricNames.HEALTH_BREAKER_STATE, health, h -> h.breakerState(name))
          .description("Circuit breaker of the component's check: 0 closed, 1 half-open, 2 open")
          .tag(CodeRunnerMetricNames.TAG_COMPONENT, name)
          .tag(CodeRunnerMetricNames.TAG_CRITICAL, critical)
          .register(registry);
    }
  }

  private static double status(HealthRegistry h, String name) {
    HealthReport.Component c = h.component(name);
    return c == null ? Double.NaN : c.status().gaugeValue();
  }
}
