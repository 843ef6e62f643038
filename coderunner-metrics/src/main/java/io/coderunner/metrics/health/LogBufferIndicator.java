package io.coderunner.metrics.health;

import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.LogStoreStats;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Memory pressure of the log buffers ({@value #NAME}, non-critical): the bytes the store retains
 * against its global budget (e.g. {@code RetentionConfig.globalMaxBytes()}). UP under 80 %,
 * DEGRADED under 95 %, DOWN from 95 % (the store is evicting lines to stay within budget, so
 * followers behind may see gaps).
 */
public final class LogBufferIndicator implements HealthIndicator {
  /** The indicator's name: the {@code component} of its reports and gauges. */
  public static final String NAME = "logBuffers";

  private final LogStore store;
  private final long budgetBytes;

  private LogBufferIndicator(LogStore store, long budgetBytes) {
    this.store = store;
    this.budgetBytes = budgetBytes;
  }

  /**
   * Checks {@code store} against {@code budgetBytes}.
   *
   * @param store the store whose retained bytes are checked, read on every check
   * @param budgetBytes the store's global byte budget, positive
   * @return the indicator, named {@value #NAME}
   * @throws IllegalArgumentException if {@code budgetBytes} is not positive
   */
  public static LogBufferIndicator of(LogStore store, long budgetBytes) {
    Objects.requireNonNull(store, "store");
    if (budgetBytes <= 0) {
      throw new IllegalArgumentException("budgetBytes must be positive, was " + budgetBytes);
    }
    return new LogBufferIndicator(store, budgetBytes);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean critical() {
    return false;
  }

  @Override
  public Health check() {
    LogStoreStats stats = store.stats();
    double used = (double) stats.retainedBytes() / budgetBytes;
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("retainedBytes", stats.retainedBytes());
    details.put("budgetBytes", budgetBytes);
    details.put("usedPercent", Math.round(used * 1000) / 10.0);
    details.put("logs", stats.logs());
    if (used < 0.80) {
      return Health.up(details);
    }
    if (used < 0.95) {
      return Health.degraded(details);
    }
    return Health.down("log buffers at or above 95 % of their budget", details);
  }
}
