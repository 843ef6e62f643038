package io.coderunner.metrics;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.deploy.DeploymentPage;
import io.coderunner.core.deploy.DeploymentService;
import io.coderunner.core.deploy.DeploymentStore;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The {@code coderunner.deployments} gauge of a {@link DeploymentStore}: one time series per {@link
 * DeploymentStatus}, zero included, so a status that comes and goes never leaves a hole; bound over
 * a {@link DeploymentService}, also its starts and failures.
 *
 * <p><b>Create</b> one per store with {@link #of(DeploymentStore)} and {@link #bindTo bind} it to a
 * registry. Counting pages through the whole store, so it runs at most once per {@link
 * #DEFAULT_CACHE}: the gauges of one scrape share one count. The gauges hold the store weakly.
 * <b>Thread-safe</b>; nothing to <b>close</b>.
 */
public final class DeploymentMetrics implements MeterBinder {
  /** How long one count of the store serves the gauges. */
  public static final Duration DEFAULT_CACHE = Duration.ofSeconds(1);

  static final int PAGE_SIZE = 1000;

  private final DeploymentStore store;
  private final @Nullable DeploymentService service;
  private final Snapshot<Map<DeploymentStatus, Long>> counts;

  private DeploymentMetrics(
      DeploymentStore store,
      @Nullable DeploymentService service,
      Duration cache,
      LongSupplier nanoTime) {
    this.store = store;
    this.service = service;
    this.counts = new Snapshot<>(this::count, cache, nanoTime);
  }

  /**
   * The status gauges of {@code service}'s store, plus {@link
   * CodeRunnerMetricNames#DEPLOYMENTS_STARTS} and {@link
   * CodeRunnerMetricNames#DEPLOYMENTS_FAILURES} (by {@code reason}: {@code start}, {@code exit})
   * read from {@link DeploymentService#stats()}. The store is counted at most once per {@link
   * #DEFAULT_CACHE}.
   *
   * @param service the service whose store and stats the meters read
   * @return a binder, not yet bound to any registry
   */
  public static DeploymentMetrics of(DeploymentService service) {
    Objects.requireNonNull(service, "service");
    return new DeploymentMetrics(service.store(), service, DEFAULT_CACHE, System::nanoTime);
  }

  /**
   * Gauges of {@code store}, counting at most once per {@link #DEFAULT_CACHE}.
   *
   * @param store the store whose deployments the gauges count
   * @return a binder, not yet bound to any registry
   */
  public static DeploymentMetrics of(DeploymentStore store) {
    return of(store, DEFAULT_CACHE, System::nanoTime);
  }

  /**
   * Gauges of {@code store}, counting at most once per {@code cache} as measured by {@code
   * nanoTime}.
   *
   * @param store the store whose deployments the gauges count
   * @param cache zero to count on every gauge read, up to one minute
   * @param nanoTime a monotonic clock in nanoseconds, such as {@code System::nanoTime}; only the
   *     differences between its readings matter
   * @return a binder, not yet bound to any registry
   * @throws IllegalArgumentException if {@code cache} is negative or longer than one minute
   */
  public static DeploymentMetrics of(DeploymentStore store, Duration cache, LongSupplier nanoTime) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(nanoTime, "nanoTime");
    return new DeploymentMetrics(store, null, LogStoreMetrics.checkCache(cache), nanoTime);
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    for (DeploymentStatus status : DeploymentStatus.values()) {
      Gauge.builder(
              CodeRunnerMetricNames.DEPLOYMENTS, store, s -> counts.get().getOrDefault(status, 0L))
          .tag(CodeRunnerMetricNames.TAG_STATUS, status.name())
          .baseUnit("deployments")
          .description("Deployments by status")
          .register(registry);
    }
    DeploymentService s = service;
    if (s == null) {
      return;
    }
    FunctionCounter.builder(CodeRunnerMetricNames.DEPLOYMENTS_STARTS, s, x -> x.stats().starts())
        .description("Processes the deployment service asked its runner to start")
        .register(registry);
    FunctionCounter.builder(
            CodeRunnerMetricNames.DEPLOYMENTS_FAILURES, s, x -> x.stats().startFailures())
        .tag(CodeRunnerMetricNames.TAG_REASON, "start")
        .description("Deployments that failed: before a process ran, or by a non-zero exit")
        .register(registry);
    FunctionCounter.builder(
            CodeRunnerMetricNames.DEPLOYMENTS_FAILURES, s, x -> x.stats().exitFailures())
        .tag(CodeRunnerMetricNames.TAG_REASON, "exit")
        .description("Deployments that failed: before a process ran, or by a non-zero exit")
        .register(registry);
  }

  private Map<DeploymentStatus, Long> count() {
    Map<DeploymentStatus, Long> out = new EnumMap<>(DeploymentStatus.class);
    @Nullable String cursor = null;
    do {
      DeploymentPage page = store.list(null, PAGE_SIZE, cursor);
      for (Deployment d : page.items()) {
        out.merge(d.status(), 1L, Long::sum);
      }
      cursor = page.nextCursor();
    } while (cursor != null);
    return out;
  }
}
