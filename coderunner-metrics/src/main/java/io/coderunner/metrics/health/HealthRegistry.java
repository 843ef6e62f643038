package io.coderunner.metrics.health;

import io.coderunner.metrics.health.internal.GuardedCheck;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The health checks of a process in three layers: <b>liveness</b> (the process and its I/O threads
 * respond: {@link #registerLiveness}), <b>dependencies</b> (each named: the log buffers, the
 * process runner, Redis: {@link #register}), and <b>readiness</b> (started, not draining, and no
 * critical dependency DOWN).
 *
 * <p>Every check runs on a thread of the registry with {@link HealthConfig#timeout()} behind its
 * own resilience4j circuit breaker: a timeout or an exception is a failure and makes the component
 * DOWN with the error's message; an open breaker makes it DOWN without calling the check, with
 * {@code breaker: OPEN} and {@code lastError} in its details. A result is reused for {@link
 * HealthConfig#cache()}. Checks run one after another, so a report takes at most the timeout per
 * component.
 *
 * <p><b>Create</b> one with {@link #create}; it starts a thread only when a check first runs, and
 * its threads are daemons. <b>Thread-safe.</b> {@link #close()} stops its threads; a check after
 * that is DOWN.
 */
public final class HealthRegistry implements AutoCloseable {
  /** The readiness component that reports whether the host started and is not draining. */
  public static final String LIFECYCLE = "lifecycle";

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final HealthConfig config;
  private final Clock clock;
  private final ExecutorService executor;
  private final Map<String, GuardedCheck> liveness = new LinkedHashMap<>(); // guarded by this
  private final Map<String, GuardedCheck> dependencies = new LinkedHashMap<>(); // guarded by this

  private HealthRegistry(HealthConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "coderunner-health-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * A registry with {@code config}; {@code clock} times the cache and the breakers' open wait.
   *
   * @param config the timeout, breaker and cache settings every check of the registry uses
   * @param clock the clock for the result cache and the breakers' open wait (not the timeout)
   * @return a new registry with no checks; close it when done
   */
  public static HealthRegistry create(HealthConfig config, Clock clock) {
    return new HealthRegistry(
        Objects.requireNonNull(config, "config"), Objects.requireNonNull(clock, "clock"));
  }

  /**
   * The settings every check of this registry uses.
   *
   * @return the settings given to {@link #create}
   */
  public HealthConfig config() {
    return config;
  }

  /**
   * Adds a dependency check, reported by {@link #health()} and {@link #readiness}.
   *
   * @param indicator the check; its {@link HealthIndicator#name() name} and {@link
   *     HealthIndicator#critical() criticality} are read now
   * @return this registry
   * @throws IllegalArgumentException if the name is malformed, {@link #LIFECYCLE} or taken
   */
  public HealthRegistry register(HealthIndicator indicator) {
    add(dependencies, indicator);
    return this;
  }

  /**
   * Adds a liveness check, reported by {@link #liveness()} and {@link #health()}.
   *
   * @param indicator the check; its {@link HealthIndicator#name() name} and {@link
   *     HealthIndicator#critical() criticality} are read now
   * @return this registry
   * @throws IllegalArgumentException if the name is malformed, {@link #LIFECYCLE} or taken
   */
  public HealthRegistry registerLiveness(HealthIndicator indicator) {
    add(liveness, indicator);
    return this;
  }

  private synchronized void add(Map<String, GuardedCheck> layer, HealthIndicator indicator) {
    Objects.requireNonNull(indicator, "indicator");
    String name = indicator.name();
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "indicator name must be 1 to 64 of [A-Za-z0-9._-], was " + name);
    }
    if (name.equals(LIFECYCLE) || liveness.containsKey(name) || dependencies.containsKey(name)) {
      throw new IllegalArgumentException("indicator name already in use: " + name);
    }
    layer.put(name, new GuardedCheck(indicator, config, clock, executor));
  }

  /**
   * The names of every registered check: liveness first, then dependencies.
   *
   * @return a new list, each layer in registration order; empty when nothing is registered
   */
  public synchronized List<String> names() {
    List<String> out = new ArrayList<>(liveness.keySet());
    out.addAll(dependencies.keySet());
    return out;
  }

  /**
   * The liveness checks, each checked (or taken from the cache) now.
   *
   * @return the report; UP when no liveness check is registered
   */
  public HealthReport liveness() {
    return report(checks(true, false), null);
  }

  /**
   * Whether to send traffic: the lifecycle ({@code started} and not {@code draining}, critical) and
   * the dependency checks. DOWN before start, while draining, or with a critical dependency DOWN;
   * DEGRADED with a non-critical one DOWN or DEGRADED.
   *
   * @param started whether the host has started; read once per call
   * @param draining whether the host is draining before it stops; read once per call
   * @return the report, its first component {@link #LIFECYCLE}, with {@code started} and {@code
   *     draining} in its details
   */
  public HealthReport readiness(BooleanSupplier started, BooleanSupplier draining) {
    boolean s = started.getAsBoolean();
    boolean d = draining.getAsBoolean();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("started", s);
    details.put("draining", d);
    HealthStatus status = s && !d ? HealthStatus.UP : HealthStatus.DOWN;
    return report(checks(false, true), new HealthReport.Component(status, true, details));
  }

  /**
   * Every check: liveness and dependencies, each checked (or taken from the cache) now.
   *
   * @return the report; UP when nothing is registered
   */
  public HealthReport health() {
    return report(checks(true, true), null);
  }

  /**
   * One component by name, checked (or from the cache) now.
   *
   * @param name the check's {@link HealthIndicator#name() name}
   * @return the component, or {@code null} when there is no such check
   */
  public HealthReport.@Nullable Component component(String name) {
    GuardedCheck c = find(name);
    return c == null ? null : c.component();
  }

  /**
   * The breaker state of a check as a gauge value: 0 closed (or disabled), 1 half-open, 2 open
   * (forced open included); -1 when there is no such check.
   *
   * @param name the check's {@link HealthIndicator#name() name}
   * @return 0, 1 or 2, or -1 for an unknown name; reading it runs no check
   */
  public double breakerState(String name) {
    GuardedCheck c = find(name);
    if (c == null) {
      return -1;
    }
    return switch (c.breakerState()) {
      case HALF_OPEN -> 1;
      case OPEN, FORCED_OPEN -> 2;
      default -> 0;
    };
  }

  /**
   * Whether the check named {@code name} is critical.
   *
   * @param name the check's {@link HealthIndicator#name() name}
   * @return whether it is critical; {@code false} when there is no such check
   */
  public boolean isCritical(String name) {
    GuardedCheck c = find(name);
    return c != null && c.critical();
  }

  private synchronized @Nullable GuardedCheck find(String name) {
    GuardedCheck c = liveness.get(name);
    return c != null ? c : dependencies.get(name);
  }

  private synchronized List<GuardedCheck> checks(boolean live, boolean deps) {
    List<GuardedCheck> out = new ArrayList<>();
    if (live) {
      out.addAll(liveness.values());
    }
    if (deps) {
      out.addAll(dependencies.values());
    }
    return out;
  }

  private static HealthReport report(
      List<GuardedCheck> checks, HealthReport.@Nullable Component first) {
    Map<String, HealthReport.Component> components = new LinkedHashMap<>();
    if (first != null) {
      components.put(LIFECYCLE, first);
    }
    for (GuardedCheck c : checks) {
      components.put(c.name(), c.component());
    }
    return new HealthReport(HealthReport.aggregate(components.values()), components);
  }

  /** Stops the registry's threads, interrupting running checks. */
  @Override
  public void close() {
    executor.shutdownNow();
    try {
      var unused = executor.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
