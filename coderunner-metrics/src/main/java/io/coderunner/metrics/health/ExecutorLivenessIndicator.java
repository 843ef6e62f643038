package io.coderunner.metrics.health;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Liveness of a thread (critical): submits a no-op to an {@link Executor}, such as an Undertow I/O
 * thread, and waits for it up to a timeout. DOWN when the executor rejects the task or does not run
 * it in time: the thread is stuck or gone.
 */
public final class ExecutorLivenessIndicator implements HealthIndicator {
  private final String name;
  private final Executor executor;
  private final Duration timeout;

  private ExecutorLivenessIndicator(String name, Executor executor, Duration timeout) {
    this.name = name;
    this.executor = executor;
    this.timeout = timeout;
  }

  /**
   * Checks that {@code executor} runs a task within {@code timeout}.
   *
   * @param name the component's name: 1 to 64 of {@code [A-Za-z0-9._-]}, checked on registration
   * @param executor the executor whose thread is checked, such as an Undertow I/O thread
   * @param timeout how long to wait for the no-op, positive (keep it under the registry's timeout)
   * @return the indicator, critical
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   */
  public static ExecutorLivenessIndicator of(String name, Executor executor, Duration timeout) {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive, was " + timeout);
    }
    return new ExecutorLivenessIndicator(name, executor, timeout);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean critical() {
    return true;
  }

  @Override
  public Health check() throws Exception {
    long start = System.nanoTime();
    try {
      CompletableFuture.runAsync(() -> {}, executor).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return Health.down("no answer within " + timeout.toMillis() + " ms");
    }
    long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - start);
    return Health.up(Map.of("responseMicros", micros));
  }
}
