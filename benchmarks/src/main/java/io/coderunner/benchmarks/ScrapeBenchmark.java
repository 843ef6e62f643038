package io.coderunner.benchmarks;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.delivery.DeliveryListener;
import io.coderunner.core.delivery.DeliveryStats;
import io.coderunner.core.delivery.ResumeOutcome;
import io.coderunner.core.deploy.InMemoryDeploymentStore;
import io.coderunner.core.log.InMemoryLogStore;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.metrics.DeliveryMetrics;
import io.coderunner.metrics.DeploymentMetrics;
import io.coderunner.metrics.HttpServerMetrics;
import io.coderunner.metrics.LogStoreMetrics;
import io.coderunner.metrics.SystemMetrics;
import io.coderunner.metrics.health.ExecutorLivenessIndicator;
import io.coderunner.metrics.health.HealthConfig;
import io.coderunner.metrics.health.HealthMetrics;
import io.coderunner.metrics.health.HealthRegistry;
import io.coderunner.metrics.health.LogBufferIndicator;
import io.coderunner.metrics.health.ProcessRunnerIndicator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Prometheus scrape of a registry bound as the reference server binds it, over a store of
 * {@code deployments} deployments and their logs: the system binders, the log store, the
 * deployments by status, the delivery totals and latency histogram, 40 HTTP series, and the health
 * gauges of the server's three checks (the I/O-thread liveness check here runs a no-op on a
 * single-thread executor). {@code jvmOnly} is the baseline: a registry with Micrometer's JVM and
 * process binders alone.
 *
 * <p>{@code cache = 0s} reads the store's stats, counts the deployments and runs the health checks
 * on every scrape, as every real scrape does (Prometheus scrapes every 15 s or so, the binders and
 * the health registry cache for 1 s); {@code cache = 1s} shows the serialization alone. Each scrape
 * is checked to hold the deployment gauge, so a broken build can't look fast.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar Scrape -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScrapeBenchmark {
  private static final List<String> ROUTES =
      List.of(
          "/api/auth/login",
          "/api/auth/profile",
          "/api/deployments",
          "/api/deployments/{id}",
          "/api/deployments/{id}/start",
          "/api/deployments/{id}/stop",
          "/api/deployments/{id}/logs",
          "/api/deployments/{id}/logs/stream",
          "/health",
          "/metrics");

  @Param({"1000"})
  public int deployments;

  @Param({"0s", "1s"})
  public String cache;

  private InMemoryLogStore logs;
  private SystemMetrics system;
  private SystemMetrics baselineSystem;
  private PrometheusMeterRegistry registry;
  private PrometheusMeterRegistry jvmOnly;
  private HealthRegistry health;
  private ExecutorService ioThread;

  @Setup(Level.Trial)
  public void setUp() {
    Duration cacheFor = Duration.parse("PT" + cache.toUpperCase(java.util.Locale.ROOT));
    logs = InMemoryLogStore.create(RetentionConfig.defaults(), Clock.systemUTC());
    InMemoryDeploymentStore store = new InMemoryDeploymentStore();
    DeploymentStatus[] statuses = DeploymentStatus.values();
    Instant now = Instant.now();
    for (int i = 0; i < deployments; i++) {
      DeploymentId id = DeploymentId.of(String.format("d-%05d", i));
      store.insert(
          new Deployment(
              id,
              "app " + i,
              "owner-" + (i % 50),
              List.of("app"),
              Map.of(),
              null,
              statuses[i % statuses.length],
              now,
              now));
      logs.create(id);
      List<LogEntry> lines = new ArrayList<>();
      for (int n = 0; n < 100; n++) {
        lines.add(LogEntry.stdout("build step " + n + " of deployment " + i));
      }
      logs.append(id, lines);
    }

    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(SystemMetrics.prometheusNaming());
    system = SystemMetrics.create();
    system.bindTo(registry);
    LogStoreMetrics.of(logs, cacheFor, System::nanoTime).bindTo(registry);
    DeploymentMetrics.of(store, cacheFor, System::nanoTime).bindTo(registry);
    DeliveryStats delivery =
        new DeliveryStats(
            1000,
            1000,
            1000,
            5000,
            10_000_000,
            2_000_000_000,
            9_000_000,
            200_000,
            8_800_000,
            Map.of(1001, 10L, 4008, 2L),
            Map.of("expired", 3L));
    DeliveryMetrics.of(() -> delivery, cacheFor, System::nanoTime).bindTo(registry);
    DeliveryListener listener = DeliveryMetrics.listener(registry);
    for (int i = 0; i < 10_000; i++) {
      listener.linesDelivered(1, 50_000L + i * 100L);
    }
    listener.resumed(ResumeOutcome.CONTINUED);
    HttpServerMetrics http = HttpServerMetrics.create(registry);
    for (String route : ROUTES) {
      for (String method : List.of("GET", "POST")) {
        for (int status : new int[] {200, 404}) {
          http.record(method, route, status, Duration.ofNanos(300_000));
        }
      }
    }

    health =
        HealthRegistry.create(HealthConfig.builder().cache(cacheFor).build(), Clock.systemUTC());
    ioThread = Executors.newSingleThreadExecutor();
    health.registerLiveness(
        ExecutorLivenessIndicator.of("ioThread", ioThread, Duration.ofMillis(1500)));
    health.register(LogBufferIndicator.of(logs, RetentionConfig.defaults().globalMaxBytes()));
    health.register(ProcessRunnerIndicator.of("local", Map::of));
    HealthMetrics.of(health).bindTo(registry);

    jvmOnly = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    jvmOnly.config().meterFilter(SystemMetrics.prometheusNaming());
    baselineSystem = SystemMetrics.create();
    baselineSystem.bindTo(jvmOnly);

    String text = registry.scrape();
    if (!text.contains("coderunner_deployments{status=\"RUNNING\"} " + count(statuses))) {
      throw new IllegalStateException("the scrape does not count the deployments:\n" + text);
    }
  }

  private double count(DeploymentStatus[] statuses) {
    int running = 0;
    for (int i = 0; i < deployments; i++) {
      if (statuses[i % statuses.length] == DeploymentStatus.RUNNING) {
        running++;
      }
    }
    return running;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    system.close();
    baselineSystem.close();
    registry.close();
    jvmOnly.close();
    health.close();
    ioThread.shutdownNow();
    logs.close();
  }

  @Benchmark
  public String scrape() {
    return registry.scrape();
  }

  @Benchmark
  public String jvmOnly() {
    return jvmOnly.scrape();
  }
}
