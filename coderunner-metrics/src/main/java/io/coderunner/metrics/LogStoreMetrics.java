package io.coderunner.metrics;

import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.LogStoreStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;

/**
 * Meters of a {@link LogStore}: lines and bytes appended, evicted and retained, the byte budget,
 * gaps served, logs and open cursors, all read from {@link LogStore#stats()}.
 *
 * <p><b>Create</b> one per store with {@link #of(LogStore)} and {@link #bindTo bind} it to a
 * registry; binding it to several registries is fine. The meters hold the store weakly, as
 * Micrometer's do: they report NaN once the store is garbage. The store's stats are read at most
 * once per {@link #DEFAULT_CACHE} however many meters a scrape reads. <b>Thread-safe</b>. There is
 * nothing to <b>close</b>: remove the meters from the registry if the store goes away first.
 */
public final class LogStoreMetrics implements MeterBinder {
  /** How long one read of the store's stats serves the meters. */
  public static final Duration DEFAULT_CACHE = Duration.ofSeconds(1);

  private final LogStore store;
  private final Snapshot<LogStoreStats> stats;

  private LogStoreMetrics(LogStore store, Duration cache, LongSupplier nanoTime) {
    this.store = store;
    this.stats = new Snapshot<>(store::stats, cache, nanoTime);
  }

  /**
   * Meters of {@code store}, caching its stats for {@link #DEFAULT_CACHE}.
   *
   * @param store the store whose stats the meters read
   * @return a binder, not yet bound to any registry
   */
  public static LogStoreMetrics of(LogStore store) {
    return of(store, DEFAULT_CACHE, System::nanoTime);
  }

  /**
   * Meters of {@code store}, caching its stats for {@code cache} as measured by {@code nanoTime}.
   *
   * @param store the store whose stats the meters read
   * @param cache zero to read the store on every meter read, up to one minute
   * @param nanoTime a monotonic clock in nanoseconds, such as {@code System::nanoTime}; only the
   *     differences between its readings matter
   * @return a binder, not yet bound to any registry
   * @throws IllegalArgumentException if {@code cache} is negative or longer than one minute
   */
  public static LogStoreMetrics of(LogStore store, Duration cache, LongSupplier nanoTime) {
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(nanoTime, "nanoTime");
    return new LogStoreMetrics(store, checkCache(cache), nanoTime);
  }

  static Duration checkCache(Duration cache) {
    Objects.requireNonNull(cache, "cache");
    if (cache.isNegative() || cache.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("cache must be between 0 and 1 min, was " + cache);
    }
    return cache;
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    counter(
        registry,
        CodeRunnerMetricNames.LOGS_APPENDED,
        "lines",
        "Lines appended to logs",
        LogStoreStats::appendedLines);
    counter(
        registry,
        CodeRunnerMetricNames.LOGS_APPENDED_BYTES,
        "bytes",
        "Approximate size of the lines appended",
        LogStoreStats::appendedBytes);
    counter(
        registry,
        CodeRunnerMetricNames.LOGS_EVICTED,
        "lines",
        "Lines dropped by retention or the global byte budget",
        LogStoreStats::evictedLines);
    counter(
        registry,
        CodeRunnerMetricNames.LOGS_GAPS,
        "gaps",
        "Gaps reported to cursors behind retention",
        LogStoreStats::gapsServed);
    gauge(
        registry,
        CodeRunnerMetricNames.LOGS_RETAINED,
        "lines",
        "Lines retained now",
        LogStoreStats::retainedLines);
    gauge(
        registry,
        CodeRunnerMetricNames.LOGS_RETAINED_BYTES,
        "bytes",
        "Approximate size of the lines retained now",
        LogStoreStats::retainedBytes);
    gauge(
        registry,
        CodeRunnerMetricNames.LOGS_STORED,
        "logs",
        "Deployment logs in the store",
        LogStoreStats::logs);
    gauge(
        registry,
        CodeRunnerMetricNames.LOGS_CURSORS,
        "cursors",
        "Open cursors on the logs",
        LogStoreStats::cursors);
    Gauge.builder(
            CodeRunnerMetricNames.LOGS_BUDGET,
            store,
            s -> {
              long budget = stats.get().budgetBytes();
              return budget == Long.MAX_VALUE ? Double.NaN : budget;
            })
        .baseUnit("bytes")
        .description("Bytes the store keeps over all logs before it evicts the oldest lines")
        .register(registry);
  }

  private void counter(
      MeterRegistry registry,
      String name,
      String unit,
      String description,
      ToLongFunction<LogStoreStats> field) {
    FunctionCounter.builder(name, store, s -> field.applyAsLong(stats.get()))
        .baseUnit(unit)
        .description(description)
        .register(registry);
  }

  private void gauge(
      MeterRegistry registry,
      String name,
      String unit,
      String description,
      ToLongFunction<LogStoreStats> field) {
    Gauge.builder(name, store, s -> field.applyAsLong(stats.get()))
        .baseUnit(unit)
        .description(description)
        .register(registry);
  }
}
