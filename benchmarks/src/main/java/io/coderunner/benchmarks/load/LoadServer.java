package io.coderunner.benchmarks.load;

import io.coderunner.benchmarks.support.BenchServer;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.StreamKind;
import io.coderunner.core.delivery.DeliveryListener;
import io.coderunner.core.delivery.DeliveryStats;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.metrics.CodeRunnerMetricNames;
import io.coderunner.metrics.DeliveryMetrics;
import io.coderunner.metrics.LogStoreMetrics;
import io.coderunner.metrics.SystemMetrics;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.BlockingHandler;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * The server side of the load tool, run by {@link LoadTool} as a child JVM: a {@link BenchServer}
 * with {@code --deployments D} deployments ({@code d1..dD}), plus a control API on the same port
 * under {@code /_load/}, loopback only:
 *
 * <ul>
 *   <li>{@code GET /_load/heap}: runs {@code System.gc()} until the used heap stops falling, then
 *       answers the used heap, the direct buffers in use and the broadcaster's connection counts;
 *   <li>{@code POST /_load/start?rate=R&seconds=S&warmup=W&batch=B&lineBytes=L}: starts the
 *       appender, which appends {@code R} lines per second in total for {@code S} seconds (the last
 *       {@code S - W} of them the measurement window), {@code B} lines per append, round-robin over
 *       the deployments; each message starts with {@code t=<epoch microseconds of the append>} so
 *       that a client in another process can time delivery with the same (system) clock;
 *   <li>{@code GET /_load/finish}: waits for the appender to end and answers what it appended and
 *       each deployment's last seq;
 *   <li>{@code GET /_load/stats}: the broadcaster's totals, closes by code included;
 *   <li>{@code GET /_load/cpu}: the CPU time this process has used so far, in nanoseconds, and the
 *       frames the broadcaster has sent;
 *   <li>{@code GET /_load/metrics}: with {@code --metrics}, how many scrapes ran and what they
 *       cost, and the delivery latency histogram's count and quantile buckets.
 * </ul>
 *
 * <p>With {@code --metrics} the server is observed as the reference server is: a Prometheus
 * registry with the system, log store and delivery binders, the delivery listener on the
 * broadcaster (latency histogram, resumes), and a scrape of the whole registry every {@code
 * --scrape-interval} seconds (15 by default, Prometheus's default), as a Prometheus would do.
 * Without it, the broadcaster runs with no listener at all, so the two differ by exactly what
 * metrics cost.
 *
 * <p>It prints one line {@code LOADSERVER port=<port> maxFd=<limit> pid=<pid>} once it serves, and
 * exits when its standard input ends, so it never outlives the tool that started it. The HS256
 * secret comes from the environment variable {@code CODERUNNER_LOAD_SECRET} (base64).
 */
public final class LoadServer {
  static final String SECRET_ENV = "CODERUNNER_LOAD_SECRET";
  static final String READY = "LOADSERVER ";

  private final BenchServer server;
  private final List<DeploymentId> ids;
  private final @Nullable PrometheusMeterRegistry registry;
  private final AtomicLong scrapes = new AtomicLong();
  private final AtomicLong scrapeNanos = new AtomicLong();
  private final AtomicLong scrapeMaxNanos = new AtomicLong();
  private final AtomicLong scrapeCpuNanos = new AtomicLong();
  private volatile int scrapeBytes;
  private final Object lock = new Object();
  private @Nullable Thread appender; // guarded by lock
  private @Nullable String appenderResult; // guarded by lock

  private LoadServer(
      BenchServer server, List<DeploymentId> ids, @Nullable PrometheusMeterRegistry registry) {
    this.server = server;
    this.ids = ids;
    this.registry = registry;
  }

  public static void main(String[] args) throws Exception {
    int deployments = 1;
    int maxConnections = 50_000;
    boolean metrics = false;
    int scrapeIntervalSeconds = 15;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--metrics" -> metrics = true;
        case "--scrape-interval" -> scrapeIntervalSeconds = Integer.parseInt(args[++i]);
        case "--deployments" -> deployments = Integer.parseInt(args[++i]);
        case "--max-connections" -> maxConnections = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String secret = System.getenv(SECRET_ENV);
    if (secret == null) {
      throw new IllegalStateException(SECRET_ENV + " is not set");
    }
    List<DeploymentId> ids = new ArrayList<>();
    for (int d = 1; d <= deployments; d++) {
      ids.add(DeploymentId.of("d" + d));
    }
    LoadServer[] self = new LoadServer[1];
    PrometheusMeterRegistry registry = null;
    DeliveryListener listener = DeliveryListener.NONE;
    if (metrics) {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      registry.config().meterFilter(SystemMetrics.prometheusNaming());
      SystemMetrics.create().bindTo(registry);
      listener = DeliveryMetrics.listener(registry);
    }
    BenchServer server =
        BenchServer.start(
            ids,
            BenchServer.config(maxConnections),
            RetentionConfig.defaults(),
            Base64.getDecoder().decode(secret),
            paths ->
                paths.addPrefixPath(
                    "/_load", new BlockingHandler(exchange -> self[0].control(exchange))),
            listener);
    self[0] = new LoadServer(server, ids, registry);
    if (registry != null) {
      LogStoreMetrics.of(server.store()).bindTo(registry);
      DeliveryMetrics.of(server.broadcaster()).bindTo(registry);
      self[0].startScraping(registry, scrapeIntervalSeconds);
    }
    System.out.println(
        READY
            + "port="
            + server.port()
            + " maxFd="
            + LoadTool.maxFileDescriptors()
            + " pid="
            + ProcessHandle.current().pid());
    System.out.flush();
    // Exit when the parent goes away (its end of our stdin closes).
    while (System.in.read() >= 0) {
      // ignore input
    }
    server.close();
    System.exit(0);
  }

  private void control(HttpServerExchange exchange) throws Exception {
    String path = exchange.getRelativePath();
    String answer;
    switch (path) {
      case "/heap" -> answer = heap();
      case "/stats" -> answer = stats();
      case "/start" -> {
        if (!exchange.getRequestMethod().equals(Methods.POST)) {
          exchange.setStatusCode(405);
          answer = "POST only\n";
        } else {
          answer =
              start(
                  Long.parseLong(param(exchange, "rate")),
                  Integer.parseInt(param(exchange, "seconds")),
                  Integer.parseInt(param(exchange, "warmup")),
                  Integer.parseInt(param(exchange, "batch")),
                  Integer.parseInt(param(exchange, "lineBytes")));
        }
      }
      case "/finish" -> answer = finish();
      case "/cpu" ->
          answer =
              "cpuNanos="
                  + processCpuNanos()
                  + "\nframesSent="
                  + server.broadcaster().stats().framesSent()
                  + "\n";
      case "/metrics" -> answer = metrics();
      default -> {
        exchange.setStatusCode(404);
        answer = "unknown: " + path + "\n";
      }
    }
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
    exchange.getResponseSender().send(answer);
  }

  private static String param(HttpServerExchange exchange, String name) {
    Deque<String> values = exchange.getQueryParameters().get(name);
    if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException("missing parameter " + name);
    }
    return values.getFirst();
  }

  /** Scrapes the whole registry every {@code seconds} on a daemon thread, timing each scrape. */
  private void startScraping(PrometheusMeterRegistry registry, int seconds) {
    Thread t =
        new Thread(
            () -> {
              ThreadMXBean threads = ManagementFactory.getThreadMXBean();
              while (true) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(seconds));
                long start = System.nanoTime();
                long cpuStart = threads.getCurrentThreadCpuTime();
                String text = registry.scrape();
                scrapeCpuNanos.addAndGet(threads.getCurrentThreadCpuTime() - cpuStart);
                long took = System.nanoTime() - start;
                scrapeBytes = text.length();
                scrapes.incrementAndGet();
                scrapeNanos.addAndGet(took);
                scrapeMaxNanos.accumulateAndGet(took, Math::max);
              }
            },
            "load-scraper");
    t.setDaemon(true);
    t.start();
  }

  static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  private String metrics() {
    PrometheusMeterRegistry r = registry;
    if (r == null) {
      return "enabled=false\n";
    }
    long n = scrapes.get();
    StringBuilder b = new StringBuilder("enabled=true\n");
    b.append("scrapes=").append(n).append('\n');
    b.append("scrapeMeanMicros=").append(n == 0 ? 0 : scrapeNanos.get() / n / 1_000).append('\n');
    b.append("scrapeMaxMicros=").append(scrapeMaxNanos.get() / 1_000).append('\n');
    b.append("scrapeCpuMeanMicros=")
        .append(n == 0 ? 0 : scrapeCpuNanos.get() / n / 1_000)
        .append('\n');
    b.append("scrapeBytes=").append(scrapeBytes).append('\n');
    Timer latency = r.get(CodeRunnerMetricNames.WS_DELIVERY_LATENCY).timer();
    HistogramSnapshot snapshot = latency.takeSnapshot();
    b.append("latencyCount=").append(snapshot.count()).append('\n');
    b.append("latencyP50Bucket=").append(bucketOf(snapshot, 0.50)).append('\n');
    b.append("latencyP99Bucket=").append(bucketOf(snapshot, 0.99)).append('\n');
    return b.toString();
  }

  /**
   * The upper bound, in milliseconds, of the first histogram bucket whose cumulative count reaches
   * {@code q} of the samples ("+Inf" past the last bucket): what PromQL's histogram_quantile
   * interpolates within.
   */
  static String bucketOf(HistogramSnapshot snapshot, double q) {
    double target = q * snapshot.count();
    for (CountAtBucket c : snapshot.histogramCounts()) {
      if (c.count() >= target) {
        return String.format(Locale.ROOT, "%.2f", c.bucket(TimeUnit.MILLISECONDS));
      }
    }
    return "+Inf";
  }

  /** Forces collections until the used heap stops falling; answers it with connection counts. */
  private String heap() throws InterruptedException {
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 10; i++) {
      System.gc();
      Thread.sleep(100);
      long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (now >= used && i >= 2) {
        used = Math.min(used, now);
        break;
      }
      used = Math.min(used, now);
    }
    long direct = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        direct = pool.getMemoryUsed();
      }
    }
    DeliveryStats s = server.broadcaster().stats();
    return "usedHeapBytes="
        + used
        + "\ndirectBufferBytes="
        + direct
        + "\nconnections="
        + s.connections()
        + "\nauthenticated="
        + s.authenticated()
        + "\nsubscriptions="
        + s.subscriptions()
        + "\n";
  }

  private String stats() {
    DeliveryStats s = server.broadcaster().stats();
    StringBuilder b = new StringBuilder();
    b.append("connections=").append(s.connections()).append('\n');
    b.append("connectionsAccepted=").append(s.connectionsAccepted()).append('\n');
    b.append("framesSent=").append(s.framesSent()).append('\n');
    b.append("bytesSent=").append(s.bytesSent()).append('\n');
    b.append("linesSent=").append(s.linesSent()).append('\n');
    b.append("logsFramesEncoded=").append(s.logsFramesEncoded()).append('\n');
    b.append("logsFramesShared=").append(s.logsFramesShared()).append('\n');
    for (Map.Entry<Integer, Long> e : s.closesByCode().entrySet()) {
      b.append("close.").append(e.getKey()).append('=').append(e.getValue()).append('\n');
    }
    for (Map.Entry<String, Long> e : s.authFailuresByReason().entrySet()) {
      b.append("authFailure.").append(e.getKey()).append('=').append(e.getValue()).append('\n');
    }
    return b.toString();
  }

  private String start(long rate, int seconds, int warmup, int batch, int lineBytes) {
    if (rate < 1 || seconds < 1 || warmup < 0 || warmup >= seconds || batch < 1 || lineBytes < 40) {
      throw new IllegalArgumentException(
          "rate, seconds, batch >= 1, 0 <= warmup < seconds and lineBytes >= 40");
    }
    synchronized (lock) {
      if (appender != null) {
        throw new IllegalStateException("already started");
      }
      long startMicros = LoadTool.epochMicros(Clock.systemUTC());
      Thread t =
          new Thread(
              () -> {
                String result =
                    append(
                        rate,
                        seconds,
                        batch,
                        lineBytes,
                        startMicros + warmup * 1_000_000L,
                        startMicros + seconds * 1_000_000L);
                synchronized (lock) {
                  appenderResult = result;
                }
              },
              "load-appender");
      t.setDaemon(true);
      appender = t;
      t.start();
      return "startMicros=" + startMicros + "\n";
    }
  }

  private String finish() throws InterruptedException {
    Thread t;
    synchronized (lock) {
      t = appender;
    }
    if (t == null) {
      throw new IllegalStateException("not started");
    }
    t.join();
    synchronized (lock) {
      return String.valueOf(appenderResult);
    }
  }

  /** The appender's loop: paced by the schedule, catching up without sleeping when behind. */
  private String append(
      long rate, int seconds, int batch, int lineBytes, long windowFrom, long windowTo) {
    Clock clock = Clock.systemUTC();
    String padding = padding(lineBytes);
    long intervalNanos = TimeUnit.SECONDS.toNanos(1) * batch / rate;
    long totalOps = Math.max(1, rate * seconds / batch);
    long[] lastSeq = new long[ids.size()];
    long[] appended = new long[ids.size()];
    long[] inWindow = new long[ids.size()];
    long startNanos = System.nanoTime();
    long startMicros = LoadTool.epochMicros(clock);
    long maxBehindNanos = 0;
    List<LogEntry> entries = new ArrayList<>(batch);
    for (long op = 0; op < totalOps; op++) {
      long due = startNanos + op * intervalNanos;
      long now = System.nanoTime();
      if (now < due) {
        LockSupport.parkNanos(due - now);
      } else {
        maxBehindNanos = Math.max(maxBehindNanos, now - due);
      }
      int d = (int) (op % ids.size());
      Instant at = clock.instant();
      long micros = at.getEpochSecond() * 1_000_000L + at.getNano() / 1_000;
      entries.clear();
      for (int i = 0; i < batch; i++) {
        String message = "t=" + micros + " d=" + (d + 1) + " n=" + (op * batch + i) + padding;
        entries.add(new LogEntry(at, StreamKind.STDOUT, LogLevel.INFO, message));
      }
      lastSeq[d] =
          batch == 1
              ? server.store().append(ids.get(d), entries.get(0)).seq()
              : server.store().append(ids.get(d), entries).lastSeq();
      appended[d] += batch;
      if (micros >= windowFrom && micros < windowTo) {
        inWindow[d] += batch;
      }
    }
    long endMicros = LoadTool.epochMicros(clock);
    StringBuilder b = new StringBuilder();
    b.append("startMicros=").append(startMicros).append('\n');
    b.append("endMicros=").append(endMicros).append('\n');
    b.append("maxBehindMicros=").append(maxBehindNanos / 1_000).append('\n');
    long total = 0;
    for (int d = 0; d < ids.size(); d++) {
      total += appended[d];
      b.append("last.").append(ids.get(d).value()).append('=').append(lastSeq[d]).append('\n');
      b.append("window.").append(ids.get(d).value()).append('=').append(inWindow[d]).append('\n');
    }
    b.append("appended=").append(total).append('\n');
    return b.toString();
  }

  private static String padding(int lineBytes) {
    // "t=<16 digits> d=<d> n=<n>" takes about 30 bytes; pad the rest with printable text.
    StringBuilder b = new StringBuilder(" ");
    String words = "build step ok: compiling module, linking, pushing layer ";
    while (b.length() < lineBytes - 32) {
      b.append(words, 0, Math.min(words.length(), lineBytes - 32 - b.length()));
    }
    return b.toString();
  }
}
