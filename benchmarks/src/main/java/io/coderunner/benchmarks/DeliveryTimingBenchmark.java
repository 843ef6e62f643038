package io.coderunner.benchmarks;

import io.coderunner.core.delivery.DeliveryListener;
import io.coderunner.metrics.CodeRunnerMetricNames;
import io.coderunner.metrics.DeliveryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * What timing live frames costs the broadcaster's I/O thread when metrics are on: a read of the
 * clock, and {@code DeliveryMetrics.listener}'s record into the Prometheus latency histogram.
 * {@code clockRead} alone; {@code timeFrame}, one timed frame, from one thread and from two at once
 * (the reference server's two I/O threads share the histogram); and {@code perFrame}, the cost per
 * live frame with the listener's default timing interval, which times one frame in 16 as a
 * connection does (count, and time every 16th). Without a listener the broadcaster does none of
 * this, so these are the whole per-frame cost of the latency metric. The tear-down checks that
 * every record reached the histogram.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar DeliveryTiming -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class DeliveryTimingBenchmark {
  private final Clock clock = Clock.systemUTC();
  private PrometheusMeterRegistry registry;
  private DeliveryListener listener;
  private long appendedMicros;

  @Setup(Level.Trial)
  public void setUp() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    listener = DeliveryMetrics.listener(registry);
    appendedMicros = micros(clock.instant()) - 300;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    long count = registry.get(CodeRunnerMetricNames.WS_DELIVERY_LATENCY).timer().count();
    String text = registry.scrape();
    registry.close();
    if (!text.contains("coderunner_ws_delivery_latency_seconds_count " + count) || count < 0) {
      throw new IllegalStateException("the histogram lost records:\n" + text);
    }
  }

  private static long micros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  /** One connection's count of untimed frames. */
  @State(Scope.Thread)
  public static class Connection {
    int untimedFrames;
  }

  @Benchmark
  public void perFrame(Connection connection) {
    if (++connection.untimedFrames >= listener.timingInterval()) {
      connection.untimedFrames = 0;
      timeFrame();
    }
  }

  @Benchmark
  @Threads(2)
  public void perFrameTwoThreads(Connection connection) {
    perFrame(connection);
  }

  /**
   * Other work between two timed frames of a thread, in {@link Blackhole#consumeCPU} tokens (about
   * 5 µs here): the I/O threads share the histogram's cache lines, and this is how often they meet
   * there. The server at full load spends about 12 µs per frame, so with one frame in 16 timed a
   * thread records about every 200 µs; 5 µs makes the contention forty times worse than that.
   */
  @Param({"2000"})
  public long workTokens;

  @Benchmark
  @Threads(2)
  public void workOnlyTwoThreads() {
    Blackhole.consumeCPU(workTokens);
  }

  @Benchmark
  @Threads(2)
  public void workThenTimeFrameTwoThreads() {
    Blackhole.consumeCPU(workTokens);
    timeFrame();
  }

  @Benchmark
  public long clockRead() {
    return micros(clock.instant());
  }

  @Benchmark
  public void timeFrame() {
    long nanos = (micros(clock.instant()) - appendedMicros) * 1_000;
    listener.linesDelivered(1, Math.max(0, nanos));
  }

  @Benchmark
  @Threads(2)
  public void timeFrameTwoThreads() {
    long nanos = (micros(clock.instant()) - appendedMicros) * 1_000;
    listener.linesDelivered(1, Math.max(0, nanos));
  }
}
