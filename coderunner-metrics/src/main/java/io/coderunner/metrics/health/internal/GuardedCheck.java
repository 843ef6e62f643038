package io.coderunner.metrics.health.internal;

import io.coderunner.metrics.health.Health;
import io.coderunner.metrics.health.HealthConfig;
import io.coderunner.metrics.health.HealthIndicator;
import io.coderunner.metrics.health.HealthReport;
import io.coderunner.metrics.health.HealthStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One indicator behind its circuit breaker, with a timeout and a cached last result. Thread-safe:
 * one caller at a time runs the check, the others wait for its result.
 */
public final class GuardedCheck {
  private final HealthIndicator indicator;
  private final boolean critical;
  private final CircuitBreaker breaker;
  private final ExecutorService executor;
  private final Clock clock;
  private final long timeoutNanos;
  private final long cacheMillis;
  private HealthReport.@Nullable Component last; // guarded by this
  private long lastAt; // guarded by this
  private volatile @Nullable String lastError;

  public GuardedCheck(
      HealthIndicator indicator, HealthConfig config, Clock clock, ExecutorService executor) {
    this.indicator = indicator;
    this.critical = indicator.critical();
    this.executor = executor;
    this.clock = clock;
    this.timeoutNanos = config.timeout().toNanos();
    this.cacheMillis = config.cache().toMillis();
    this.breaker =
        CircuitBreaker.of(
            indicator.name(),
            CircuitBreakerConfig.custom()
                .failureRateThreshold(config.failureRateThreshold())
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(config.slidingWindowSize())
                .minimumNumberOfCalls(config.slidingWindowSize())
                .waitDurationInOpenState(config.waitInOpenState())
                .permittedNumberOfCallsInHalfOpenState(1)
                .writableStackTraceEnabled(false)
                .clock(clock)
                .build());
  }

  public String name() {
    return indicator.name();
  }

  public boolean critical() {
    return critical;
  }

  /** The breaker's state: CLOSED, HALF_OPEN, OPEN, or one of resilience4j's special states. */
  public CircuitBreaker.State breakerState() {
    return breaker.getState();
  }

  /** The component now: the cached result while fresh, else a new (guarded) check. */
  public synchronized HealthReport.Component component() {
    long now = clock.millis();
    HealthReport.Component c = last;
    if (c == null || now - lastAt >= cacheMillis) {
      c = evaluate();
      last = c;
      lastAt = now;
    }
    return c;
  }

  private HealthReport.Component evaluate() {
    if (!breaker.tryAcquirePermission()) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("error", "circuit breaker open: check not called");
      return component(HealthStatus.DOWN, Map.of(), details);
    }
    long start = System.nanoTime();
    Health health;
    try {
      health = call();
    } catch (TimeoutException e) {
      return failed(
          start, e, "timed out after " + Duration.ofNanos(timeoutNanos).toMillis() + " ms");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      return failed(start, cause, message(cause));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(start, e, "interrupted");
    } catch (RejectedExecutionException e) {
      breaker.releasePermission();
      return component(HealthStatus.DOWN, Map.of(), Map.of("error", "health registry closed"));
    }
    breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    Map<String, Object> extra = new LinkedHashMap<>();
    String error = health.error();
    if (error != null) {
      extra.put("error", error);
    }
    return component(health.status(), health.details(), extra);
  }

  private Health call() throws InterruptedException, ExecutionException, TimeoutException {
    Future<Health> future = executor.submit(indicator::check);
    try {
      Health h = future.get(timeoutNanos, TimeUnit.NANOSECONDS);
      if (h == null) {
        throw new ExecutionException(new IllegalStateException("check returned no health"));
      }
      return h;
    } finally {
      future.cancel(true);
    }
  }

  private HealthReport.Component failed(long start, Throwable error, String message) {
    lastError = message;
    breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, error);
    return component(HealthStatus.DOWN, Map.of(), Map.of("error", message));
  }

  private HealthReport.Component component(
      HealthStatus status, Map<String, Object> details, Map<String, Object> extra) {
    Map<String, Object> out = new LinkedHashMap<>(details);
    out.putAll(extra);
    out.put("breaker", breaker.getState().name());
    String error = lastError;
    if (error != null) {
      out.put("lastError", error);
    }
    return new HealthReport.Component(status, critical, out);
  }

  static String message(Throwable t) {
    String m = t.getMessage();
    String type = t.getClass().getSimpleName();
    if (m == null || m.isBlank()) {
      return type;
    }
    String line = m.lines().findFirst().orElse("").strip();
    if (line.length() > 200) {
      line = line.substring(0, 200) + "...";
    }
    return type + ": " + line;
  }
}
