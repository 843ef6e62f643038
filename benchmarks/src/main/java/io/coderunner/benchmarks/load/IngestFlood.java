package io.coderunner.benchmarks.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;

/**
 * What the reference server's ingest budget does to an external log agent that sends one line per
 * request. It starts the server's runnable jar as a child ({@code --demo}, loopback, every setting
 * at its default), creates one deployment and, from one principal, posts one-line batches to {@code
 * POST /api/deployments/{id}/logs} over {@code --connections} keep-alive HTTP/1.1 connections at a
 * steady total rate: first {@code --accepted-rate} a second (under the default budget of 2,000
 * requests a second, so every request should be accepted), then {@code --flood-rate} a second (over
 * it, so the excess should be refused with 429 and a {@code Retry-After}).
 *
 * <p>It reports per phase the rate offered, accepted and refused, the latency of accepted requests,
 * the server's CPU and its own; the {@code Retry-After} values of the refusals and which budget
 * they named; whether a request sent after waiting the largest {@code Retry-After} is accepted; and
 * whether the log's last sequence number equals the number of lines accepted (no line lost, none
 * stored twice, nothing stored for a refusal).
 *
 * <p>Exit code: 0 every check held; 1 a check failed (a refusal below the budget, more accepted
 * than the budget allows, a refusal without {@code Retry-After}, a lost line); 2 bad options or
 * setup.
 */
public final class IngestFlood {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The command line. */
  record Options(
      Path serverJar,
      int seconds,
      int warmupSeconds,
      int acceptedRate,
      int floodRate,
      int budget,
      int connections) {

    static final String USAGE =
        """
        usage: benchmarks/ingest-flood [options]
          --server-jar PATH    the reference server's jar
                               (coderunner-reference-server/target/coderunner-reference-server.jar)
          --seconds T          seconds of each measured phase (20)
          --warmup W           seconds at the accepted rate before measuring (5)
          --accepted-rate R    one-line requests a second in the first phase (1500)
          --flood-rate R       one-line requests a second in the second phase (5000)
          --budget B           the server's ingest.requestsPerSecond, its default (2000): the
                               flood may have at most B a second and one burst of B accepted
          --connections C      keep-alive connections the requests are spread over (16)
        """;

    static Options parse(String[] args) throws LoadOptions.UsageException {
      Path jar = Path.of("coderunner-reference-server/target/coderunner-reference-server.jar");
      int seconds = 20;
      int warmup = 5;
      int accepted = 1500;
      int flood = 5000;
      int budget = 2000;
      int connections = 16;
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
          case "--accepted-rate" -> accepted = LoadOptions.intIn(name, v, 1, 100_000);
          case "--flood-rate" -> flood = LoadOptions.intIn(name, v, 1, 100_000);
          case "--budget" -> budget = LoadOptions.intIn(name, v, 1, 1_000_000);
          case "--connections" -> connections = LoadOptions.intIn(name, v, 1, 1000);
          default -> throw new LoadOptions.UsageException("unknown option " + name);
        }
      }
      return new Options(jar, seconds, warmup, accepted, flood, budget, connections);
    }
  }

  /** One HTTP/1.1 response: status, {@code Retry-After} (-1 when absent), body, keep-alive. */
  record Response(int status, int retryAfter, String body, boolean close) {

    /**
     * Reads one response from {@code in}: a status line, headers, and a body of {@code
     * Content-Length} bytes or in chunks.
     *
     * @throws IOException when the stream ends or the response is malformed
     */
    static Response read(InputStream in) throws IOException {
      String statusLine = line(in);
      String[] parts = statusLine.split(" ", 3);
      if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
        throw new IOException("not an HTTP/1.1 status line: " + statusLine);
      }
      int status = Integer.parseInt(parts[1]);
      long length = -1;
      boolean chunked = false;
      boolean close = false;
      int retryAfter = -1;
      for (String h = line(in); !h.isEmpty(); h = line(in)) {
        int colon = h.indexOf(':');
        if (colon < 0) {
          continue;
        }
        String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = h.substring(colon + 1).trim();
        switch (name) {
          case "content-length" -> length = Long.parseLong(value);
          case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
          case "connection" -> close = value.equalsIgnoreCase("close");
          case "retry-after" ->
              retryAfter = value.matches("\\d{1,9}") ? Integer.parseInt(value) : 0;
          default -> {}
        }
      }
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      if (chunked) {
        for (long size = Long.parseLong(line(in).split(";", 2)[0].trim(), 16);
            size > 0;
            size = Long.parseLong(line(in).split(";", 2)[0].trim(), 16)) {
          copy(in, body, size);
          line(in);
        }
        for (String trailer = line(in); !trailer.isEmpty(); trailer = line(in)) {
          // trailers carry nothing this tool reads
        }
      } else if (length > 0) {
        copy(in, body, length);
      }
      return new Response(status, retryAfter, body.toString(StandardCharsets.UTF_8), close);
    }

    private static String line(InputStream in) throws IOException {
      StringBuilder sb = new StringBuilder();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b < 0) {
          throw new IOException("the connection ended inside a response");
        }
        if (b != '\r') {
          sb.append((char) b);
        }
      }
      return sb.toString();
    }

    private static void copy(InputStream in, ByteArrayOutputStream to, long n) throws IOException {
      byte[] buf = new byte[8192];
      for (long left = n; left > 0; ) {
        int r = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (r < 0) {
          throw new IOException("the connection ended inside a body");
        }
        to.write(buf, 0, r);
        left -= r;
      }
    }
  }

  /** What one phase saw, merged over its connections. */
  static final class Tally {
    final Histogram acceptedMicros = new Histogram();
    final TreeMap<Integer, Long> statuses = new TreeMap<>();
    final TreeMap<Integer, Long> retryAfters = new TreeMap<>();
    long sent;
    long refusedNamingBudget;
    long firstSeq = Long.MAX_VALUE;
    long lastSeq;
    @Nullable String failure;

    void add(Tally other) {
      acceptedMicros.add(other.acceptedMicros);
      other.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
      other.retryAfters.forEach((k, v) -> retryAfters.merge(k, v, Long::sum));
      sent += other.sent;
      refusedNamingBudget += other.refusedNamingBudget;
      firstSeq = Math.min(firstSeq, other.firstSeq);
      lastSeq = Math.max(lastSeq, other.lastSeq);
      if (failure == null) {
        failure = other.failure;
      }
    }

    long count(int status) {
      return statuses.getOrDefault(status, 0L);
    }

    long refused() {
      return count(429);
    }
  }

  private final Options options;
  private long totalAccepted;
  private long firstSeq = Long.MAX_VALUE;
  private long lastSeq;

  private IngestFlood(Options options) {
    this.options = options;
  }

  public static void main(String[] args) {
    ToolMain.run(
        "ingest-flood", Options.USAGE, args, Options::parse, o -> new IngestFlood(o).run());
  }

  private static void log(String message) {
    System.err.println("[ingest-flood] " + message);
  }

  private int run() throws Exception {
    Options o = options;
    String jvm = System.getenv("INGEST_FLOOD_SERVER_OPTS");
    try (ServerJar server =
        ServerJar.start(
            o.serverJar(),
            Map.of(),
            Map.of(),
            List.of((jvm == null ? "-Xms1g -Xmx1g -XX:+UseG1GC" : jvm).split(" ", -1)))) {
      URI base = server.base();
      String token = server.demoToken();
      log("server " + o.serverJar() + " pid " + server.pid() + " at " + base);
      String id = server.createDeployment("agent");
      String path = "/api/deployments/" + id + "/logs";

      if (o.warmupSeconds() > 0) {
        phase(base, token, path, o.acceptedRate(), o.warmupSeconds(), "warmup", server);
        refill();
      }
      Measured accepted =
          phase(base, token, path, o.acceptedRate(), o.seconds(), "accepted rate", server);
      refill();
      Measured flood = phase(base, token, path, o.floodRate(), o.seconds(), "flood", server);

      int wait =
          Math.max(1, flood.tally.retryAfters.isEmpty() ? 1 : flood.tally.retryAfters.lastKey());
      LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(Math.min(wait, 120)));
      Tally after = new Tally();
      try (Agent agent = new Agent(base, token, path, after)) {
        agent.post();
      }
      count(after);
      return report(accepted, flood, wait, after);
    }
  }

  /** A phase's tally with the CPU it cost. */
  private record Measured(
      String name, int rate, int seconds, Tally tally, double serverCpu, double toolCpu) {}

  private Measured phase(
      URI base, String token, String path, int rate, int seconds, String name, ServerJar server)
      throws Exception {
    log(name + ": " + rate + " requests/s for " + seconds + " s");
    int connections = Math.min(options.connections(), rate);
    List<Tally> tallies = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    ServerJar.Cpu cpu0 = server.cpu();
    long tool0 = toolCpuNanos();
    long wall0 = System.nanoTime();
    for (int c = 0; c < connections; c++) {
      Tally t = new Tally();
      tallies.add(t);
      Pacer pacer = Pacer.steady(rate / (double) connections);
      Thread thread =
          new Thread(
              () -> {
                try (Agent agent = new Agent(base, token, path, t)) {
                  while (System.nanoTime() < deadline) {
                    pacer.await();
                    agent.post();
                  }
                } catch (IOException e) {
                  t.failure = e.toString();
                }
              },
              "agent-" + c);
      thread.start();
      threads.add(thread);
    }
    for (Thread t : threads) {
      t.join();
    }
    ServerJar.Cpu cpu1 = server.cpu();
    double tool = 100.0 * (toolCpuNanos() - tool0) / (System.nanoTime() - wall0);
    Tally merged = new Tally();
    tallies.forEach(merged::add);
    count(merged);
    return new Measured(name, rate, seconds, merged, cpu0.percentTo(cpu1), tool);
  }

  private void count(Tally t) {
    totalAccepted += t.count(202);
    firstSeq = Math.min(firstSeq, t.firstSeq);
    lastSeq = Math.max(lastSeq, t.lastSeq);
  }

  /** Lets every bucket fill again between phases. */
  private static void refill() {
    LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
  }

  private static long toolCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  private int report(Measured accepted, Measured flood, int wait, Tally after) {
    Options o = options;
    System.out.printf(
        Locale.ROOT,
        "one principal, one-line requests over %d keep-alive connections, %d s a phase%n",
        o.connections(),
        o.seconds());
    System.out.printf(
        Locale.ROOT,
        "%-14s %9s %9s %9s %7s %8s %8s %11s %9s%n",
        "phase",
        "offered/s",
        "202/s",
        "429/s",
        "other",
        "p50 ms",
        "p99 ms",
        "server CPU",
        "tool CPU");
    for (Measured m : List.of(accepted, flood)) {
      Tally t = m.tally();
      long other = t.sent - t.count(202) - t.refused();
      System.out.printf(
          Locale.ROOT,
          "%-14s %9.0f %9.0f %9.0f %7d %8.2f %8.2f %10.0f%% %8.0f%%%n",
          m.name() + " " + m.rate(),
          t.sent / (double) m.seconds(),
          t.count(202) / (double) m.seconds(),
          t.refused() / (double) m.seconds(),
          other,
          t.acceptedMicros.quantile(0.5) / 1000.0,
          t.acceptedMicros.quantile(0.99) / 1000.0,
          m.serverCpu(),
          m.toolCpu());
    }
    for (Measured m : List.of(accepted, flood)) {
      if (!m.tally().statuses.isEmpty()) {
        System.out.println(m.name() + " statuses: " + m.tally().statuses);
      }
      if (m.tally().failure != null) {
        System.out.println(m.name() + " failure: " + m.tally().failure);
      }
    }
    Tally f = flood.tally();
    System.out.printf(
        Locale.ROOT,
        "429 Retry-After (s -> count): %s; naming ingest.requestsPerSecond: %d of %d%n",
        f.retryAfters,
        f.refusedNamingBudget,
        f.refused());
    System.out.printf(
        Locale.ROOT,
        "after the flood, waited the largest Retry-After (%d s): one request -> %s%n",
        wait,
        after.statuses.keySet());
    System.out.printf(
        Locale.ROOT,
        "stored: seqs %d..%d (%d lines), lines accepted %d%n",
        firstSeq,
        lastSeq,
        lastSeq - firstSeq + 1,
        totalAccepted);

    List<String> failed = new ArrayList<>();
    Tally a = accepted.tally();
    if (a.count(202) != a.sent) {
      failed.add((a.sent - a.count(202)) + " requests at the accepted rate were not accepted");
    }
    long allowed = (long) o.budget() * (flood.seconds() + 1);
    if (f.count(202) > allowed) {
      failed.add("the flood had " + f.count(202) + " accepted, more than the budget's " + allowed);
    }
    if (f.refused() == 0) {
      failed.add("the flood had no 429");
    }
    if (f.refusedNamingBudget != f.refused() || f.retryAfters.containsKey(-1)) {
      failed.add("a 429 lacked Retry-After or did not name ingest.requestsPerSecond");
    }
    if (f.count(202) + f.refused() != f.sent) {
      failed.add((f.sent - f.count(202) - f.refused()) + " flood requests got neither 202 nor 429");
    }
    if (after.count(202) != 1) {
      failed.add("the request after Retry-After was not accepted");
    }
    if (lastSeq - firstSeq + 1 != totalAccepted) {
      failed.add(
          "seqs "
              + firstSeq
              + ".."
              + lastSeq
              + " were stored for the "
              + totalAccepted
              + " lines accepted");
    }
    failed.forEach(m -> System.out.println("FAILED: " + m));
    if (failed.isEmpty()) {
      System.out.println("every check held");
    }
    return failed.isEmpty() ? 0 : 1;
  }

  /** One log agent's keep-alive connection, posting one-line batches. Not thread-safe. */
  private static final class Agent implements AutoCloseable {
    private final URI base;
    private final byte[] head;
    private final Tally tally;
    private @Nullable Socket socket;
    private @Nullable InputStream in;
    private @Nullable OutputStream out;
    private long n;

    Agent(URI base, String token, String path, Tally tally) {
      this.base = base;
      this.tally = tally;
      this.head =
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: "
                  + base.getAuthority()
                  + "\r\nAuthorization: Bearer "
                  + token
                  + "\r\nContent-Type: application/json\r\nContent-Length: ")
              .getBytes(StandardCharsets.US_ASCII);
    }

    /** Posts one line and tallies the answer; reconnects when the server closed. */
    void post() throws IOException {
      byte[] body =
          ("{\"lines\":[{\"message\":\"agent line " + n++ + "\"}]}")
              .getBytes(StandardCharsets.UTF_8);
      if (socket == null) {
        connect();
      }
      OutputStream o = out;
      InputStream i = in;
      if (o == null || i == null) {
        throw new IOException("not connected");
      }
      long start = System.nanoTime();
      o.write(head);
      o.write((body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      o.write(body);
      o.flush();
      tally.sent++;
      Response r = Response.read(i);
      long micros = (System.nanoTime() - start) / 1000;
      tally.statuses.merge(r.status(), 1L, Long::sum);
      if (r.status() == 202) {
        tally.acceptedMicros.record(micros);
        JsonNode reply = JSON.readTree(r.body());
        tally.firstSeq = Math.min(tally.firstSeq, reply.path("firstSeq").asLong());
        tally.lastSeq = Math.max(tally.lastSeq, reply.path("lastSeq").asLong());
      } else if (r.status() == 429) {
        tally.retryAfters.merge(r.retryAfter(), 1L, Long::sum);
        if (r.body().contains("ingest.requestsPerSecond")) {
          tally.refusedNamingBudget++;
        }
      }
      if (r.close()) {
        close();
      }
    }

    private void connect() throws IOException {
      Socket s = new Socket(base.getHost(), base.getPort());
      s.setTcpNoDelay(true);
      socket = s;
      in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
      out = new BufferedOutputStream(s.getOutputStream(), 4 * 1024);
    }

    @Override
    public void close() {
      Socket s = socket;
      socket = null;
      in = null;
      out = null;
      if (s != null) {
        try {
          s.close();
        } catch (IOException e) {
          // closing what the server may have closed already
        }
      }
    }
  }
}
