package io.coderunner.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.delivery.DeliveryListener;
import io.coderunner.core.delivery.DeliveryStats;
import io.coderunner.core.delivery.DeliveryStatsSource;
import io.coderunner.core.delivery.ResumeOutcome;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class DeliveryMetricsTest {
  static final DeliveryStats ZERO =
      new DeliveryStats(0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of(), Map.of());

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final AtomicLong nanos = new AtomicLong();
  final AtomicReference<DeliveryStats> current = new AtomicReference<>(ZERO);
  final AtomicInteger reads = new AtomicInteger();
  final DeliveryStatsSource source =
      () -> {
        reads.incrementAndGet();
        return current.get();
      };

  double counter(String name) {
    return registry.get(name).functionCounter().count();
  }

  double counter(String name, String tag, String value) {
    return registry.get(name).tag(tag, value).functionCounter().count();
  }

  double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  @Test
  void metersFollowTheSource() {
    DeliveryMetrics.of(source, Duration.ZERO, nanos::get).bindTo(registry);
    assertThat(gauge(CodeRunnerMetricNames.WS_CONNECTIONS)).isZero();
    assertThat(counter(CodeRunnerMetricNames.WS_CLOSES, "code", "4008")).isZero();

    current.set(
        new DeliveryStats(
            3,
            2,
            5,
            10,
            100,
            4096,
            70,
            20,
            8,
            Map.of(4008, 4L, 1001, 1L, 4999, 2L, 3000, 1L),
            Map.of("expired", 3L, "bad_signature", 1L, "refresh_expired", 2L, "weird", 5L)));

    assertThat(gauge(CodeRunnerMetricNames.WS_CONNECTIONS)).isEqualTo(3);
    assertThat(gauge(CodeRunnerMetricNames.WS_CONNECTIONS_AUTHENTICATED)).isEqualTo(2);
    assertThat(gauge(CodeRunnerMetricNames.WS_SUBSCRIPTIONS)).isEqualTo(5);
    assertThat(counter(CodeRunnerMetricNames.WS_CONNECTIONS_ACCEPTED)).isEqualTo(10);
    assertThat(counter(CodeRunnerMetricNames.WS_FRAMES_SENT)).isEqualTo(100);
    assertThat(counter(CodeRunnerMetricNames.WS_BYTES_SENT)).isEqualTo(4096);
    assertThat(counter(CodeRunnerMetricNames.WS_LINES_SENT)).isEqualTo(70);
    assertThat(counter(CodeRunnerMetricNames.WS_FRAMES_ENCODED)).isEqualTo(20);
    assertThat(counter(CodeRunnerMetricNames.WS_FRAMES_SHARED)).isEqualTo(8);
    assertThat(counter(CodeRunnerMetricNames.WS_CLOSES, "code", "4008")).isEqualTo(4);
    assertThat(counter(CodeRunnerMetricNames.WS_CLOSES, "code", "1001")).isEqualTo(1);
    assertThat(counter(CodeRunnerMetricNames.WS_CLOSES, "code", "4401")).isZero();
    assertThat(counter(CodeRunnerMetricNames.WS_CLOSES, "code", "other")).isEqualTo(3);
    assertThat(counter(CodeRunnerMetricNames.WS_AUTH_FAILURES, "reason", "expired")).isEqualTo(3);
    assertThat(counter(CodeRunnerMetricNames.WS_AUTH_FAILURES, "reason", "bad_signature"))
        .isEqualTo(1);
    assertThat(counter(CodeRunnerMetricNames.WS_AUTH_FAILURES, "reason", "refresh_expired"))
        .isEqualTo(2);
    assertThat(counter(CodeRunnerMetricNames.WS_AUTH_FAILURES, "reason", "origin")).isZero();
    assertThat(counter(CodeRunnerMetricNames.WS_AUTH_FAILURES, "reason", "other")).isEqualTo(5);
    assertThat(registry.find(CodeRunnerMetricNames.WS_AUTH_FAILURES).tag("reason", "weird").meter())
        .isNull();
    assertThat(registry.get(CodeRunnerMetricNames.WS_BYTES_SENT).functionCounter().getId())
        .extracting(Meter.Id::getBaseUnit)
        .isEqualTo("bytes");
  }

  @Test
  void everyCloseCodeAndReasonExistsAtZeroFromTheStart() {
    DeliveryMetrics.of(source).bindTo(registry);
    for (String code :
        new String[] {
          "1001", "1006", "1008", "1009", "1011", "4008", "4400", "4401", "4403", "4429"
        }) {
      assertThat(counter(CodeRunnerMetricNames.WS_CLOSES, "code", code)).isZero();
    }
    for (String reason :
        new String[] {
          "malformed",
          "too_large",
          "unsupported_algorithm",
          "unknown_key",
          "bad_signature",
          "expired",
          "not_yet_valid",
          "wrong_issuer",
          "wrong_audience",
          "missing_claim",
          "invalid_claim",
          "origin",
          "timeout",
          "refresh_subject",
          "refresh_malformed",
          "refresh_expired",
          "refresh_invalid_claim",
          "other"
        }) {
      assertThat(counter(CodeRunnerMetricNames.WS_AUTH_FAILURES, "reason", reason)).isZero();
    }
    assertThat(registry.find(CodeRunnerMetricNames.WS_CLOSES).functionCounters())
        .hasSize(DeliveryMetrics.CLOSE_CODES.size() + 1);
    assertThat(registry.find(CodeRunnerMetricNames.WS_AUTH_FAILURES).functionCounters())
        .hasSize(DeliveryMetrics.AUTH_FAILURE_REASONS.size() + 1);
    assertThat(registry.getMeters())
        .allSatisfy(m -> assertThat(m.getId().getName()).startsWith(CodeRunnerMetricNames.PREFIX));
  }

  @Test
  void oneScrapeReadsTheStatsOnceWithinTheCache() {
    DeliveryMetrics.of(source, Duration.ofSeconds(1), nanos::get).bindTo(registry);
    assertThat(gauge(CodeRunnerMetricNames.WS_CONNECTIONS)).isZero();
    current.set(new DeliveryStats(1, 0, 0, 1, 0, 0, 0, 0, 0, Map.of(), Map.of()));
    int before = reads.get();
    assertThat(gauge(CodeRunnerMetricNames.WS_CONNECTIONS)).isZero();
    for (Meter m : registry.getMeters()) {
      var unused = m.measure();
    }
    assertThat(reads.get()).isEqualTo(before);
    nanos.addAndGet(Duration.ofSeconds(1).toNanos());
    assertThat(gauge(CodeRunnerMetricNames.WS_CONNECTIONS)).isEqualTo(1);
    assertThat(counter(CodeRunnerMetricNames.WS_CONNECTIONS_ACCEPTED)).isEqualTo(1);
  }

  @Test
  void aCacheOutsideItsRangeIsRejected() {
    assertThatThrownBy(() -> DeliveryMetrics.of(source, Duration.ofMinutes(2), nanos::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cache");
  }

  @Test
  void theListenerTimesLiveFramesIntoTheLatencyHistogramBuckets() {
    DeliveryListener listener = DeliveryMetrics.listener(registry);
    Timer timer = registry.get(CodeRunnerMetricNames.WS_DELIVERY_LATENCY).timer();
    assertThat(timer.count()).isZero();
    assertThat(timer.takeSnapshot().histogramCounts())
        .extracting(CountAtBucket::bucket)
        .containsExactlyElementsOf(
            DeliveryMetrics.LATENCY_BUCKETS.stream().map(d -> (double) d.toNanos()).toList());

    listener.linesDelivered(1, 80_000); // 80 µs
    listener.linesDelivered(3, 300_000); // 300 µs
    listener.linesDelivered(2, 40_000_000); // 40 ms
    listener.linesDelivered(1, 60_000_000_000L); // a minute: beyond the last bucket

    assertThat(timer.count()).isEqualTo(4);
    assertThat(timer.max(TimeUnit.SECONDS)).isEqualTo(60);
    assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isEqualTo(60_040_380_000.0);
    Map<Double, Double> cumulative = new LinkedHashMap<>();
    for (CountAtBucket b : timer.takeSnapshot().histogramCounts()) {
      cumulative.put(b.bucket(TimeUnit.MILLISECONDS), b.count());
    }
    assertThat(cumulative)
        .containsEntry(0.1, 1.0)
        .containsEntry(0.25, 1.0)
        .containsEntry(0.5, 2.0)
        .containsEntry(25.0, 2.0)
        .containsEntry(50.0, 3.0)
        .containsEntry(10_000.0, 3.0);
  }

  @Test
  void theListenerTimesOneFrameInItsIntervalAndRefusesABadOne() {
    assertThat(DeliveryMetrics.listener(registry).timingInterval())
        .isEqualTo(DeliveryMetrics.DEFAULT_TIMING_INTERVAL);
    assertThat(DeliveryMetrics.listener(new SimpleMeterRegistry(), 1).timingInterval()).isOne();
    assertThatThrownBy(() -> DeliveryMetrics.listener(new SimpleMeterRegistry(), 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timingInterval must be between 1 and 1000, was 0");
    assertThatThrownBy(() -> DeliveryMetrics.listener(new SimpleMeterRegistry(), 1001))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theListenerCountsResumesByOutcomeFromZero() {
    DeliveryListener listener = DeliveryMetrics.listener(registry);
    for (String outcome : List.of("continued", "gap", "reset")) {
      assertThat(
              registry
                  .get(CodeRunnerMetricNames.WS_RESUMES)
                  .tag("outcome", outcome)
                  .counter()
                  .count())
          .isZero();
    }
    listener.resumed(ResumeOutcome.CONTINUED);
    listener.resumed(ResumeOutcome.CONTINUED);
    listener.resumed(ResumeOutcome.RESET);

    assertThat(
            registry
                .get(CodeRunnerMetricNames.WS_RESUMES)
                .tag("outcome", "continued")
                .counter()
                .count())
        .isEqualTo(2);
    assertThat(
            registry.get(CodeRunnerMetricNames.WS_RESUMES).tag("outcome", "gap").counter().count())
        .isZero();
    assertThat(
            registry
                .get(CodeRunnerMetricNames.WS_RESUMES)
                .tag("outcome", "reset")
                .counter()
                .count())
        .isEqualTo(1);
  }
}
