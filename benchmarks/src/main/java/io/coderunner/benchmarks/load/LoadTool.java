package io.coderunner.benchmarks.load;

import io.coderunner.benchmarks.support.BenchServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * The WebSocket load tool: starts a CodeRunner server ({@link LoadServer}) as a child JVM, opens
 * {@code --connections} WebSocket connections to it over loopback with its own non-blocking client
 * ({@link ClientPool}), subscribes each to one of {@code --deployments} deployments, has the server
 * append {@code --rate} lines per second, and reports connect times, delivered lines per second,
 * end-to-end latency, loss, duplicates, server closes and the server's heap per connection.
 *
 * <p>Run it with {@code benchmarks/load-tool}, which raises the open-file limit first; {@code
 * --help} lists the options. It talks to 127.0.0.0/8 only, ends by itself (a watchdog bounds the
 * whole run), and kills its child on the way out.
 *
 * <p><b>How it measures.</b> Each line's message starts with {@code t=<epoch µs>}, read from the
 * system clock right before the append; a client reads the same clock (same machine) when a read
 * returns the frame, and the difference is the line's end-to-end latency. Only lines stamped inside
 * the measurement window ({@code --warmup} seconds after the first append, for {@code --duration}
 * seconds) count for latency and delivered lines per second; every line counts for loss. A
 * connection expects every seq of its deployment from {@code next} of its {@code subscribed} frame
 * to the deployment's last appended seq; anything missing after the drain is lost. Heap per
 * connection is (used heap with the connections open, subscribed and idle − used heap before any
 * connection) / connections, each measured in the server after forced full collections.
 */
public final class LoadTool {
  private final LoadOptions options;
  private @Nullable Process child;

  private LoadTool(LoadOptions options) {
    this.options = options;
  }

  public static void main(String[] args) {
    LoadOptions options;
    try {
      options = LoadOptions.parse(args);
    } catch (LoadOptions.UsageException e) {
      String message = java.util.Objects.requireNonNullElse(e.getMessage(), "");
      if (!message.isEmpty()) {
        System.err.println("load-tool: " + message);
      }
      System.err.print(LoadOptions.USAGE);
      System.exit(message.isEmpty() ? 0 : 2);
      return;
    }
    int code;
    try {
      code = new LoadTool(options).run();
    } catch (SetupException e) {
      System.err.println("load-tool: " + e.getMessage());
      code = 2;
    } catch (Exception e) {
      System.err.println("load-tool: failed: " + e);
      e.printStackTrace();
      code = 2;
    }
    System.exit(code);
  }

  /** Setup failed: the tool cannot measure. */
  static final class SetupException extends Exception {
    private static final long serialVersionUID = 1L;

    SetupException(String message) {
      super(message);
    }
  }

  /** Microseconds since the epoch, from {@code clock}. */
  static long epochMicros(Clock clock) {
    return epochMicros(clock.instant());
  }

  /** Microseconds since the epoch of {@code t}. */
  static long epochMicros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  /** This process's limit of open files, or -1 if the platform does not say. */
  static long maxFileDescriptors() {
    OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return unix.getMaxFileDescriptorCount();
    }
    return -1;
  }

  private static void log(String message) {
    System.err.println("[load] " + message);
  }

  private int run() throws Exception {
    LoadOptions o = options;
    long connectBudget = 30L + o.connections() / 500;
    long subscribeBudget = 30L + o.connections() / 1000;
    long totalBudget =
        60
            + 2 * connectBudget
            + subscribeBudget
            + 2L * (o.warmupSeconds() + o.durationSeconds())
            + o.drainSeconds()
            + 60;
    startWatchdog(totalBudget);
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopChild, "load-stop-server"));

    long fdNeeded = o.connections() + 128L;
    long fdLimit = maxFileDescriptors();
    if (fdLimit >= 0 && fdLimit < fdNeeded) {
      throw new SetupException(
          "this process may open "
              + fdLimit
              + " files, "
              + o.connections()
              + " connections need about "
              + fdNeeded
              + ": raise the limit (benchmarks/load-tool does, up to the hard limit `ulimit -Hn`;"
              + " a higher hard limit needs root, e.g. `prlimit` or docker --ulimit nofile=...)");
    }
    List<InetAddress> sources = new ArrayList<>();
    for (int i = 1; i <= o.sourceAddresses(); i++) {
      sources.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) i}));
    }

    byte[] secret = BenchServer.randomSecret();
    log(
        "starting the server: "
            + o.deployments()
            + " deployment(s), heap "
            + o.serverHeap()
            + ", pid of the tool "
            + ProcessHandle.current().pid());
    int port = startChild(secret, fdNeeded);
    Control control = new Control(port);

    Map<String, String> heap0 = control.get("/heap", 120);
    long heapBefore = Long.parseLong(heap0.get("usedHeapBytes"));
    log("server heap before connections: " + mib(heapBefore));

    List<String> deploymentOf = new ArrayList<>();
    for (int i = 0; i < o.connections(); i++) {
      deploymentOf.add("d" + (i % o.deployments() + 1));
    }
    InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    ClientPool pool =
        new ClientPool(
            address,
            BenchServer.token(secret),
            o.clientThreads(),
            deploymentOf,
            sources,
            o.connectConcurrency());

    log("connecting " + o.connections() + " (at most " + o.connectConcurrency() + " at once)");
    long connectStart = System.nanoTime();
    boolean connectsDone = await(pool.connectAll(), connectBudget);
    long connectNanos = System.nanoTime() - connectStart;
    int welcomed = pool.count(ClientPool.ConnState.WELCOMED);
    log(
        welcomed
            + " welcomed in "
            + String.format(Locale.ROOT, "%.2f s", connectNanos / 1e9)
            + (connectsDone ? "" : " (connect phase timed out)"));

    boolean subscribesDone = await(pool.subscribeAll(), subscribeBudget);
    int subscribed = pool.count(ClientPool.ConnState.SUBSCRIBED);
    log(subscribed + " subscribed" + (subscribesDone ? "" : " (subscribe phase timed out)"));

    Map<String, String> heapC = control.get("/heap", 120);
    long heapWith = Long.parseLong(heapC.get("usedHeapBytes"));
    log(
        "server heap with "
            + heapC.get("connections")
            + " connections ("
            + heapC.get("subscriptions")
            + " subscriptions): "
            + mib(heapWith));

    int seconds = o.warmupSeconds() + o.durationSeconds();
    Map<String, String> started =
        control.post(
            "/start?rate="
                + o.rate()
                + "&seconds="
                + seconds
                + "&warmup="
                + o.warmupSeconds()
                + "&batch="
                + o.batchLines()
                + "&lineBytes="
                + o.lineBytes());
    long startMicros = Long.parseLong(started.get("startMicros"));
    long fromMicros = startMicros + o.warmupSeconds() * 1_000_000L;
    long toMicros = fromMicros + o.durationSeconds() * 1_000_000L;
    pool.measureWindow(fromMicros, toMicros);
    log(
        "appending "
            + o.rate()
            + " lines/s for "
            + o.warmupSeconds()
            + " s warm-up + "
            + o.durationSeconds()
            + " s measured");
    long lastLines = pool.linesReceived();
    long[] cpuFrom = o.warmupSeconds() == 0 ? serverCpu(control) : null;
    long cpuFromNanos = System.nanoTime();
    long[] cpuTo = null;
    long cpuToNanos = 0;
    for (int s = 1; s <= seconds; s++) {
      Thread.sleep(1_000);
      if (s == o.warmupSeconds()) {
        cpuFrom = serverCpu(control);
        cpuFromNanos = System.nanoTime();
      }
      if (s == seconds) {
        cpuTo = serverCpu(control);
        cpuToNanos = System.nanoTime();
      }
      long lines = pool.linesReceived();
      log(
          String.format(
              Locale.ROOT,
              "%3d s %s: %,d lines/s received",
              s,
              s <= o.warmupSeconds() ? "warm-up " : "measured",
              lines - lastLines));
      lastLines = lines;
    }
    Map<String, String> finished = control.get("/finish", 60L + seconds);
    Map<String, Long> lastSeq = new TreeMap<>();
    for (Map.Entry<String, String> e : finished.entrySet()) {
      if (e.getKey().startsWith("last.")) {
        lastSeq.put(e.getKey().substring(5), Long.parseLong(e.getValue()));
      }
    }
    long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(o.drainSeconds());
    int caughtUp = pool.caughtUp(lastSeq);
    while (caughtUp < subscribed && System.nanoTime() < drainDeadline) {
      Thread.sleep(50);
      caughtUp = pool.caughtUp(lastSeq);
    }
    log(caughtUp + " of " + subscribed + " subscribed connections caught up");
    Map<String, String> serverStats = control.get("/stats", 30);
    Map<String, String> serverMetrics = control.get("/metrics", 30);
    double serverCpuPercent = -1;
    double cpuNanosPerFrame = -1;
    if (cpuFrom != null && cpuTo != null && cpuFrom[0] >= 0) {
      serverCpuPercent = 100.0 * (cpuTo[0] - cpuFrom[0]) / (cpuToNanos - cpuFromNanos);
      long frames = cpuTo[1] - cpuFrom[1];
      cpuNanosPerFrame = frames <= 0 ? -1 : (cpuTo[0] - cpuFrom[0]) / (double) frames;
    }
    pool.closeAll(2_000);
    stopChild();

    return report(
        pool,
        new Phases(
            welcomed,
            subscribed,
            connectNanos,
            heapBefore,
            heapWith,
            Long.parseLong(heap0.getOrDefault("directBufferBytes", "0")),
            Long.parseLong(heapC.getOrDefault("directBufferBytes", "0")),
            finished,
            lastSeq,
            serverStats,
            caughtUp,
            serverCpuPercent,
            cpuNanosPerFrame,
            serverMetrics));
  }

  /** The server's CPU time so far, in nanoseconds, and the frames it has sent. */
  private static long[] serverCpu(Control control) throws IOException, InterruptedException {
    Map<String, String> cpu = control.get("/cpu", 30);
    return new long[] {
      Long.parseLong(cpu.getOrDefault("cpuNanos", "-1")),
      Long.parseLong(cpu.getOrDefault("framesSent", "0"))
    };
  }

  private record Phases(
      int welcomed,
      int subscribed,
      long connectNanos,
      long heapBefore,
      long heapWith,
      long directBefore,
      long directWith,
      Map<String, String> appended,
      Map<String, Long> lastSeq,
      Map<String, String> serverStats,
      int caughtUp,
      double serverCpuPercent,
      double cpuNanosPerFrame,
      Map<String, String> serverMetrics) {}

  private static boolean await(CompletableFuture<Void> f, long seconds)
      throws InterruptedException, ExecutionException {
    try {
      f.get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (TimeoutException e) {
      return false;
    }
  }

  // ------------------------------------------------------------------ report

  private int report(ClientPool pool, Phases p) {
    LoadOptions o = options;
    Histogram connect = new Histogram();
    long firstStart = Long.MAX_VALUE;
    long lastWelcome = Long.MIN_VALUE;
    long lost = 0;
    long missingInStream = 0;
    long duplicates = 0;
    long gapLines = 0;
    long unexpected = 0;
    long errors = 0;
    long expectedTotal = 0;
    long expectedInWindow = 0;
    long receivedTotal = 0;
    Map<Integer, Integer> closedByServer = new TreeMap<>();
    for (ClientPool.Conn c : pool.connections()) {
      if (c.connectMicros >= 0) {
        connect.record(c.connectMicros);
        firstStart = Math.min(firstStart, c.connectStartNanos);
        lastWelcome = Math.max(lastWelcome, c.welcomeNanos);
      }
      if (c.subscribedNext >= 0) {
        long last = p.lastSeq().getOrDefault(c.deployment, 0L);
        long expected = Math.max(0, last - c.subscribedNext + 1);
        expectedTotal += expected;
        receivedTotal += c.received;
        lost += Math.max(0, expected - c.received);
        expectedInWindow +=
            Long.parseLong(p.appended().getOrDefault("window." + c.deployment, "0"));
      }
      missingInStream += c.missingInStream;
      duplicates += c.duplicates;
      gapLines += c.gapLines;
      unexpected += c.unexpectedFrames;
      errors += c.errorFrames;
      if (c.serverCloseCode != 0) {
        closedByServer.merge(c.serverCloseCode, 1, Integer::sum);
      }
    }
    Map<String, Integer> failures = pool.failures();
    int failed = o.connections() - p.welcomed();
    Histogram latency = pool.latency();
    long windowLines = pool.windowLines();
    long appended = Long.parseLong(p.appended().getOrDefault("appended", "0"));
    double connectSeconds =
        lastWelcome > firstStart ? (lastWelcome - firstStart) / 1e9 : p.connectNanos() / 1e9;
    double offeredPerSecond = (double) o.rate() * o.connections() / o.deployments();
    long heapDelta = p.heapWith() - p.heapBefore();
    int open = Integer.parseInt(p.serverStats().getOrDefault("connections", "0"));

    StringBuilder b = new StringBuilder();
    b.append("\n== CodeRunner WebSocket load: summary ==\n\n");
    b.append("Command: `").append(o.commandLine()).append("`  \n");
    b.append("Machine: ").append(machine()).append("\n\n");
    b.append("| figure | value |\n|---|---|\n");
    row(
        b,
        "connections",
        String.format(
            Locale.ROOT,
            "%,d requested, %,d welcomed, %,d subscribed, %,d failed",
            o.connections(),
            p.welcomed(),
            p.subscribed(),
            failed));
    row(b, "connects/s", String.format(Locale.ROOT, "%,.0f", p.welcomed() / connectSeconds));
    row(
        b,
        "connect (TCP connect → welcome) p50 / p99 / max",
        ms(connect.quantile(0.50))
            + " / "
            + ms(connect.quantile(0.99))
            + " / "
            + ms(connect.max())
            + " ms (at most "
            + o.connectConcurrency()
            + " in flight)");
    row(
        b,
        "lines appended",
        String.format(
            Locale.ROOT,
            "%,d (%,d lines/s over %d deployment(s), %d line(s) per append, %d s warm-up + %d s;"
                + " appender at most %s ms behind schedule)",
            appended,
            o.rate(),
            o.deployments(),
            o.batchLines(),
            o.warmupSeconds(),
            o.durationSeconds(),
            ms(Long.parseLong(p.appended().getOrDefault("maxBehindMicros", "0")))));
    row(
        b,
        "delivered lines/s (all clients, measured window)",
        String.format(
            Locale.ROOT,
            "%,.0f (%,d of the %,d lines appended in the window to followed deployments, times"
                + " their subscribers; nominal offered load %,.0f)",
            windowLines / (double) o.durationSeconds(),
            windowLines,
            expectedInWindow,
            offeredPerSecond));
    row(
        b,
        "end-to-end latency p50 / p99 / p999 / max",
        ms(latency.quantile(0.50))
            + " / "
            + ms(latency.quantile(0.99))
            + " / "
            + ms(latency.quantile(0.999))
            + " / "
            + ms(latency.max())
            + String.format(Locale.ROOT, " ms (%,d samples)", latency.count()));
    row(
        b,
        "lines lost",
        String.format(
            Locale.ROOT,
            "%,d of %,d expected (%,d skipped in stream, %,d announced by gap frames)",
            lost,
            expectedTotal,
            missingInStream,
            gapLines));
    row(b, "duplicates / out of order", String.format(Locale.ROOT, "%,d", duplicates));
    row(
        b,
        "closed by server",
        closedByServer.isEmpty() ? "none" : describeCodes(closedByServer) + " (code: connections)");
    row(
        b,
        "server heap per connection",
        String.format(
            Locale.ROOT,
            "%s KiB ((%s − %s) / %,d connections, forced GC, server -Xmx%s)",
            kib(p.welcomed() == 0 ? 0 : heapDelta / (double) p.welcomed()),
            mib(p.heapWith()),
            mib(p.heapBefore()),
            p.welcomed(),
            o.serverHeap()));
    row(
        b,
        "server direct buffers (not heap)",
        String.format(
            Locale.ROOT,
            "%s before, %s with the connections",
            mib(p.directBefore()),
            mib(p.directWith())));
    row(
        b,
        "server CPU (measured window)",
        p.serverCpuPercent() < 0
            ? "not available"
            : String.format(
                Locale.ROOT,
                "%.1f %% of one core, %.0f ns per frame sent (%s)",
                p.serverCpuPercent(),
                p.cpuNanosPerFrame(),
                o.metrics() ? "with metrics" : "without metrics"));
    if (o.metrics()) {
      Map<String, String> m = p.serverMetrics();
      row(
          b,
          "server-side delivery latency (coderunner_ws_delivery_latency_seconds)",
          String.format(
              Locale.ROOT,
              "%s frames; p50 ≤ %s ms, p99 ≤ %s ms (histogram buckets)",
              m.getOrDefault("latencyCount", "?"),
              m.getOrDefault("latencyP50Bucket", "?"),
              m.getOrDefault("latencyP99Bucket", "?")));
      row(
          b,
          "scrapes of the registry",
          String.format(
              Locale.ROOT,
              "%s, mean %s µs of CPU (%s µs of wall time), max %s µs, %s bytes each",
              m.getOrDefault("scrapes", "?"),
              m.getOrDefault("scrapeCpuMeanMicros", "?"),
              m.getOrDefault("scrapeMeanMicros", "?"),
              m.getOrDefault("scrapeMaxMicros", "?"),
              m.getOrDefault("scrapeBytes", "?")));
    }
    b.append('\n');
    List<String> problems = new ArrayList<>();
    if (failed > 0) {
      problems.add(failed + " connection(s) failed: " + failures);
    }
    if (p.subscribed() < p.welcomed()) {
      problems.add((p.welcomed() - p.subscribed()) + " welcomed connection(s) not subscribed");
    }
    if (lost > 0) {
      problems.add(
          lost + " line(s) lost; " + (p.subscribed() - p.caughtUp()) + " connection(s) behind");
    }
    if (duplicates > 0) {
      problems.add(duplicates + " duplicate or out-of-order line(s)");
    }
    if (!closedByServer.isEmpty()) {
      problems.add("connections closed by the server: " + describeCodes(closedByServer));
    }
    if (unexpected > 0 || errors > 0) {
      problems.add(unexpected + " unexpected frame(s), " + errors + " error frame(s)");
    }
    if (pool.negativeLatencies() > 0) {
      problems.add(pool.negativeLatencies() + " negative latencies (clock stepped?), counted as 0");
    }
    b.append("Server: ")
        .append(open)
        .append(" connections open at the end, closes by code ")
        .append(serverCloses(p.serverStats()))
        .append(", ")
        .append(p.serverStats().getOrDefault("linesSent", "?"))
        .append(" lines in ")
        .append(p.serverStats().getOrDefault("framesSent", "?"))
        .append(" frames, ")
        .append(p.serverStats().getOrDefault("logsFramesEncoded", "?"))
        .append(" logs frames encoded, ")
        .append(p.serverStats().getOrDefault("logsFramesShared", "?"))
        .append(" shared.  \n");
    b.append("Received ")
        .append(String.format(Locale.ROOT, "%,d", receivedTotal))
        .append(" lines in all.\n\n");
    if (problems.isEmpty()) {
      b.append("RESULT: PASS (every line delivered exactly once, in order)\n");
    } else {
      b.append("RESULT: FAIL\n");
      for (String problem : problems) {
        b.append("  - ").append(problem).append('\n');
      }
    }
    b.append(
        String.format(
            Locale.ROOT,
            "FIGURES metrics=%s serverCpuPercent=%.2f cpuNanosPerFrame=%.1f lost=%d duplicates=%d"
                + " latencyP50Micros=%d latencyP99Micros=%d windowLines=%d%n",
            o.metrics() ? "on" : "off",
            p.serverCpuPercent(),
            p.cpuNanosPerFrame(),
            lost,
            duplicates,
            latency.quantile(0.50),
            latency.quantile(0.99),
            windowLines));
    System.out.print(b);
    System.out.flush();
    boolean bad = lost > 0 || duplicates > 0 || failed > 0 || !closedByServer.isEmpty();
    return bad || !problems.isEmpty() ? 1 : 0;
  }

  private static String serverCloses(Map<String, String> stats) {
    Map<String, String> closes = new LinkedHashMap<>();
    stats.forEach(
        (k, v) -> {
          if (k.startsWith("close.")) {
            closes.put(k.substring(6), v);
          }
        });
    return closes.isEmpty() ? "{}" : closes.toString();
  }

  private static String describeCodes(Map<Integer, Integer> codes) {
    List<String> parts = new ArrayList<>();
    codes.forEach((code, n) -> parts.add(code + ": " + n));
    return String.join(", ", parts);
  }

  private static void row(StringBuilder b, String name, String value) {
    b.append("| ").append(name).append(" | ").append(value).append(" |\n");
  }

  private static String ms(long micros) {
    return String.format(Locale.ROOT, micros < 10_000 ? "%.3f" : "%.1f", micros / 1000.0);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }

  private static String kib(double bytes) {
    return String.format(Locale.ROOT, "%.1f", bytes / 1024.0);
  }

  private static String machine() {
    return Runtime.getRuntime().availableProcessors()
        + " CPUs, "
        + System.getProperty("os.name")
        + " "
        + System.getProperty("os.version")
        + " "
        + System.getProperty("os.arch")
        + ", JDK "
        + System.getProperty("java.runtime.version")
        + ", "
        + LocalDate.now(ZoneOffset.UTC);
  }

  // ------------------------------------------------------------------ the server child

  private int startChild(byte[] secret, long fdNeeded) throws IOException, SetupException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java.toString(),
                "-Xms" + options.serverHeap(),
                "-Xmx" + options.serverHeap(),
                "-XX:+UseG1GC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-Dorg.jboss.logging.provider=slf4j",
                "-cp",
                System.getProperty("java.class.path"),
                LoadServer.class.getName(),
                "--deployments",
                Integer.toString(options.deployments()),
                "--max-connections",
                Integer.toString(options.connections() + 1_000)));
    if (options.metrics()) {
      command.add("--metrics");
      command.add("--scrape-interval");
      command.add(Integer.toString(options.scrapeIntervalSeconds()));
    }
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put(LoadServer.SECRET_ENV, Base64.getEncoder().encodeToString(secret));
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process process = pb.start();
    synchronized (this) {
      child = process;
    }
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  if (!ready.isDone() && line.startsWith(LoadServer.READY)) {
                    ready.complete(line);
                  } else {
                    System.err.println("[server] " + line);
                  }
                }
              } catch (IOException e) {
                // the child is gone
              }
              ready.completeExceptionally(new IOException("server exited before it was ready"));
            },
            "load-server-output");
    reader.setDaemon(true);
    reader.start();
    String line;
    try {
      line = ready.get(60, TimeUnit.SECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new SetupException("the server did not start: " + e.getMessage());
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String part : line.substring(LoadServer.READY.length()).trim().split(" ", -1)) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        fields.put(part.substring(0, eq), part.substring(eq + 1));
      }
    }
    long serverFds = Long.parseLong(fields.getOrDefault("maxFd", "-1"));
    log("server up on 127.0.0.1:" + fields.get("port") + ", pid " + fields.get("pid"));
    if (serverFds >= 0 && serverFds < fdNeeded) {
      throw new SetupException(
          "the server process may open "
              + serverFds
              + " files, "
              + options.connections()
              + " connections need about "
              + fdNeeded
              + ": raise the open-file limit (see benchmarks/load-tool)");
    }
    return Integer.parseInt(String.valueOf(fields.get("port")));
  }

  private void stopChild() {
    Process process;
    synchronized (this) {
      process = child;
      child = null;
    }
    if (process == null) {
      return;
    }
    try {
      OutputStream stdin = process.getOutputStream();
      stdin.close(); // the server exits when its input ends
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      }
    } catch (IOException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private void startWatchdog(long seconds) {
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds));
              } catch (InterruptedException e) {
                return;
              }
              System.err.println("load-tool: timed out after " + seconds + " s; stopping");
              stopChild();
              Runtime.getRuntime().halt(3);
            },
            "load-watchdog");
    t.setDaemon(true);
    t.start();
  }

  // ------------------------------------------------------------------ control API client

  /** The server's {@code /_load/} API over loopback HTTP; answers are {@code key=value} lines. */
  private static final class Control {
    private final HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final String base;

    Control(int port) {
      this.base = "http://127.0.0.1:" + port + "/_load";
    }

    Map<String, String> get(String path, long timeoutSeconds)
        throws IOException, InterruptedException {
      return send(
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(timeoutSeconds))
              .GET()
              .build());
    }

    Map<String, String> post(String path) throws IOException, InterruptedException {
      return send(
          HttpRequest.newBuilder(URI.create(base + path))
              .timeout(Duration.ofSeconds(30))
              .POST(HttpRequest.BodyPublishers.noBody())
              .build());
    }

    private Map<String, String> send(HttpRequest request) throws IOException, InterruptedException {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException(
            request.uri() + " answered " + response.statusCode() + ": " + response.body());
      }
      Map<String, String> fields = new LinkedHashMap<>();
      for (String line : response.body().split("\n", -1)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          fields.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      return fields;
    }
  }
}
