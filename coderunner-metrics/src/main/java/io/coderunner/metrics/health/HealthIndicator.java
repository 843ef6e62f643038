package io.coderunner.metrics.health;

/**
 * One named check of the process or of a dependency (Redis, the process runner, the log buffers).
 *
 * <p><b>Contract.</b> {@link #check()} should return quickly and report trouble as {@link
 * HealthStatus#DOWN} or {@link HealthStatus#DEGRADED}. It may still throw or hang: the {@link
 * HealthRegistry} runs it on its own thread with a timeout behind a circuit breaker, and turns an
 * exception or a timeout into DOWN with the error's message. It is called from several threads,
 * though never concurrently with itself by one registry.
 */
public interface HealthIndicator {
  /**
   * The component's name in reports and the {@code component} tag of the health gauges: a short
   * constant such as {@code logBuffers}, 1 to 64 of {@code [A-Za-z0-9._-]}.
   *
   * @return the name; it must not change, and must be unique within one {@link HealthRegistry}
   */
  String name();

  /**
   * Whether this component being DOWN makes the whole report DOWN (and readiness 503).
   *
   * @return {@code true} if critical; read once, when the indicator is registered
   */
  boolean critical();

  /**
   * Checks the component now.
   *
   * @return the component's health; not null
   * @throws Exception on any failure; the registry reports the component DOWN with the exception's
   *     type and first line of its message, and counts it against the circuit breaker
   */
  Health check() throws Exception;
}
