package io.coderunner.benchmarks.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Paces a loop at a fixed rate: {@link #await} parks until the next slot. A loop that ran late
 * either keeps its schedule and catches up in a burst (a rate that must hold on average, such as
 * ingest) or starts a new schedule from now (a rate that is only a ceiling, such as an attack). Not
 * thread-safe: one per loop.
 */
final class Pacer {
  private final long intervalNanos;
  private final boolean catchUp;
  private long next = System.nanoTime();

  private Pacer(long intervalNanos, boolean catchUp) {
    this.intervalNanos = Math.max(1, intervalNanos);
    this.catchUp = catchUp;
  }

  /** At most {@code perSecond} turns a second; a late turn does not make the next one early. */
  static Pacer atMost(double perSecond) {
    return new Pacer((long) (TimeUnit.SECONDS.toNanos(1) / perSecond), false);
  }

  /** {@code perSecond} turns a second on average; turns missed while late are made up. */
  static Pacer steady(double perSecond) {
    return new Pacer((long) (TimeUnit.SECONDS.toNanos(1) / perSecond), true);
  }

  /** Parks until this loop's next turn is due. */
  void await() {
    next += intervalNanos;
    long wait = next - System.nanoTime();
    if (wait > 0) {
      LockSupport.parkNanos(wait);
    } else if (!catchUp) {
      next = System.nanoTime();
    }
  }
}
