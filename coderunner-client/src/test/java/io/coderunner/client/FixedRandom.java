package io.coderunner.client;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/** A random source that gives these doubles in turn, over and over. */
final class FixedRandom implements RandomGenerator {
  private final List<Double> values;
  private final AtomicInteger next = new AtomicInteger();

  FixedRandom(Double... values) {
    this.values = List.of(values);
  }

  @Override
  public double nextDouble() {
    return values.get(Math.floorMod(next.getAndIncrement(), values.size()));
  }

  @Override
  public long nextLong() {
    return (long) (nextDouble() * Long.MAX_VALUE);
  }
}
