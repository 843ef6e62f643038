package io.coderunner.metrics;

import io.coderunner.core.auth.AuthenticationException;
import io.coderunner.core.delivery.DeliveryListener;
import io.coderunner.core.delivery.DeliveryStats;
import io.coderunner.core.delivery.DeliveryStatsSource;
import io.coderunner.core.delivery.ResumeOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * Meters of a live log delivery (the WebSocket broadcaster): connections, subscriptions, frames,
 * bytes and lines sent, closes by code and authentication failures by reason, all read from {@link
 * DeliveryStatsSource#deliveryStats()}; and, through {@link #listener(MeterRegistry)}, the delivery
 * latency of live lines and resumes by outcome, recorded as they happen. It knows the delivery only
 * through core's SPI, so this module does not depend on the WebSocket module.
 *
 * <p>Tags are bounded: {@code code} is one of {@link #CLOSE_CODES} or {@code other}, {@code reason}
 * one of {@link #AUTH_FAILURE_REASONS} or {@code other}; every series is registered at bind time,
 * at 0 until something is counted.
 *
 * <p><b>Create</b> one per source with {@link #of(DeliveryStatsSource)} and {@link #bindTo bind} it
 * to a registry; binding it to several registries is fine. The meters hold the source weakly, as
 * Micrometer's do. The source's stats are read at most once per {@link #DEFAULT_CACHE} however many
 * meters a scrape reads. <b>Thread-safe</b>. There is nothing to <b>close</b>.
 */
public final class DeliveryMetrics implements MeterBinder {
  /** How long one read of the source's stats serves the meters. */
  public static final Duration DEFAULT_CACHE = Duration.ofSeconds(1);

  /** The close codes the broadcaster uses, each a {@code code} tag value. */
  public static final List<Integer> CLOSE_CODES =
      List.of(1001, 1006, 1008, 1009, 1011, 4008, 4400, 4401, 4403, 4429);

  /**
   * The authentication failure reasons counted, each a {@code reason} tag value: every {@link
   * AuthenticationException.Reason} lower-cased, {@code malformed}, {@code origin}, {@code
   * timeout}, {@code expired}, {@code refresh_subject}, and {@code refresh_} followed by every
   * lower-cased reason.
   */
  public static final List<String> AUTH_FAILURE_REASONS = authFailureReasons();

  /**
   * The bucket boundaries of the {@link CodeRunnerMetricNames#WS_DELIVERY_LATENCY} histogram, from
   * 100 µs (the scale of a delivery on an idle server) to 10 s (a client far behind).
   */
  public static final List<Duration> LATENCY_BUCKETS =
      List.of(
          Duration.ofNanos(100_000),
          Duration.ofNanos(250_000),
          Duration.ofNanos(500_000),
          Duration.ofMillis(1),
          Duration.ofNanos(2_500_000),
          Duration.ofMillis(5),
          Duration.ofMillis(10),
          Duration.ofMillis(25),
          Duration.ofMillis(50),
          Duration.ofMillis(100),
          Duration.ofMillis(250),
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          Duration.ofMillis(2_500),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10));

  /**
   * The {@link DeliveryListener#timingInterval()} of {@link #listener(MeterRegistry)}: one live
   * frame in 16 of each connection is timed. A timed frame costs a clock read and a histogram
   * record that the I/O threads contend for, up to about 0.6 µs; one in 16 keeps the metric under
   * half a percent of the server's CPU at full load, and still gives 6,000 samples a second at
   * 100,000 frames a second (see {@code docs/benchmarks.md}).
   */
  public static final int DEFAULT_TIMING_INTERVAL = 16;

  private final DeliveryStatsSource source;
  private final Snapshot<DeliveryStats> stats;

  private DeliveryMetrics(DeliveryStatsSource source, Duration cache, LongSupplier nanoTime) {
    this.source = source;
    this.stats = new Snapshot<>(source::deliveryStats, cache, nanoTime);
  }

  /**
   * Meters of {@code source}, caching its stats for {@link #DEFAULT_CACHE}.
   *
   * @param source the delivery whose stats the meters read, such as the WebSocket broadcaster
   * @return a binder, not yet bound to any registry
   */
  public static DeliveryMetrics of(DeliveryStatsSource source) {
    return of(source, DEFAULT_CACHE, System::nanoTime);
  }

  /**
   * Meters of {@code source}, caching its stats for {@code cache} as measured by {@code nanoTime}.
   *
   * @param source the delivery whose stats the meters read, such as the WebSocket broadcaster
   * @param cache zero to read the source on every meter read, up to one minute
   * @param nanoTime a monotonic clock in nanoseconds, such as {@code System::nanoTime}; only the
   *     differences between its readings matter
   * @return a binder, not yet bound to any registry
   * @throws IllegalArgumentException if {@code cache} is negative or longer than one minute
   */
  public static DeliveryMetrics of(
      DeliveryStatsSource source, Duration cache, LongSupplier nanoTime) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(nanoTime, "nanoTime");
    return new DeliveryMetrics(source, LogStoreMetrics.checkCache(cache), nanoTime);
  }

  /**
   * {@link #listener(MeterRegistry, int)} timing one live frame in {@link #DEFAULT_TIMING_INTERVAL}
   * of each connection.
   *
   * @param registry where the latency timer and resume counters are registered, at once
   * @return a listener to give the transport's builder
   */
  public static DeliveryListener listener(MeterRegistry registry) {
    return listener(registry, DEFAULT_TIMING_INTERVAL);
  }

  /**
   * A {@link DeliveryListener} that records into {@code registry}: the latency of one live frame in
   * {@code timingInterval} of each connection in the {@link
   * CodeRunnerMetricNames#WS_DELIVERY_LATENCY} timer (a histogram with {@link #LATENCY_BUCKETS}),
   * and every resume in {@link CodeRunnerMetricNames#WS_RESUMES} by outcome ({@code continued},
   * {@code gap}, {@code reset}, each registered at 0). Give it to the transport's builder, for
   * example {@code LogBroadcaster.Builder.deliveryListener}. A record allocates nothing and runs on
   * the transport's I/O thread.
   *
   * <p>The timer's quantiles and mean describe every live frame (which frames are timed does not
   * depend on their latency); its count is the number of frames timed, about the frames sent over
   * {@code timingInterval}. {@code coderunner.ws.frames.sent} counts every frame.
   *
   * @param registry where the latency timer and resume counters are registered, at once
   * @param timingInterval 1 to time every live frame, up to 1,000
   * @return a listener to give the transport's builder
   * @throws IllegalArgumentException if {@code timingInterval} is out of range
   */
  public static DeliveryListener listener(MeterRegistry registry, int timingInterval) {
    Objects.requireNonNull(registry, "registry");
    if (timingInterval < 1 || timingInterval > 1_000) {
      throw new IllegalArgumentException(
          "timingInterval must be between 1 and 1000, was " + timingInterval);
    }
    Timer latency =
        Timer.builder(CodeRunnerMetricNames.WS_DELIVERY_LATENCY)
            .description(
                "Time from a live line's append to the WebSocket frame holding it being written,"
                    + " over a sample of one frame in "
                    + timingInterval
                    + " per connection")
            .serviceLevelObjectives(LATENCY_BUCKETS.toArray(new Duration[0]))
            .register(registry);
    Map<ResumeOutcome, Counter> resumes = new EnumMap<>(ResumeOutcome.class);
    for (ResumeOutcome outcome : ResumeOutcome.values()) {
      resumes.put(
          outcome,
          Counter.builder(CodeRunnerMetricNames.WS_RESUMES)
              .tag(CodeRunnerMetricNames.TAG_OUTCOME, outcome.name().toLowerCase(Locale.ROOT))
              .description("WebSocket subscriptions that resumed from a position, by outcome")
              .register(registry));
    }
    return new Recorder(latency, resumes, timingInterval);
  }

  /** Records deliveries and resumes into meters registered up front. */
  private static final class Recorder implements DeliveryListener {
    private final Timer latency;
    private final Map<ResumeOutcome, Counter> resumes;
    private final int timingInterval;

    Recorder(Timer latency, Map<ResumeOutcome, Counter> resumes, int timingInterval) {
      this.latency = latency;
      this.resumes = resumes;
      this.timingInterval = timingInterval;
    }

    @Override
    public int timingInterval() {
      return timingInterval;
    }

    @Override
    public void linesDelivered(int lines, long latencyNanos) {
      latency.record(latencyNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void resumed(ResumeOutcome outcome) {
      Counter counter = resumes.get(outcome);
      if (counter != null) {
        counter.increment();
      }
    }
  }

  private static List<String> authFailureReasons() {
    Set<String> reasons = new LinkedHashSet<>();
    for (AuthenticationException.Reason r : AuthenticationException.Reason.values()) {
      reasons.add(r.name().toLowerCase(Locale.ROOT));
    }
    reasons.add("malformed");
    reasons.add("origin");
    reasons.add("timeout");
    reasons.add("expired");
    reasons.add("refresh_subject");
    for (AuthenticationException.Reason r : AuthenticationException.Reason.values()) {
      reasons.add("refresh_" + r.name().toLowerCase(Locale.ROOT));
    }
    return List.copyOf(new ArrayList<>(reasons));
  }

  @Override
  public void bindTo(MeterRegistry registry) {
    gauge(
        registry,
        CodeRunnerMetricNames.WS_CONNECTIONS,
        "Open WebSocket connections",
        DeliveryStats::connections);
    gauge(
        registry,
        CodeRunnerMetricNames.WS_CONNECTIONS_AUTHENTICATED,
        "Open WebSocket connections that authenticated",
        DeliveryStats::authenticated);
    gauge(
        registry,
        CodeRunnerMetricNames.WS_SUBSCRIPTIONS,
        "Live subscriptions over WebSocket",
        DeliveryStats::subscriptions);
    counter(
        registry,
        CodeRunnerMetricNames.WS_CONNECTIONS_ACCEPTED,
        null,
        "WebSocket connections accepted",
        DeliveryStats::connectionsAccepted);
    counter(
        registry,
        CodeRunnerMetricNames.WS_FRAMES_SENT,
        null,
        "WebSocket frames written",
        DeliveryStats::framesSent);
    counter(
        registry,
        CodeRunnerMetricNames.WS_BYTES_SENT,
        "bytes",
        "Bytes written to WebSocket connections",
        DeliveryStats::bytesSent);
    counter(
        registry,
        CodeRunnerMetricNames.WS_LINES_SENT,
        null,
        "Log lines written to WebSocket connections",
        DeliveryStats::linesSent);
    counter(
        registry,
        CodeRunnerMetricNames.WS_FRAMES_ENCODED,
        null,
        "Logs frames encoded (a frame shared by several connections counts once)",
        DeliveryStats::logsFramesEncoded);
    counter(
        registry,
        CodeRunnerMetricNames.WS_FRAMES_SHARED,
        null,
        "Logs frames sent from another connection's encoding",
        DeliveryStats::logsFramesShared);
    for (Integer code : CLOSE_CODES) {
      tagged(
          registry,
          CodeRunnerMetricNames.WS_CLOSES,
          "WebSocket connections closed by the server, by close code",
          CodeRunnerMetricNames.TAG_CODE,
          String.valueOf(code),
          s -> s.closesByCode().getOrDefault(code, 0L));
    }
    tagged(
        registry,
        CodeRunnerMetricNames.WS_CLOSES,
        "WebSocket connections closed by the server, by close code",
        CodeRunnerMetricNames.TAG_CODE,
        CodeRunnerMetricNames.OTHER,
        s -> others(s.closesByCode(), CLOSE_CODES));
    for (String reason : AUTH_FAILURE_REASONS) {
      tagged(
          registry,
          CodeRunnerMetricNames.WS_AUTH_FAILURES,
          "Failed WebSocket authentications, by reason",
          CodeRunnerMetricNames.TAG_REASON,
          reason,
          s -> s.authFailuresByReason().getOrDefault(reason, 0L));
    }
    tagged(
        registry,
        CodeRunnerMetricNames.WS_AUTH_FAILURES,
        "Failed WebSocket authentications, by reason",
        CodeRunnerMetricNames.TAG_REASON,
        CodeRunnerMetricNames.OTHER,
        s -> others(s.authFailuresByReason(), AUTH_FAILURE_REASONS));
  }

  /** The sum of the counts whose key is not in {@code known}. */
  static <K> long others(Map<K, Long> counts, List<K> known) {
    long sum = 0;
    for (Map.Entry<K, Long> e : counts.entrySet()) {
      if (!known.contains(e.getKey())) {
        sum += e.getValue();
      }
    }
    return sum;
  }

  private void counter(
      MeterRegistry registry,
      String name,
      @Nullable String unit,
      String description,
      ToLongFunction<DeliveryStats> field) {
    FunctionCounter.builder(name, source, s -> field.applyAsLong(stats.get()))
        .baseUnit(unit)
        .description(description)
        .register(registry);
  }

  private void tagged(
      MeterRegistry registry,
      String name,
      String description,
      String tag,
      String value,
      ToLongFunction<DeliveryStats> field) {
    FunctionCounter.builder(name, source, s -> field.applyAsLong(stats.get()))
        .tag(tag, value)
        .description(description)
        .register(registry);
  }

  private void gauge(
      MeterRegistry registry,
      String name,
      String description,
      ToLongFunction<DeliveryStats> field) {
    Gauge.builder(name, source, s -> field.applyAsLong(stats.get()))
        .description(description)
        .register(registry);
  }
}
