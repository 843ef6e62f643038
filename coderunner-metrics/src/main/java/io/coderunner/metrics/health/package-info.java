/**
 * Health checks: the {@link io.coderunner.metrics.health.HealthIndicator} SPI, the {@link
 * io.coderunner.metrics.health.HealthRegistry} that runs each check with a timeout behind a circuit
 * breaker, built-in indicators, and {@link io.coderunner.metrics.health.HealthMetrics} gauges.
 * Checks report DOWN instead of throwing.
 */
@NullMarked
package io.coderunner.metrics.health;

import org.jspecify.annotations.NullMarked;
