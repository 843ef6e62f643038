package io.coderunner.benchmarks.load;

import io.coderunner.benchmarks.support.LogsFrameScanner;
import io.coderunner.client.CodeRunnerClient;
import io.coderunner.client.ConnectionState;
import io.coderunner.client.FollowListener;
import io.coderunner.client.FollowOptions;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLine;
import io.coderunner.core.deploy.DeploymentSpec;
import io.coderunner.core.log.AppendResult;
import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * What following a deployment's log through the Java SDK ({@code coderunner-client}) costs the
 * client, next to the least a client can do with the JDK's own WebSocket, in one run. It starts the
 * server's jar as a child ({@code --demo}, loopback, every setting at its default, as {@link
 * IngestFlood} does), creates one deployment and runs three phases back to back, each {@code
 * --warmup} seconds unmeasured then {@code --seconds} measured, while this JVM appends {@code
 * --rate} lines a second in {@code --batch}-line requests through {@link CodeRunnerClient#ingest},
 * paced by a {@link Pacer}: <b>raw</b>, {@code --followers} {@link WebSocket}s (bearer token on the
 * upgrade, {@code subscribe} after {@code welcome}, {@code logs} frames searched as text for each
 * {@code "seq":} and {@code "message":"t=}), the floor; <b>sdk</b>, as many {@link
 * CodeRunnerClient#follow follows} ({@link FollowOptions#liveOnly()}) on one client, which decodes
 * every frame into {@link LogLine}s; <b>ingest only</b>, no followers: what appending alone costs.
 * Before them an unmeasured round of raw and sdk ({@code --warmup} seconds each, the same lines in
 * as many requests as 1,500 a second allow) has the JIT of both JVMs compile every path, so that
 * the order of the phases favours neither.
 *
 * <p><b>How it measures.</b> Each message is {@code t=<epoch µs>}, read from the system clock right
 * before its ingest request, padded to 99 bytes; a follower reads the same clock when it holds the
 * frame, and the difference is the line's end-to-end latency. Only lines stamped in the measured
 * window count for latency and lines per second. Every follower is live before its phase's first
 * append, so it must get each seq the phase appended once and in order: a seq it never got is lost,
 * one it got again duplicated. CPU is this JVM's process CPU time over the measured window (all
 * threads: followers, ingest, HTTP client, GC); CPU per line divides it by the lines received
 * (ingest only: appended); client CPU per line first subtracts the ingest-only phase's CPU rate
 * over the same time. Raw and SDK followers share the SDK client's {@link HttpClient}, and close
 * the same way (a close frame, then abort).
 *
 * <p>Exit code: 0 every line delivered once; 1 lines lost or duplicated, or a follower failed or
 * did not catch up; 2 bad options or setup; 3 timed out (a watchdog bounds the run).
 */
public final class SdkFollow {
  private static final Clock CLOCK = Clock.systemUTC();
  // After "t=" and 16 digits of epoch micros, makes a 99-byte message.
  private static final String PADDING = " " + "0123456789abcdef".repeat(5);
  private static final int CONNECT_SECONDS = 60;
  private static final int DRAIN_SECONDS = 10;
  private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

  /** The command line. */
  record Options(
      Path serverJar,
      int followers,
      int rate,
      int seconds,
      int warmupSeconds,
      int batch,
      Map<String, String> serverSettings) {

    static final String USAGE =
        """
        usage: benchmarks/sdk-follow [options]
          --followers N        followers of the one deployment in each phase (1; at most 200,
                               the server's websocket.maxConnectionsPerPrincipal)
          --rate R             lines a second appended, in total (1000)
          --seconds T          measured seconds of each phase (20)
          --warmup W           unmeasured seconds before each phase's measurement (5; for CPU
                               figures about 30, until the tool JIT column reads about 0)
          --batch B            lines per ingest request (10)
          --server-setting K=V a setting of the server (repeatable), such as
                               dataDir=/tmp/cr or storage.fsync=always
          --server-jar PATH    the reference server's jar
                               (coderunner-reference-server/target/coderunner-reference-server.jar)
        Phases, back to back: raw (JDK WebSocket), sdk (CodeRunnerClient.follow), ingest only,
        after an unmeasured round of raw and sdk (--warmup seconds each) that warms the JIT.
        Exit code: 0 every line delivered once; 1 lines lost or duplicated, or a follower failed;
        2 bad options or setup; 3 timed out.
        """;

    static Options parse(String[] args) throws LoadOptions.UsageException {
      Path jar = Path.of("coderunner-reference-server/target/coderunner-reference-server.jar");
      int followers = 1;
      int rate = 1000;
      int seconds = 20;
      int warmup = 5;
      int batch = 10;
      Map<String, String> settings = new java.util.LinkedHashMap<>();
      for (int i = 0; i < args.length; i++) {
        String name = args[i];
        if (name.equals("--help") || name.equals("-h")) {
          throw new LoadOptions.UsageException("");
        }
        if (i + 1 >= args.length) {
          throw new LoadOptions.UsageException(name + " needs a value");
        }
        String v = args[++i];
        switch (name) {
          case "--followers" -> followers = LoadOptions.intIn(name, v, 1, 200);
          case "--rate" -> rate = LoadOptions.intIn(name, v, 1, 50_000);
          case "--seconds" -> seconds = LoadOptions.intIn(name, v, 1, 3600);
          case "--warmup" -> warmup = LoadOptions.intIn(name, v, 0, 3600);
          case "--batch" -> batch = LoadOptions.intIn(name, v, 1, 1000);
          case "--server-jar" -> jar = Path.of(v);
          case "--server-setting" -> {
            int eq = v.indexOf('=');
            if (eq < 1) {
              throw new LoadOptions.UsageException("--server-setting must be KEY=VALUE, was " + v);
            }
            settings.put(v.substring(0, eq), v.substring(eq + 1));
          }
          default -> throw new LoadOptions.UsageException("unknown option " + name);
        }
      }
      if (rate < batch) {
        throw new LoadOptions.UsageException("--rate must be at least --batch");
      }
      if ((rate + batch - 1) / batch > 2000) {
        throw new LoadOptions.UsageException(
            "--rate / --batch must be at most 2000 requests a second (ingest.requestsPerSecond)");
      }
      return new Options(jar, followers, rate, seconds, warmup, batch, Map.copyOf(settings));
    }
  }

  /** Where the phases append: the server child, the SDK client and the deployment. */
  private record Target(ServerJar server, CodeRunnerClient client, DeploymentId id) {}

  /** What a phase appended, its followers, and this JVM's CPU and the server's over its window. */
  private record Phase(
      String name,
      List<Tally> followers,
      boolean drained,
      long firstSeq,
      long lastSeq,
      long appended,
      long cpuNanos,
      long wallNanos,
      long jitMillis,
      double serverCpu) {}

  private final Options options;
  private volatile @Nullable ServerJar server;

  private SdkFollow(Options options) {
    this.options = options;
  }

  public static void main(String[] args) {
    ToolMain.run("sdk-follow", Options.USAGE, args, Options::parse, o -> new SdkFollow(o).run());
  }

  private static void log(String message) {
    System.err.println("[sdk-follow] " + message);
  }

  private int run() throws Exception {
    Options o = options;
    startWatchdog(120 + 5L * (CONNECT_SECONDS + DRAIN_SECONDS + o.warmupSeconds() + o.seconds()));
    String jvm = System.getenv("SDK_FOLLOW_SERVER_OPTS");
    try (ServerJar s =
        ServerJar.start(
            o.serverJar(),
            o.serverSettings(),
            Map.of(),
            List.of((jvm == null ? "-Xms1g -Xmx1g -XX:+UseG1GC" : jvm).split(" ", -1)))) {
      server = s;
      Runtime.getRuntime().addShutdownHook(new Thread(s::close, "sdk-follow-stop-server"));
      log("server " + o.serverJar() + " pid " + s.pid() + " at " + s.base());
      HttpClient http =
          HttpClient.newBuilder()
              .connectTimeout(Duration.ofSeconds(5))
              .followRedirects(HttpClient.Redirect.NEVER)
              .build();
      String token = s.demoToken();
      try (CodeRunnerClient client =
          CodeRunnerClient.builder().baseUri(s.base()).token(token).httpClient(http).build()) {
        DeploymentId id =
            client.create(new DeploymentSpec("sdk-follow", List.of("app"), Map.of(), null)).id();
        Target target = new Target(s, client, id);
        URI endpoint = URI.create("ws://" + s.base().getAuthority() + "/ws");
        String subscribe = "{\"type\":\"subscribe\",\"deploymentId\":\"" + id.value() + "\"}";
        WebSocket.Builder ws =
            http.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + token);
        Function<Tally, AutoCloseable> raw = t -> rawFollow(ws, endpoint, subscribe, t);
        Function<Tally, AutoCloseable> sdk =
            t -> client.follow(id, FollowOptions.liveOnly(), new SdkFollower(t));
        int n = o.followers();
        int b = o.batch();
        // Unmeasured, in requests as small as 1,500 a second allow: many requests have the JIT
        // compile both JVMs' request paths soon, so that the order of the phases favours neither.
        int warm = (o.rate() + 1499) / 1500;
        phase("warm-up raw", n, warm, 0, target, raw);
        phase("warm-up sdk", n, warm, 0, target, sdk);
        Phase rawPhase = phase("raw", n, b, o.seconds(), target, raw);
        Phase sdkPhase = phase("sdk", n, b, o.seconds(), target, sdk);
        return report(
            rawPhase, sdkPhase, phase("ingest only", 0, b, o.seconds(), target, t -> () -> {}));
      }
    }
  }

  /** Opens a raw follower; closing it sends a close frame, then aborts, as the SDK does. */
  private static AutoCloseable rawFollow(WebSocket.Builder b, URI endpoint, String sub, Tally t) {
    CompletableFuture<WebSocket> open =
        b.buildAsync(endpoint, new RawFollower(t, sub))
            .whenComplete(
                (ws, e) -> {
                  if (e != null) {
                    t.state("connect: " + e);
                  }
                });
    return () -> open.thenCompose(SdkFollow::close).exceptionally(e -> null).get();
  }

  private static CompletableFuture<WebSocket> close(WebSocket ws) {
    return ws.sendClose(WebSocket.NORMAL_CLOSURE, "done")
        .orTimeout(2, TimeUnit.SECONDS)
        .whenComplete((w, e) -> ws.abort());
  }

  /** One phase: opens the followers, appends (warm-up, window), waits until they catch up. */
  private Phase phase(
      String name,
      int n,
      int batch,
      int seconds,
      Target target,
      Function<Tally, AutoCloseable> follow)
      throws Exception {
    Options o = options;
    CountDownLatch live = new CountDownLatch(n);
    List<Tally> tallies = new ArrayList<>();
    List<AutoCloseable> opened = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        Tally t = new Tally(name + "-" + i, live);
        tallies.add(t);
        opened.add(follow.apply(t));
      }
      if (!live.await(CONNECT_SECONDS, TimeUnit.SECONDS)) {
        log(name + ": " + live.getCount() + " followers not live after " + CONNECT_SECONDS + " s");
      }
      for (Tally t : tallies) {
        synchronized (t) {
          if (!t.wentLive) {
            throw new IOException(name + ": " + t.name + " is not following: " + t.failure);
          }
        }
      }
      System.gc(); // the previous phase's garbage is not this one's CPU
      log(name + ": " + n + " followers live; appending " + o.rate() + " lines/s");
      long from = LoadTool.epochMicros(CLOCK) + o.warmupSeconds() * 1_000_000L;
      long to = from + seconds * 1_000_000L;
      tallies.forEach(t -> t.window(from, to));
      return ingest(name, tallies, target, batch, from, to);
    } finally {
      tallies.forEach(Tally::closing);
      for (AutoCloseable c : opened) {
        c.close();
      }
    }
  }

  /** Appends until {@code to}, measuring CPU from {@code from}; then waits for the followers. */
  private Phase ingest(
      String name, List<Tally> tallies, Target target, int batch, long from, long to)
      throws InterruptedException {
    Pacer pacer = Pacer.steady(options.rate() / (double) batch);
    long firstSeq = -1;
    long lastSeq = -1;
    long appended = 0;
    long cpu0 = -1;
    long jit0 = 0;
    long wall0 = System.nanoTime();
    ServerJar.Cpu server0 = target.server().cpu();
    while (true) {
      pacer.await();
      long now = LoadTool.epochMicros(CLOCK);
      if (now >= to) {
        break;
      }
      if (cpu0 < 0 && now >= from) {
        pacer = Pacer.steady(options.rate() / (double) batch); // no warm-up backlog in the window
        cpu0 = cpuNanos();
        jit0 = JIT.getTotalCompilationTime();
        wall0 = System.nanoTime();
        server0 = target.server().cpu();
      }
      LogEntry line = LogEntry.stdout("t=" + now + PADDING);
      AppendResult r = target.client().ingest(target.id(), Collections.nCopies(batch, line));
      firstSeq = firstSeq < 0 ? r.firstSeq() : firstSeq;
      lastSeq = r.lastSeq();
      appended += cpu0 < 0 ? 0 : batch;
    }
    long cpu = cpuNanos() - cpu0;
    long jit = JIT.getTotalCompilationTime() - jit0;
    long wall = System.nanoTime() - wall0;
    double serverCpu = server0.percentTo(target.server().cpu());
    CountDownLatch caughtUp = new CountDownLatch(tallies.size());
    for (Tally t : tallies) {
      t.awaitSeq(lastSeq, caughtUp);
    }
    boolean drained = caughtUp.await(DRAIN_SECONDS, TimeUnit.SECONDS);
    return new Phase(
        name, tallies, drained, firstSeq, lastSeq, appended, cpu, wall, jit, serverCpu);
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  // ------------------------------------------------------------------ report

  private int report(Phase raw, Phase sdk, Phase ingestOnly) {
    Options o = options;
    StringBuilder b = new StringBuilder();
    if (!o.serverSettings().isEmpty()) {
      b.append(
          String.format(Locale.ROOT, "%nServer settings: %s", new TreeMap<>(o.serverSettings())));
    }
    b.append(
        String.format(
            Locale.ROOT,
            "%n== sdk-follow: %d follower(s) of one deployment, %,d lines/s in %d-line ingest"
                + " requests, %d s warm-up + %d s measured a phase ==%nMachine: %d CPUs, %s %s,"
                + " JDK %s, %s%n%n",
            o.followers(),
            o.rate(),
            o.batch(),
            o.warmupSeconds(),
            o.seconds(),
            Runtime.getRuntime().availableProcessors(),
            System.getProperty("os.name"),
            System.getProperty("os.arch"),
            System.getProperty("java.runtime.version"),
            LocalDate.now(ZoneOffset.UTC)));
    b.append("| phase | appended/s | received/s | p50 ms | p99 ms | p99.9 ms | max ms | lost | dup")
        .append(" | reconnects | tool CPU | tool JIT | server CPU | CPU/line | client CPU/line |\n")
        .append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    double baseRate = ingestOnly.cpuNanos() / (double) ingestOnly.wallNanos();
    List<String> notes = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    double rawClient = row(b, raw, baseRate, notes, failed);
    double sdkClient = row(b, sdk, baseRate, notes, failed);
    row(b, ingestOnly, baseRate, notes, failed);
    b.append("\nCPU: this JVM's (% of one core; per line received, ingest only: appended);")
        .append(" client CPU/line subtracts ingest only's CPU rate over the same time. Tool JIT:")
        .append(" compiling in the window, counted in tool CPU; near 0 when the JIT is done.\n");
    b.append("Per follower, received/lost/duplicated -> how many followers:\n");
    notes.forEach(m -> b.append("  ").append(m).append('\n'));
    b.append(
        String.format(
            Locale.ROOT,
            "Client CPU per line received: raw %.2f µs, sdk %.2f µs, sdk/raw %.2f%n",
            rawClient,
            sdkClient,
            sdkClient / rawClient));
    failed.forEach(m -> b.append("FAILED: ").append(m).append('\n'));
    b.append(failed.isEmpty() ? "every follower got every line once, in order\n" : "");
    System.out.print(b);
    return failed.isEmpty() ? 0 : 1;
  }

  /** Appends a phase's row; returns its client CPU µs per line received. */
  private double row(
      StringBuilder b, Phase p, double baseRate, List<String> notes, List<String> failed) {
    Histogram latency = new Histogram();
    long lines = p.followers().isEmpty() ? p.appended() : 0;
    long lost = 0;
    long dup = 0;
    int reconnects = 0;
    TreeMap<String, Integer> each = new TreeMap<>(); // "received/lost/duplicated" -> followers
    for (Tally t : p.followers()) {
      synchronized (t) {
        long missing = Math.max(0, p.lastSeq() - p.firstSeq() + 1 - t.received);
        latency.add(t.latency);
        lines += t.windowLines;
        lost += missing;
        dup += t.duplicated;
        reconnects += t.reconnects;
        each.merge(t.received + "/" + missing + "/" + t.duplicated, 1, Integer::sum);
        if (missing > 0 || t.duplicated > 0 || t.failure != null) {
          failed.add(
              t.name + ": lost " + missing + ", duplicated " + t.duplicated + ", " + t.failure);
        }
      }
    }
    double seconds = options.seconds();
    double client = (p.cpuNanos() - baseRate * p.wallNanos()) / lines / 1000;
    String delivery = "- | - | - | - | - | - | - | -";
    if (!each.isEmpty()) {
      delivery =
          String.format(
              Locale.ROOT,
              "%,.0f | %s | %s | %s | %s | %d | %d | %d",
              lines / seconds,
              ms(latency.quantile(0.5)),
              ms(latency.quantile(0.99)),
              ms(latency.quantile(0.999)),
              ms(latency.max()),
              lost,
              dup,
              reconnects);
      notes.add(p.name() + ": seqs " + p.firstSeq() + ".." + p.lastSeq() + " appended; " + each);
      if (!p.drained()) {
        failed.add(p.name() + ": not every follower caught up within " + DRAIN_SECONDS + " s");
      }
      if (lines == 0) {
        failed.add(p.name() + ": no line received in the measured window");
      }
    }
    b.append(
        String.format(
            Locale.ROOT,
            "| %s | %,.0f | %s | %.0f %% | %,d ms | %.0f %% | %.2f µs | %s |%n",
            p.name(),
            p.appended() / seconds,
            delivery,
            100.0 * p.cpuNanos() / p.wallNanos(),
            p.jitMillis(),
            p.serverCpu(),
            p.cpuNanos() / 1000.0 / lines,
            each.isEmpty() ? "-" : String.format(Locale.ROOT, "%.2f µs", client)));
    return client;
  }

  private static String ms(long micros) {
    return String.format(Locale.ROOT, "%.3f", micros / 1000.0);
  }

  /** Stops the server and halts with 3 after {@code seconds}, unless the run ended before. */
  private void startWatchdog(long seconds) {
    ToolMain.watchdog(
        "sdk-follow",
        seconds,
        () -> {
          ServerJar s = server;
          if (s != null) {
            s.close();
          }
        });
  }

  // ------------------------------------------------------------------ followers

  /**
   * One follower's counts, guarded by its monitor: a listener holds it while it adds a frame's
   * lines ({@link #line}, then {@link #framed}), the tool while it reads them.
   */
  static final class Tally {
    final String name;
    final Histogram latency = new Histogram();
    private final CountDownLatch live;
    long received;
    long duplicated;
    long windowLines;
    int reconnects;
    boolean wentLive;
    @Nullable String failure;
    private long next = -1;
    private long fromMicros = Long.MAX_VALUE;
    private long toMicros = Long.MAX_VALUE;
    private boolean closing;
    private long target = Long.MAX_VALUE;
    private @Nullable CountDownLatch caughtUp;

    Tally(String name, CountDownLatch live) {
      this.name = name;
      this.live = live;
    }

    /** A line; the caller holds this tally's monitor. */
    void line(long seq, long stampMicros, long nowMicros) {
      if (next >= 0 && seq < next) {
        duplicated++;
        return;
      }
      received++;
      next = seq + 1;
      if (stampMicros >= fromMicros && stampMicros < toMicros) {
        windowLines++;
        latency.record(nowMicros - stampMicros);
      }
    }

    /** After a frame's lines; the caller holds this tally's monitor. */
    void framed() {
      CountDownLatch c = caughtUp;
      if (c != null && next > target) {
        caughtUp = null;
        c.countDown();
      }
    }

    synchronized void window(long from, long to) {
      fromMicros = from;
      toMicros = to;
    }

    synchronized void awaitSeq(long last, CountDownLatch c) {
      target = last;
      caughtUp = c;
      framed();
    }

    /** Live ({@code failed} null) or failed; nothing fails once the tool is closing it. */
    synchronized void state(@Nullable String failed) {
      boolean settled = wentLive || failure != null;
      if (failed == null) {
        wentLive = true;
      } else if (closing) {
        return;
      } else if (failure == null) {
        failure = failed;
      }
      if (!settled) {
        live.countDown();
      }
    }

    synchronized void closing() {
      closing = true;
    }
  }

  /** The floor: the JDK's WebSocket, a subscribe after welcome, logs frames searched as text. */
  private static final class RawFollower implements WebSocket.Listener {
    private static final String SEQ = "{\"seq\":";
    private static final String MESSAGE = ",\"message\":\"";

    private final Tally tally;
    private final String subscribe;
    private final StringBuilder partial = new StringBuilder();

    RawFollower(Tally tally, String subscribe) {
      this.tally = tally;
      this.subscribe = subscribe;
    }

    @Override
    public void onOpen(WebSocket ws) {
      ws.request(1);
    }

    @Override
    public @Nullable CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      if (!last) {
        partial.append(data);
      } else {
        long now = LoadTool.epochMicros(CLOCK);
        String text = partial.length() == 0 ? data.toString() : partial.append(data).toString();
        partial.setLength(0);
        if (text.startsWith("{\"type\":\"logs\"")) {
          logs(text, now);
        } else if (text.startsWith("{\"type\":\"welcome\"")) {
          var unused = ws.sendText(subscribe, true);
        } else if (text.startsWith("{\"type\":\"subscribed\"")) {
          tally.state(null);
        } else if (text.startsWith("{\"type\":\"error\"")) {
          tally.state(text);
        }
      }
      ws.request(1);
      return null;
    }

    private void logs(String text, long now) {
      synchronized (tally) {
        for (int p = text.indexOf(SEQ); p >= 0; p = text.indexOf(SEQ, p + SEQ.length())) {
          long seq = number(text, p + SEQ.length());
          int m = text.indexOf(MESSAGE, p) + MESSAGE.length();
          boolean stamped = m >= MESSAGE.length() && text.startsWith("t=", m);
          tally.line(seq, stamped ? number(text, m + 2) : -1, now);
        }
        tally.framed();
      }
    }

    /** The decimal number at {@code s[from..]}, or -1 if there is none. */
    private static long number(String s, int from) {
      long v = 0;
      int i = from;
      while (i < s.length() && i - from < 18 && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        v = v * 10 + (s.charAt(i++) - '0');
      }
      return i == from ? -1 : v;
    }

    @Override
    public @Nullable CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
      tally.state("closed by the server: " + code + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      tally.state(error.toString());
    }
  }

  /** An SDK follow's listener: its lines, and whether it is live. */
  private record SdkFollower(Tally tally) implements FollowListener {
    @Override
    public void onLines(List<LogLine> lines) {
      long now = LoadTool.epochMicros(CLOCK);
      synchronized (tally) {
        for (LogLine l : lines) {
          tally.line(l.seq(), LogsFrameScanner.stampOf(l.message()), now);
        }
        tally.framed();
      }
    }

    @Override
    public void onState(ConnectionState state) {
      if (state instanceof ConnectionState.Live) {
        tally.state(null);
      } else if (state instanceof ConnectionState.Reconnecting r) {
        synchronized (tally) {
          tally.reconnects++;
        }
        log(tally.name + " reconnecting: " + r.cause());
      } else if (state instanceof ConnectionState.Closed c) {
        tally.state("follow closed: " + c.reason() + " " + c.detail());
      }
    }
  }
}
