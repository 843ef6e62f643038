package io.coderunner.benchmarks.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The hostile-clients attack of {@code benchmarks/hostile-filters --attack clients}: stalled
 * requests (headers with {@code Content-Length: 100} and one byte of body) kept open from 127.0.0.2
 * to 127.0.0.5, reopened whenever the server times one out, and a flood of wrong-password logins
 * for the demo user from 127.0.0.10 and up. Beside it, a probe logs in as the demo user from
 * 127.0.0.1 four times a second and times each login. A probe login refused in a measured phase
 * fails the run; one refused while the attack ramps up is reported: an address's first guess is not
 * yet known to be hostile and may take a password check the probe then finds busy (503).
 */
final class ClientAttack {
  private static final byte[] STALLED =
      ("POST /api/auth/login HTTP/1.1\r\nHost: coderunner\r\nContent-Type: application/json\r\n"
              + "Content-Length: 100\r\n\r\n{")
          .getBytes(StandardCharsets.US_ASCII);
  private static final String GUESS = "{\"username\":\"demo\",\"password\":\"guess\"}";

  private final InetSocketAddress server;
  private final int stalled;
  private final int flooders;
  private final int floodRate;
  private final Histogram loginAlone = new Histogram();
  private final Histogram loginAttack = new Histogram();
  private final AtomicLong loginFailures = new AtomicLong();
  private final Map<String, LongAdder> probeRefusals = new ConcurrentHashMap<>();
  private final AtomicLong stallsTimedOut = new AtomicLong();
  private final AtomicLong stallsOpen = new AtomicLong();
  private final Map<Integer, LongAdder> floodAnswers = new ConcurrentHashMap<>();
  private volatile boolean attacking;

  ClientAttack(InetSocketAddress server, int stalled, int flooders, int floodRate) {
    this.server = server;
    this.stalled = stalled;
    this.flooders = flooders;
    this.floodRate = floodRate;
  }

  int flooders() {
    return flooders;
  }

  void start() {
    attacking = true;
  }

  void stop() {
    attacking = false;
  }

  /** Logs in every 250 ms until {@code running} says stop, timing each by the current phase. */
  void probeLogins(URI base, Supplier<HostileFilters.Phase> phase, Supplier<Boolean> running)
      throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest login =
        HttpRequest.newBuilder(base.resolve("/api/auth/login"))
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(30))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"username\":\"demo\",\"password\":\"demo\"}"))
            .build();
    Pacer pacer = Pacer.atMost(4);
    while (running.get()) {
      HostileFilters.Phase p = phase.get();
      long start = System.nanoTime();
      HttpResponse<String> r = http.send(login, HttpResponse.BodyHandlers.ofString());
      long micros = (System.nanoTime() - start) / 1000;
      if (r.statusCode() != 200) {
        loginFailures.incrementAndGet();
        probeRefusals
            .computeIfAbsent(
                p.name().toLowerCase(Locale.ROOT) + " " + r.statusCode(), k -> new LongAdder())
            .increment();
      } else if (p == phase.get()) {
        Histogram h =
            p == HostileFilters.Phase.ALONE
                ? loginAlone
                : p == HostileFilters.Phase.ATTACK ? loginAttack : null;
        if (h != null) {
          synchronized (this) {
            h.record(micros);
          }
        }
      }
      pacer.await();
    }
  }

  /** Keeps {@code stalled} requests open on one selector thread until the attack stops. */
  void stall() throws IOException {
    List<SocketChannel> open = new ArrayList<>();
    try (Selector selector = Selector.open()) {
      for (int i = 0; i < stalled; i++) {
        open.add(openStalled(selector, i));
      }
      ByteBuffer sink = ByteBuffer.allocate(4096);
      while (attacking) {
        selector.select(200);
        for (SelectionKey key : selector.selectedKeys()) {
          SocketChannel ch = (SocketChannel) key.channel();
          int index = (Integer) key.attachment();
          sink.clear();
          int n;
          try {
            n = ch.read(sink);
          } catch (IOException e) {
            n = -1;
          }
          if (n != 0) { // an answer (408) or a close: the server timed it out; stall again
            stallsTimedOut.incrementAndGet();
            key.cancel();
            ch.close();
            stallsOpen.decrementAndGet();
            open.set(index, openStalled(selector, index));
          }
        }
        selector.selectedKeys().clear();
      }
    } finally {
      for (SocketChannel ch : open) {
        ch.close();
      }
      stallsOpen.set(0);
    }
  }

  private SocketChannel openStalled(Selector selector, int index) throws IOException {
    SocketChannel ch = SocketChannel.open();
    ch.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (2 + index % 4)), 0));
    ch.connect(server);
    ch.write(ByteBuffer.wrap(STALLED));
    ch.configureBlocking(false);
    ch.register(selector, SelectionKey.OP_READ, index);
    stallsOpen.incrementAndGet();
    return ch;
  }

  /**
   * One flooder: wrong-password logins from its own address, {@code floodRate} a second at most.
   */
  void flood(int index) throws IOException {
    InetAddress from = InetAddress.getByName("127.0.0." + (10 + index));
    byte[] request =
        ("POST /api/auth/login HTTP/1.1\r\nHost: coderunner\r\nConnection: close\r\n"
                + "Content-Type: application/json\r\nContent-Length: "
                + GUESS.length()
                + "\r\n\r\n"
                + GUESS)
            .getBytes(StandardCharsets.US_ASCII);
    Pacer pacer = Pacer.atMost(floodRate);
    while (attacking) {
      int status;
      try (Socket s = new Socket()) {
        s.setSoTimeout(30_000);
        s.bind(new InetSocketAddress(from, 0));
        s.connect(server);
        OutputStream out = s.getOutputStream();
        out.write(request);
        out.flush();
        status = status(s.getInputStream());
      } catch (IOException e) {
        status = -1;
      }
      floodAnswers.computeIfAbsent(status, k -> new LongAdder()).increment();
      pacer.await();
    }
  }

  private static int status(InputStream in) throws IOException {
    byte[] head = in.readNBytes(12); // "HTTP/1.1 401"
    in.readAllBytes();
    return head.length == 12
        ? Integer.parseInt(new String(head, 9, 3, StandardCharsets.US_ASCII))
        : -1;
  }

  long stallsOpen() {
    return stallsOpen.get();
  }

  /** Prints the login probe per phase, the stalls and the flood's answers. */
  synchronized boolean report(PrintStream out, int seconds) {
    out.printf(
        Locale.ROOT,
        "%-10s %-7s %8s %9s %9s %9s %9s%n",
        "login",
        "phase",
        "logins",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms");
    for (Object[] row : new Object[][] {{"alone", loginAlone}, {"attack", loginAttack}}) {
      Histogram h = (Histogram) row[1];
      out.printf(
          Locale.ROOT,
          "%-10s %-7s %8d %9.3f %9.3f %9.3f %9.3f%n",
          "login",
          row[0],
          h.count(),
          h.quantile(0.50) / 1000.0,
          h.quantile(0.90) / 1000.0,
          h.quantile(0.99) / 1000.0,
          h.max() / 1000.0);
    }
    out.printf(
        Locale.ROOT,
        "login: p99 under attack / alone = %s; probe logins refused: %d (by phase and status:"
            + " %s)%n",
        loginAttack.p99Ratio(loginAlone),
        loginFailures.get(),
        probeRefusals);
    Map<Integer, Long> answers = new TreeMap<>();
    floodAnswers.forEach((k, v) -> answers.put(k, v.sum()));
    long total = answers.values().stream().mapToLong(Long::longValue).sum();
    out.printf(
        Locale.ROOT,
        "attack: %d stalled requests held open, %d timed out by the server and reopened; login"
            + " flood from %d addresses, %.0f/s, answers by status %s%n",
        stalled,
        stallsTimedOut.get(),
        flooders,
        total / (double) Math.max(1, seconds + 2),
        answers);
    // refusals while the attack ramps up (fresh addresses' first guesses) are printed, not failed
    return probeRefusals.entrySet().stream()
        .noneMatch(e -> !e.getKey().startsWith("ramp ") && e.getValue().sum() > 0);
  }
}
