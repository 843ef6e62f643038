package io.coderunner.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coderunner.benchmarks.support.RawWebSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * What hostile filters cost a bystander on the reference server. It starts the server's runnable
 * jar as a child ({@code --demo}, loopback, a generous API rate so that ingest is not what limits),
 * fills one deployment with long lines, and follows another, the bystander, over WebSocket and over
 * Server-Sent Events at once while lines are ingested into it at {@code --rate}. Each line's
 * delivery is timed from its {@code ts}, the server's append time, to its arrival, on the same
 * system clock.
 *
 * <p>Two measured phases of {@code --seconds} each: the bystander <b>alone</b>, then <b>under
 * attack</b>: {@code --attackers} WebSocket connections that keep subscribing to the long-line
 * deployment with {@code tail: 10000} and a filter {@code q} of 255 {@code a}s and a {@code b} (the
 * worst case of a naive substring search, which matches none of the {@code a}-only lines), waiting
 * for {@code subscribed}, unsubscribing and starting again, as fast as their inbound rate allows.
 * It reports the bystander's p50/p99/max per phase and transport, lines lost, the attackers'
 * replays per second, and the server's CPU per phase.
 *
 * <p>With {@code --attack clients} the attack is {@link ClientAttack}'s instead: stalled requests
 * and a login flood from other loopback addresses, with a login probe timed beside the bystander.
 *
 * <p>Exit code: 0 every line arrived on both transports (and every probe login succeeded); 1 lines
 * were lost or a probe login was refused; 2 bad options or setup.
 */
public final class HostileFilters {
  static final String PATHOLOGICAL = "a".repeat(255) + "b";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The command line. */
  record Options(
      Path serverJar,
      int seconds,
      int warmupSeconds,
      int rate,
      int attackers,
      double replaysPerSecond,
      int attackLines,
      int attackLineBytes,
      boolean adversarial,
      boolean clients,
      int stalled,
      int floodRate) {

    static final String USAGE =
        """
        usage: benchmarks/hostile-filters [options]
          --server-jar PATH    the reference server's jar
                               (coderunner-reference-server/target/coderunner-reference-server.jar)
          --seconds T          seconds of each measured phase (20)
          --warmup W           seconds of bystander traffic before the first phase (10)
          --rate R             bystander lines ingested per second (200)
          --attackers A        connections replaying with the pathological filter (4)
          --replays-per-second P  replays each attacker starts a second at most (8: two frames
                               each, under the default inbound limit of 20 frames a second)
          --attack-lines N     lines of the long-line deployment (210)
          --attack-line-bytes B  length of each of them (60000)
          --attack-text T      pathological: every line all a's (a search may rule a line out by
                               the b it lacks); adversarial: each line starts with a b, so the
                               search must run through it (pathological)
          --attack K           filters: the attack above; clients: stalled requests from
                               127.0.0.2-5 and a login flood from 127.0.0.10 and up, one address
                               per attacker, while a probe times logins from 127.0.0.1 (filters)
          --stalled N          stalled requests the clients attack keeps open (1000)
          --flood-rate R       wrong-password logins a second per attacker at most (100)
        """;

    static Options parse(String[] args) throws LoadOptions.UsageException {
      Path jar = Path.of("coderunner-reference-server/target/coderunner-reference-server.jar");
      int seconds = 20;
      int warmup = 10;
      int rate = 200;
      int attackers = 4;
      double replays = 8;
      int lines = 210;
      int lineBytes = 60_000;
      boolean adversarial = false;
      boolean clients = false;
      int stalled = 1000;
      int floodRate = 100;
      for (int i = 0; i < args.length; i++) {
        String name = args[i];
        if (i + 1 >= args.length) {
          throw new LoadOptions.UsageException(name + " needs a value");
        }
        String v = args[++i];
        switch (name) {
          case "--server-jar" -> jar = Path.of(v);
          case "--seconds" -> seconds = LoadOptions.intIn(name, v, 1, 3600);
          case "--warmup" -> warmup = LoadOptions.intIn(name, v, 0, 3600);
          case "--rate" -> rate = LoadOptions.intIn(name, v, 1, 10_000);
          case "--attackers" -> attackers = LoadOptions.intIn(name, v, 0, 1000);
          case "--replays-per-second" -> {
            try {
              replays = Double.parseDouble(v);
            } catch (NumberFormatException e) {
              replays = Double.NaN;
            }
            if (!(replays > 0 && replays <= 10)) {
              throw new LoadOptions.UsageException(
                  "--replays-per-second must be above 0 and at most 10, was " + v);
            }
          }
          case "--attack-lines" -> lines = LoadOptions.intIn(name, v, 1, 100_000);
          case "--attack-line-bytes" -> lineBytes = LoadOptions.intIn(name, v, 2, 60_000);
          case "--attack-text" -> {
            if (!v.equals("pathological") && !v.equals("adversarial")) {
              throw new LoadOptions.UsageException(
                  "--attack-text must be pathological or adversarial, was " + v);
            }
            adversarial = v.equals("adversarial");
          }
          case "--attack" -> {
            if (!v.equals("filters") && !v.equals("clients")) {
              throw new LoadOptions.UsageException("--attack must be filters or clients, was " + v);
            }
            clients = v.equals("clients");
          }
          case "--stalled" -> stalled = LoadOptions.intIn(name, v, 0, 10_000);
          case "--flood-rate" -> floodRate = LoadOptions.intIn(name, v, 1, 10_000);
          default -> throw new LoadOptions.UsageException("unknown option " + name);
        }
      }
      return new Options(
          jar,
          seconds,
          warmup,
          rate,
          attackers,
          replays,
          lines,
          lineBytes,
          adversarial,
          clients,
          stalled,
          floodRate);
    }
  }

  /** Which part of the run a bystander line belongs to; carried in its message. */
  enum Phase {
    WARMUP("w"),
    ALONE("a"),
    RAMP("r"),
    ATTACK("x");

    final String tag;

    Phase(String tag) {
      this.tag = tag;
    }

    static @Nullable Phase of(String message) {
      for (Phase p : values()) {
        if (message.startsWith(p.tag + " ")) {
          return p;
        }
      }
      return null;
    }
  }

  /** One transport's view of the bystander: latency per phase, and every seq it received. */
  static final class Probe {
    final String name;
    final Histogram alone = new Histogram();
    final Histogram attack = new Histogram();
    final Set<Long> seqs = ConcurrentHashMap.newKeySet();
    volatile boolean subscribed;
    volatile @Nullable Throwable failure;

    Probe(String name) {
      this.name = name;
    }

    /** Called on the probe's reader thread for each line received. */
    synchronized void received(long seq, String ts, String message) {
      long latency =
          LoadTool.epochMicros(Clock.systemUTC()) - LoadTool.epochMicros(Instant.parse(ts));
      seqs.add(seq);
      Phase p = Phase.of(message);
      if (p == Phase.ALONE) {
        alone.record(Math.max(0, latency));
      } else if (p == Phase.ATTACK) {
        attack.record(Math.max(0, latency));
      }
    }
  }

  private final Options options;
  private final HttpClient http = HttpClient.newHttpClient();
  private @Nullable ServerJar server;
  private volatile boolean attacking;

  /** Set once the report is printed: what fails while the server stops is not a finding. */
  private volatile boolean reported;

  private final AtomicLong replays = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();

  private HostileFilters(Options options) {
    this.options = options;
  }

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (LoadOptions.UsageException e) {
      System.err.println("hostile-filters: " + e.getMessage());
      System.err.print(Options.USAGE);
      System.exit(2);
      return;
    }
    int code;
    try {
      code = new HostileFilters(options).run();
    } catch (Exception e) {
      System.err.println("hostile-filters: failed: " + e);
      e.printStackTrace();
      code = 2;
    }
    System.exit(code);
  }

  private static void log(String message) {
    System.err.println("[hostile-filters] " + message);
  }

  private int run() throws Exception {
    Options o = options;
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopServer, "stop-server"));
    String jvm = System.getenv("HOSTILE_FILTERS_SERVER_OPTS");
    ServerJar p =
        ServerJar.start(
            o.serverJar(),
            Map.of("api.requestsPerMinute", "10000000"),
            Map.of("api.requestsPerMinute", "apiRequestsPerMinute"),
            List.of((jvm == null ? "-Xms1g -Xmx1g -XX:+UseG1GC" : jvm).split(" ", -1)));
    server = p;
    URI base = p.base();
    InetSocketAddress address = new InetSocketAddress(base.getHost(), base.getPort());
    log("server " + o.serverJar() + " pid " + p.pid() + " at " + base);
    String token = p.demoToken();

    String bystander = p.createDeployment("bystander");
    String big = p.createDeployment("long-lines");
    ClientAttack clients =
        o.clients() ? new ClientAttack(address, o.stalled(), o.attackers(), o.floodRate()) : null;
    if (clients == null) {
      fill(base, token, big);
      log("filled " + big + " with " + o.attackLines() + " lines of " + o.attackLineBytes() + " B");
    }

    Probe ws = new Probe("WebSocket");
    Probe sse = new Probe("SSE");
    start("ws-probe", () -> followOverWebSocket(address, token, bystander, ws));
    start("sse-probe", () -> followOverSse(address, token, bystander, sse));
    awaitSubscribed(ws, sse);

    Appender appender = new Appender(base, token, bystander, o.rate());
    Thread appending = start("appender", appender);
    appender.phase = Phase.WARMUP;
    if (clients != null) {
      start(
          "login-probe",
          () -> clients.probeLogins(base, () -> appender.phase, () -> !appender.stop));
    }
    sleep(Duration.ofSeconds(o.warmupSeconds()));
    ServerJar.Cpu cpu0 = p.cpu();
    appender.phase = Phase.ALONE;
    sleep(Duration.ofSeconds(o.seconds()));
    ServerJar.Cpu cpu1 = p.cpu();
    appender.phase = Phase.RAMP;
    attacking = true;
    if (clients != null) {
      clients.start();
      start("attacker-stalls", clients::stall);
      for (int i = 0; i < o.attackers(); i++) {
        int index = i;
        start("attacker-" + i, () -> clients.flood(index));
      }
    } else {
      for (int i = 0; i < o.attackers(); i++) {
        start("attacker-" + i, () -> attack(address, token, big));
      }
    }
    sleep(Duration.ofSeconds(2));
    if (clients != null) {
      log(clients.stallsOpen() + " stalled requests open");
    }
    long replays0 = replays.get();
    ServerJar.Cpu cpu2 = p.cpu();
    appender.phase = Phase.ATTACK;
    sleep(Duration.ofSeconds(o.seconds()));
    ServerJar.Cpu cpu3 = p.cpu();
    long replayed = replays.get() - replays0;
    appender.stop = true;
    appending.join();
    long last = appender.lastSeq.get();
    long first = appender.firstSeq.get();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while ((ws.seqs.size() < last - first + 1 || sse.seqs.size() < last - first + 1)
        && System.nanoTime() < deadline) {
      sleep(Duration.ofMillis(50));
    }
    attacking = false;
    if (clients != null) {
      clients.stop();
    }

    long lostWs = lost(ws, first, last);
    long lostSse = lost(sse, first, last);
    System.out.printf(
        Locale.ROOT,
        "bystander: %d lines/s ingested, %d s alone then %d s with %s%n",
        o.rate(),
        o.seconds(),
        o.seconds(),
        clients == null
            ? String.format(
                Locale.ROOT,
                "%d filter attackers (at most %.1f replays/s each)",
                o.attackers(),
                o.replaysPerSecond())
            : String.format(
                Locale.ROOT,
                "%d stalled requests and %d login flooders",
                o.stalled(),
                clients.flooders()));
    System.out.printf(
        Locale.ROOT,
        "%-10s %-7s %8s %9s %9s %9s %9s%n",
        "transport",
        "phase",
        "lines",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms");
    for (Probe probe : List.of(ws, sse)) {
      synchronized (probe) {
        row(probe.name, "alone", probe.alone);
        row(probe.name, "attack", probe.attack);
      }
    }
    for (Probe probe : List.of(ws, sse)) {
      Histogram a;
      Histogram x;
      synchronized (probe) {
        a = probe.alone;
        x = probe.attack;
      }
      System.out.printf(
          Locale.ROOT, "%s: p99 under attack / alone = %s%n", probe.name, x.p99Ratio(a));
    }
    boolean loginsOk = true;
    if (clients != null) {
      loginsOk = clients.report(System.out, o.seconds());
    } else {
      System.out.printf(
          Locale.ROOT,
          "attack: %.1f replays/s of %d x %d B (%s) by %d attackers%n",
          replayed / (double) o.seconds(),
          o.attackLines(),
          o.attackLineBytes(),
          o.adversarial() ? "adversarial" : "pathological",
          o.attackers());
    }
    System.out.printf(
        Locale.ROOT,
        "server CPU: alone %.1f %%, under attack %.1f %% (of one core)%n",
        cpu0.percentTo(cpu1),
        cpu2.percentTo(cpu3));
    System.out.printf(
        Locale.ROOT,
        "lost: WebSocket %d, SSE %d of %d lines (seqs %d..%d)%n",
        lostWs,
        lostSse,
        last - first + 1,
        first,
        last);
    for (Probe probe : List.of(ws, sse)) {
      if (probe.failure != null) {
        System.out.println(probe.name + " probe failed: " + probe.failure);
      }
    }
    reported = true;
    stopServer();
    return lostWs == 0 && lostSse == 0 && ws.failure == null && sse.failure == null && loginsOk
        ? 0
        : 1;
  }

  private static void row(String transport, String phase, Histogram h) {
    System.out.printf(
        Locale.ROOT,
        "%-10s %-7s %8d %9.3f %9.3f %9.3f %9.3f%n",
        transport,
        phase,
        h.count(),
        h.quantile(0.50) / 1000.0,
        h.quantile(0.90) / 1000.0,
        h.quantile(0.99) / 1000.0,
        h.max() / 1000.0);
  }

  private static long lost(Probe probe, long first, long last) {
    long lost = 0;
    for (long seq = first; seq <= last; seq++) {
      if (!probe.seqs.contains(seq)) {
        lost++;
      }
    }
    return lost;
  }

  private Thread start(String name, ThrowingRunnable body) {
    Thread t =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (Exception e) {
                if (!reported && (attacking || !name.startsWith("attacker"))) {
                  log(name + " failed: " + e);
                }
              }
            },
            name);
    t.setDaemon(true);
    t.start();
    threads.add(t);
    return t;
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static void sleep(Duration d) {
    LockSupport.parkNanos(d.toNanos());
  }

  private void awaitSubscribed(Probe... probes) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (Probe probe : probes) {
      while (!probe.subscribed) {
        if (System.nanoTime() > deadline || probe.failure != null) {
          throw new IOException(probe.name + " did not subscribe: " + probe.failure);
        }
        sleep(Duration.ofMillis(10));
      }
    }
  }

  // ------------------------------------------------------------------ REST

  private HttpResponse<String> call(URI base, String token, String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve(path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(30))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private void fill(URI base, String token, String id) throws Exception {
    String message =
        options.adversarial()
            ? "b" + "a".repeat(options.attackLineBytes() - 1)
            : "a".repeat(options.attackLineBytes());
    int perRequest = Math.max(1, Math.min(1000, (1 << 20) / (options.attackLineBytes() + 32)));
    for (int done = 0; done < options.attackLines(); ) {
      int n = Math.min(perRequest, options.attackLines() - done);
      StringBuilder body = new StringBuilder("{\"lines\":[");
      for (int i = 0; i < n; i++) {
        body.append(i == 0 ? "" : ",").append("{\"message\":\"").append(message).append("\"}");
      }
      HttpResponse<String> r =
          call(base, token, "POST", "/api/deployments/" + id + "/logs", body + "]}");
      if (r.statusCode() != 202) {
        throw new IOException("ingest: " + r.statusCode() + " " + r.body());
      }
      done += n;
    }
  }

  /** Ingests one bystander line at a time at the rate, each tagged with the current phase. */
  private final class Appender implements ThrowingRunnable {
    final URI base;
    final String token;
    final String id;
    final int rate;
    volatile Phase phase = Phase.WARMUP;
    volatile boolean stop;
    final AtomicLong firstSeq = new AtomicLong(-1);
    final AtomicLong lastSeq = new AtomicLong(-1);

    Appender(URI base, String token, String id, int rate) {
      this.base = base;
      this.token = token;
      this.id = id;
      this.rate = rate;
    }

    @Override
    public void run() throws Exception {
      Pacer pacer = Pacer.steady(rate);
      long n = 0;
      while (!stop) {
        String body = "{\"lines\":[{\"message\":\"" + phase.tag + " " + n++ + "\"}]}";
        HttpResponse<String> r =
            call(base, token, "POST", "/api/deployments/" + id + "/logs", body);
        if (r.statusCode() != 202) {
          throw new IOException("ingest: " + r.statusCode() + " " + r.body());
        }
        JsonNode seqs = JSON.readTree(r.body());
        firstSeq.compareAndSet(-1, seqs.get("firstSeq").asLong());
        lastSeq.set(seqs.get("lastSeq").asLong());
        pacer.await();
      }
    }
  }

  // ------------------------------------------------------------------ followers

  private static void followOverWebSocket(
      InetSocketAddress address, String token, String id, Probe probe) throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(address, "/ws", token)) {
      ws.sendText("{\"type\":\"subscribe\",\"deploymentId\":\"" + id + "\"}");
      while (true) {
        JsonNode frame = JSON.readTree(ws.readText());
        String type = frame.get("type").asText();
        if (type.equals("subscribed")) {
          probe.subscribed = true;
        } else if (type.equals("logs")) {
          for (JsonNode line : frame.get("lines")) {
            probe.received(
                line.get("seq").asLong(), line.get("ts").asText(), line.get("message").asText());
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      probe.failure = e;
      throw e;
    }
  }

  private static void followOverSse(InetSocketAddress address, String token, String id, Probe probe)
      throws Exception {
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(address);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /api/deployments/"
                  + id
                  + "/logs/stream HTTP/1.1\r\nHost: "
                  + address.getHostString()
                  + "\r\nAccept: text/event-stream\r\nAuthorization: Bearer "
                  + token
                  + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String status = in.readLine();
      if (status == null || !status.contains(" 200 ")) {
        throw new IOException("event stream refused: " + status);
      }
      String event = "";
      String text;
      while ((text = in.readLine()) != null) {
        if (text.startsWith("event: ")) {
          event = text.substring(7);
        } else if (text.startsWith("data: ")) {
          if (event.equals("subscribed")) {
            probe.subscribed = true;
          } else if (event.equals("line")) {
            JsonNode line = JSON.readTree(text.substring(6));
            probe.received(
                line.get("seq").asLong(), line.get("ts").asText(), line.get("message").asText());
          }
        } else if (text.isEmpty()) {
          event = "";
        }
      }
      throw new IOException("event stream ended");
    } catch (IOException | RuntimeException e) {
      probe.failure = e;
      throw e;
    }
  }

  /**
   * One attacker: subscribes with the pathological filter, waits for {@code subscribed} (the tail
   * has been searched), unsubscribes, and again, at most {@code --replays-per-second} times a
   * second.
   */
  private void attack(InetSocketAddress address, String token, String id) throws Exception {
    String subscribe =
        "{\"type\":\"subscribe\",\"deploymentId\":\""
            + id
            + "\",\"tail\":10000,\"filter\":{\"q\":\""
            + PATHOLOGICAL
            + "\"}}";
    String unsubscribe = "{\"type\":\"unsubscribe\",\"deploymentId\":\"" + id + "\"}";
    Pacer pacer = Pacer.atMost(options.replaysPerSecond());
    try (RawWebSocket ws = RawWebSocket.connect(address, "/ws", token)) {
      while (attacking) {
        ws.sendText(subscribe);
        while (!ws.readText().startsWith("{\"type\":\"subscribed\"")) {
          // anything else (there is nothing else) is skipped
        }
        ws.sendText(unsubscribe);
        replays.incrementAndGet();
        pacer.await();
      }
    }
  }

  // ------------------------------------------------------------------ server

  private void stopServer() {
    ServerJar p = server;
    if (p != null) {
      p.close();
    }
  }
}
