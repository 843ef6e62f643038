package io.coderunner.server.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Token buckets by key (a client address, a username, a principal): each holds up to {@code
 * capacity} tokens and refills at {@code capacity} per {@code periodNanos}. Thread-safe; a bucket
 * is updated under its own monitor. Full buckets are dropped when the map grows past {@code
 * maxKeys}, so unknown keys cannot grow memory without bound.
 */
public final class TokenBuckets {
  private final double capacity;
  private final double perNano;
  private final LongSupplier nanoTime;
  private final int maxKeys;
  private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

  private static final class Bucket {
    double tokens; // guarded by this
    long at; // guarded by this

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  public TokenBuckets(long capacity, long periodNanos, LongSupplier nanoTime, int maxKeys) {
    this.capacity = capacity;
    this.perNano = capacity / (double) periodNanos;
    this.nanoTime = nanoTime;
    this.maxKeys = maxKeys;
  }

  /**
   * Takes one token of {@code key}'s bucket.
   *
   * @return 0 if taken, else the seconds until one is available (at least 1)
   */
  public long tryTake(String key) {
    return tryTake(key, 1);
  }

  /**
   * Takes {@code n} tokens of {@code key}'s bucket, all or none.
   *
   * @param n at most the capacity
   * @return 0 if taken, else the seconds until {@code n} are available (at least 1)
   */
  public long tryTake(String key, long n) {
    long now = nanoTime.getAsLong();
    Bucket b = bucket(key, now);
    synchronized (b) {
      refill(b, now);
      if (b.tokens >= n) {
        b.tokens -= n;
        return 0;
      }
      return waitSeconds(b, n);
    }
  }

  /** The most tokens a bucket holds: one period's worth. */
  public long capacity() {
    return (long) capacity;
  }

  /**
   * Takes one token of {@code key}'s bucket only if the bucket is full: {@code key} has spent none
   * of its budget lately.
   */
  public boolean tryTakeIfFull(String key) {
    long now = nanoTime.getAsLong();
    Bucket b = bucket(key, now);
    synchronized (b) {
      refill(b, now);
      if (b.tokens >= capacity) {
        b.tokens -= 1;
        return true;
      }
      return false;
    }
  }

  /** Whether {@code key}'s bucket is full: it has spent none of its budget lately. */
  public boolean isFull(String key) {
    Bucket b = buckets.get(key);
    if (b == null) {
      return true;
    }
    long now = nanoTime.getAsLong();
    synchronized (b) {
      refill(b, now);
      return b.tokens >= capacity;
    }
  }

  /** Puts back one token taken from {@code key}'s bucket (never above its capacity). */
  public void giveBack(String key) {
    giveBack(key, 1);
  }

  /** Puts back {@code n} tokens taken from {@code key}'s bucket (never above its capacity). */
  public void giveBack(String key, long n) {
    Bucket b = buckets.get(key);
    if (b != null) {
      synchronized (b) {
        b.tokens = Math.min(capacity, b.tokens + n);
      }
    }
  }

  /** Empties {@code key}'s bucket: it refills from nothing at the usual rate. */
  public void drain(String key) {
    long now = nanoTime.getAsLong();
    Bucket b = bucket(key, now);
    synchronized (b) {
      refill(b, now);
      b.tokens = Math.min(b.tokens, 0);
    }
  }

  /** Seconds until {@code key} has a token (0 if it has one now), without taking it. */
  public long waitFor(String key) {
    Bucket b = buckets.get(key);
    if (b == null) {
      return 0;
    }
    long now = nanoTime.getAsLong();
    synchronized (b) {
      refill(b, now);
      return b.tokens >= 1 ? 0 : waitSeconds(b, 1);
    }
  }

  private Bucket bucket(String key, long now) {
    Bucket b = buckets.get(key);
    if (b != null) {
      return b;
    }
    if (buckets.size() >= maxKeys) {
      buckets
          .entrySet()
          .removeIf(
              e -> {
                synchronized (e.getValue()) {
                  refill(e.getValue(), now);
                  return e.getValue().tokens >= capacity;
                }
              });
    }
    return buckets.computeIfAbsent(key, k -> new Bucket(capacity, now));
  }

  private void refill(Bucket b, long now) {
    long elapsed = now - b.at;
    if (elapsed > 0) {
      b.tokens = Math.min(capacity, b.tokens + elapsed * perNano);
      b.at = now;
    }
  }

  private long waitSeconds(Bucket b, long n) {
    double nanos = (n - b.tokens) / perNano;
    return Math.max(1, (long) Math.ceil(nanos / 1e9));
  }
}
