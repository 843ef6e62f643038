package io.coderunner.metrics;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A value computed at most once per {@code ttl}: the meters of one binder read the same snapshot,
 * so one scrape costs one computation. Thread-safe; concurrent readers of a stale value compute it
 * once between them.
 */
final class Snapshot<T> {
  private final Supplier<T> compute;
  private final long ttlNanos;
  private final LongSupplier nanoTime;
  private @Nullable T value; // guarded by this
  private long computedAt; // guarded by this

  Snapshot(Supplier<T> compute, Duration ttl, LongSupplier nanoTime) {
    this.compute = compute;
    this.ttlNanos = ttl.toNanos();
    this.nanoTime = nanoTime;
  }

  synchronized T get() {
    long now = nanoTime.getAsLong();
    T v = value;
    if (v == null || now - computedAt >= ttlNanos) {
      v = compute.get();
      value = v;
      computedAt = now;
    }
    return v;
  }
}
