package io.coderunner.benchmarks.load;

import java.util.Locale;

/**
 * A log-linear histogram of non-negative longs (microseconds, here): exact below 128, then 64
 * buckets per power of two, so a recorded value is off by at most 1/64 (1.6 %). Fixed size (3,712
 * counters), no allocation when recording. Not thread-safe: one per thread, {@link #add merged}
 * once the threads are done.
 */
final class Histogram {
  private static final int SUB_BITS = 7;
  private static final int SUB = 1 << SUB_BITS; // exact values 0..127
  private static final int HALF = SUB >> 1;
  private static final int BUCKETS = SUB + (64 - SUB_BITS) * HALF;

  private final long[] counts = new long[BUCKETS];
  private long count;
  private long max;
  private long sum;

  static int index(long value) {
    if (value < SUB) {
      return (int) value;
    }
    int shift = 63 - Long.numberOfLeadingZeros(value) - (SUB_BITS - 1);
    return SUB + (shift - 1) * HALF + (int) ((value >>> shift) - HALF);
  }

  /** The largest value that falls into bucket {@code index}. */
  static long highestIn(int index) {
    if (index < SUB) {
      return index;
    }
    int shift = (index - SUB) / HALF + 1;
    long mantissa = (long) ((index - SUB) % HALF + HALF);
    return ((mantissa + 1) << shift) - 1;
  }

  void record(long value) {
    long v = Math.max(0, value);
    counts[index(v)]++;
    count++;
    sum += v;
    if (v > max) {
      max = v;
    }
  }

  void add(Histogram other) {
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] += other.counts[i];
    }
    count += other.count;
    sum += other.sum;
    max = Math.max(max, other.max);
  }

  long count() {
    return count;
  }

  long max() {
    return max;
  }

  double mean() {
    return count == 0 ? 0 : (double) sum / count;
  }

  /**
   * The value at quantile {@code q} (0 to 1): the top of the bucket holding the ⌈q·n⌉-th smallest
   * value, never above the maximum; 0 when empty.
   */
  long quantile(double q) {
    if (count == 0) {
      return 0;
    }
    long rank = Math.max(1, (long) Math.ceil(q * count));
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= rank) {
        return Math.min(highestIn(i), max);
      }
    }
    return max;
  }

  /**
   * This histogram's p99 over {@code baseline}'s, as text: "1.37", or "n/a (nothing measured)" when
   * either is empty, so a run in which nothing got through never reads as a ratio of 0.
   */
  String p99Ratio(Histogram baseline) {
    if (count == 0 || baseline.count == 0 || baseline.quantile(0.99) == 0) {
      return "n/a (nothing measured)";
    }
    return String.format(Locale.ROOT, "%.2f", (double) quantile(0.99) / baseline.quantile(0.99));
  }
}
