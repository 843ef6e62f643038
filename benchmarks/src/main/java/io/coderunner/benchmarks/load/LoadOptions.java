package io.coderunner.benchmarks.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The load tool's command line. Every option has a default; a bad value is refused with a message
 * naming it.
 *
 * @param connections WebSocket connections to open and subscribe
 * @param deployments deployments the connections follow, round-robin
 * @param rate lines per second appended, in total over all deployments
 * @param durationSeconds measured seconds
 * @param warmupSeconds seconds of appending before the measurement, not measured
 * @param serverHeap the server child's {@code -Xms}/{@code -Xmx}, as {@code java} takes it
 * @param batchLines lines per append call (one seq range, one {@code t=} stamp)
 * @param lineBytes approximate length of each message
 * @param clientThreads selector threads of the clients
 * @param connectConcurrency most connections being opened at once
 * @param sourceAddresses spread client sockets over 127.0.0.1 .. 127.0.0.N; 0 lets the OS choose
 * @param drainSeconds how long to wait after the last append for every client to catch up
 * @param metrics whether the server runs with CodeRunner's metrics (binders, delivery listener and
 *     a scrape every {@code scrapeIntervalSeconds}) or without any
 * @param scrapeIntervalSeconds with metrics, how often the server scrapes its registry
 */
record LoadOptions(
    int connections,
    int deployments,
    long rate,
    int durationSeconds,
    int warmupSeconds,
    String serverHeap,
    int batchLines,
    int lineBytes,
    int clientThreads,
    int connectConcurrency,
    int sourceAddresses,
    int drainSeconds,
    boolean metrics,
    int scrapeIntervalSeconds) {

  static final String USAGE =
      """
      usage: benchmarks/load-tool [options]
        --connections C          WebSocket connections, each subscribed to one deployment (100)
        --deployments D          deployments d1..dD; connection i follows d(i mod D + 1) (1)
        --rate R                 lines per second appended, in total over all deployments (1000)
        --duration T             measured seconds (30)
        --warmup W               seconds of appending before the measurement (5)
        --server-heap SIZE       the server child's -Xms and -Xmx (2g)
        --batch-lines B          lines per append call (1)
        --line-bytes L           approximate message length in bytes, at least 40 (100)
        --client-threads N       client selector threads (2)
        --connect-concurrency K  most connections being opened at once (64)
        --source-addresses N     spread client sockets over 127.0.0.1..127.0.0.N
                                 (default 1 + C/10000; 0 lets the OS choose)
        --drain S                seconds to wait for clients to catch up after the last append (10)
        --metrics on|off         run the server with CodeRunner's metrics: Micrometer binders, the
                                 delivery latency listener and periodic scrapes (off)
        --scrape-interval S      with --metrics on, seconds between scrapes of the registry
                                 (15, Prometheus's default)
      Everything runs on loopback; the server is a child JVM that ends with the tool.
      Exit code: 0 all delivered exactly once in order; 1 lines lost, duplicated or reordered,
      connections failed or closed by the server; 2 bad options or setup; 3 timed out.
      """;

  /** Thrown for a bad command line; its message says what is wrong. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static LoadOptions parse(String[] args) throws UsageException {
    int connections = 100;
    int deployments = 1;
    long rate = 1000;
    int duration = 30;
    int warmup = 5;
    String heap = "2g";
    int batch = 1;
    int lineBytes = 100;
    int threads = 2;
    int concurrency = 64;
    int sources = -1;
    int drain = 10;
    boolean metrics = false;
    int scrapeInterval = 15;
    for (int i = 0; i < args.length; i++) {
      String name = args[i];
      if (name.equals("--help") || name.equals("-h")) {
        throw new UsageException("");
      }
      if (i + 1 >= args.length) {
        throw new UsageException(name + " needs a value");
      }
      String value = args[++i];
      switch (name) {
        case "--connections" -> connections = intIn(name, value, 1, 1_000_000);
        case "--deployments" -> deployments = intIn(name, value, 1, 100_000);
        case "--rate" -> rate = intIn(name, value, 1, 10_000_000);
        case "--duration" -> duration = intIn(name, value, 1, 86_400);
        case "--warmup" -> warmup = intIn(name, value, 0, 86_400);
        case "--server-heap" -> {
          if (!value.toLowerCase(Locale.ROOT).matches("[0-9]+[kmg]?")) {
            throw new UsageException("--server-heap must be like 512m or 2g, was " + value);
          }
          heap = value;
        }
        case "--batch-lines" -> batch = intIn(name, value, 1, 10_000);
        case "--line-bytes" -> lineBytes = intIn(name, value, 40, 60_000);
        case "--client-threads" -> threads = intIn(name, value, 1, 64);
        case "--connect-concurrency" -> concurrency = intIn(name, value, 1, 100_000);
        case "--source-addresses" -> sources = intIn(name, value, 0, 254);
        case "--drain" -> drain = intIn(name, value, 1, 3_600);
        case "--metrics" -> {
          if (!value.equals("on") && !value.equals("off")) {
            throw new UsageException("--metrics must be on or off, was " + value);
          }
          metrics = value.equals("on");
        }
        case "--scrape-interval" -> scrapeInterval = intIn(name, value, 1, 3_600);
        default -> throw new UsageException("unknown option " + name);
      }
    }
    if (sources < 0) {
      sources = 1 + (connections - 1) / 10_000;
    }
    if (rate < batch) {
      throw new UsageException("--rate must be at least --batch-lines");
    }
    return new LoadOptions(
        connections,
        deployments,
        rate,
        duration,
        warmup,
        heap,
        batch,
        lineBytes,
        threads,
        concurrency,
        sources,
        drain,
        metrics,
        scrapeInterval);
  }

  static int intIn(String name, String value, int min, int max) throws UsageException {
    int v;
    try {
      v = Integer.parseInt(value.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new UsageException(name + " must be a whole number, was " + value);
    }
    if (v < min || v > max) {
      throw new UsageException(name + " must be between " + min + " and " + max + ", was " + v);
    }
    return v;
  }

  /** The options as a command line that repeats this run. */
  String commandLine() {
    List<String> parts = new ArrayList<>();
    parts.add("benchmarks/load-tool");
    parts.add("--connections " + connections);
    parts.add("--deployments " + deployments);
    parts.add("--rate " + rate);
    parts.add("--duration " + durationSeconds);
    parts.add("--warmup " + warmupSeconds);
    parts.add("--server-heap " + serverHeap);
    if (batchLines != 1) {
      parts.add("--batch-lines " + batchLines);
    }
    if (lineBytes != 100) {
      parts.add("--line-bytes " + lineBytes);
    }
    if (clientThreads != 2) {
      parts.add("--client-threads " + clientThreads);
    }
    if (connectConcurrency != 64) {
      parts.add("--connect-concurrency " + connectConcurrency);
    }
    if (sourceAddresses != 1 + (connections - 1) / 10_000) {
      parts.add("--source-addresses " + sourceAddresses);
    }
    if (drainSeconds != 10) {
      parts.add("--drain " + drainSeconds);
    }
    if (metrics) {
      parts.add("--metrics on");
    }
    if (scrapeIntervalSeconds != 15) {
      parts.add("--scrape-interval " + scrapeIntervalSeconds);
    }
    return String.join(" ", parts);
  }
}
