package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static io.coderunner.server.TestServer.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coderunner.server.TestServer.Res;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a hostile client does to the listener and to login, sent from several loopback addresses
 * (127.0.0.2 and up) with raw sockets, while a well-behaved client at 127.0.0.1 checks that it is
 * still answered as usual.
 */
class HostileClientsIT {
  private static final String STALLED_LOGIN =
      String.join(
          "\r\n",
          "POST /api/auth/login HTTP/1.1",
          "Host: coderunner.test",
          "Content-Type: application/json",
          "Content-Length: 100",
          "",
          "{");
  private static final String WS_UPGRADE =
      String.join(
          "\r\n",
          "GET /ws HTTP/1.1",
          "Host: coderunner.test",
          "Upgrade: websocket",
          "Connection: Upgrade",
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
          "Sec-WebSocket-Version: 13",
          "",
          "");

  /** A sample from {@code /metrics}: the value of the line that starts with {@code series}. */
  static double metric(TestServer t, String series) {
    for (String line : t.get("/metrics", null).body().split("\n", -1)) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    return 0;
  }

  /** Open connections, counting the test client's own keep-alive connection that asks. */
  private static double openConnections(TestServer t) {
    return metric(t, "coderunner_http_connections");
  }

  private static String loginBody(String user, String password) {
    return "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}";
  }

  /** The bystander: a real HTTP client at 127.0.0.1. */
  private static void bystanderIsAnswered(TestServer t) {
    assertThat(t.get("/health/live", null).status()).isEqualTo(200);
    Res login = t.post("/api/auth/login", null, loginBody("alice", PASSWORD));
    assertThat(login.status()).as(login.body()).isEqualTo(200);
    assertThat(login.json().get("token").asText()).isNotEmpty();
  }

  private static void closeAll(List<RawHttp> sockets) throws Exception {
    for (RawHttp s : sockets) {
      s.close();
    }
  }

  @Test
  void aThousandStalledRequestsLeaveLoginAndLivenessAnswering() throws Exception {
    try (TestServer t = new TestServer(b -> b.requestBodyTimeout(Duration.ofMinutes(5)))) {
      List<RawHttp> stalled = new ArrayList<>();
      try {
        for (int i = 0; i < 1000; i++) {
          stalled.add(
              RawHttp.connect("127.0.0." + (2 + i % 4), t.server.port()).send(STALLED_LOGIN));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> openConnections(t) >= 1000);

        bystanderIsAnswered(t);

        // the stalls are still open: the bystander was answered beside them, not after them
        assertThat(openConnections(t)).isGreaterThanOrEqualTo(1000);
      } finally {
        closeAll(stalled);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> openConnections(t) <= 1);
    }
  }

  @Test
  void requestsWhoseHeadersOrBodyStopArrivingAndIdleConnectionsAreClosed() throws Exception {
    try (TestServer t =
        new TestServer(
            b ->
                b.requestHeaderTimeout(Duration.ofMillis(500))
                    .requestBodyTimeout(Duration.ofMillis(500))
                    .idleTimeout(Duration.ofMillis(500)))) {
      int port = t.server.port();
      try (RawHttp body = RawHttp.connect("127.0.0.2", port);
          RawHttp headers = RawHttp.connect("127.0.0.3", port);
          RawHttp idle = RawHttp.connect("127.0.0.4", port)) {
        body.send(STALLED_LOGIN);
        headers.send("GET /health/live HTTP/1.1\r\nHost: coder");
        RawHttp.Response ok = idle.exchange("GET", "/health/live", null);
        assertThat(ok.status()).isEqualTo(200);

        RawHttp.Response timedOut = body.read();
        assertThat(timedOut.status()).isEqualTo(408);
        assertThat(timedOut.header("Content-Type")).isEqualTo("application/problem+json");
        assertThat(timedOut.header("Connection")).isEqualTo("close");
        assertThat(timedOut.body()).contains("request body");
        assertThat(body.closedByServer()).isTrue();

        // headers that stop arriving: closed without an answer, as nginx does
        assertThat(headers.closedByServer()).isTrue();
        // a keep-alive connection with no next request
        assertThat(idle.closedByServer()).isTrue();
      }
      // the same addresses are served again, and so is everyone else
      try (RawHttp again = RawHttp.connect("127.0.0.2", port)) {
        assertThat(again.login("alice", PASSWORD).status()).isEqualTo(200);
      }
      bystanderIsAnswered(t);
      await().atMost(Duration.ofSeconds(30)).until(() -> openConnections(t) <= 1);
    }
  }

  @Test
  void connectionsPerAddressAreCappedAtAcceptAndFreedOnClose() throws Exception {
    try (TestServer t = new TestServer(b -> b.maxConnectionsPerAddress(5))) {
      int port = t.server.port();
      List<RawHttp> five = new ArrayList<>();
      List<RawHttp> sockets = new ArrayList<>();
      try {
        for (int i = 0; i < 5; i++) {
          RawHttp c = RawHttp.connect("127.0.0.2", port);
          five.add(c);
          assertThat(c.exchange("GET", "/health/live", null).status()).isEqualTo(200);
        }
        RawHttp sixth = RawHttp.connect("127.0.0.2", port);
        sockets.add(sixth);
        assertThat(sixth.closedByServer()).isTrue();
        assertThat(metric(t, "coderunner_http_connections_refused_total")).isEqualTo(1);

        // another address is not affected, nor are the five already open
        try (RawHttp other = RawHttp.connect("127.0.0.3", port)) {
          assertThat(other.exchange("GET", "/health/live", null).status()).isEqualTo(200);
        }
        bystanderIsAnswered(t);
        for (RawHttp c : five) {
          assertThat(c.exchange("GET", "/health/live", null).status()).isEqualTo(200);
        }

        // one closes: its place is free again
        five.remove(0).close();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  RawHttp c = RawHttp.connect("127.0.0.2", port);
                  sockets.add(c);
                  try {
                    return c.exchange("GET", "/health/live", null).status() == 200;
                  } catch (java.io.IOException e) {
                    return false;
                  }
                });

        // a WebSocket keeps its place while upgraded and gives it back when it closes
        List<RawHttp> ws = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          RawHttp c = RawHttp.connect("127.0.0.4", port);
          sockets.add(c);
          ws.add(c);
          assertThat(c.send(WS_UPGRADE).read().status()).isEqualTo(101);
        }
        RawHttp refused = RawHttp.connect("127.0.0.4", port);
        sockets.add(refused);
        assertThat(refused.closedByServer()).isTrue();
        ws.get(0).close();
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  RawHttp c = RawHttp.connect("127.0.0.4", port);
                  sockets.add(c);
                  try {
                    return c.send(WS_UPGRADE).read().status() == 101;
                  } catch (java.io.IOException e) {
                    return false;
                  }
                });
      } finally {
        closeAll(five);
        closeAll(sockets);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> openConnections(t) <= 1);
    }
  }

  @Test
  void behindATrustedProxyLimitsApplyPerForwardedClientAndCannotBeForged() throws Exception {
    try (TestServer t =
        new TestServer(
            b ->
                b.trustedProxies(Set.of("127.0.0.1"))
                    .loginFailuresPerMinutePerUserAndAddress(2)
                    .maxConnectionsPerAddress(2)
                    .requestBodyTimeout(Duration.ofMinutes(5)))) {
      int port = t.server.port();
      // through the proxy (127.0.0.1): each forwarded client has its own budget
      for (int i = 0; i < 2; i++) {
        assertThat(login(t, "wrong", "X-Forwarded-For", "203.0.113.5").statusCode()).isEqualTo(401);
      }
      assertThat(login(t, "wrong", "X-Forwarded-For", "203.0.113.5").statusCode()).isEqualTo(429);
      assertThat(login(t, PASSWORD, "X-Forwarded-For", "203.0.113.6").statusCode()).isEqualTo(200);
      // what a client wrote on the left of the chain is not believed: the proxy's hop counts
      assertThat(login(t, PASSWORD, "X-Forwarded-For", "203.0.113.6, 203.0.113.5").statusCode())
          .isEqualTo(429);
      for (int i = 0; i < 2; i++) {
        assertThat(
                login(t, "wrong", "Forwarded", "for=\"[2001:db8::1]:4711\";proto=https")
                    .statusCode())
            .isEqualTo(401);
      }
      assertThat(login(t, "wrong", "Forwarded", "for=\"[2001:db8::1]\"").statusCode())
          .isEqualTo(429);
      assertThat(login(t, PASSWORD, "Forwarded", "for=198.51.100.3").statusCode()).isEqualTo(200);

      // a client that is not a trusted proxy cannot pick its address
      for (int i = 0; i < 2; i++) {
        try (RawHttp c = RawHttp.connect("127.0.0.2", port)) {
          assertThat(c.login("alice", "wrong", "X-Forwarded-For: 192.0.2." + i).status())
              .isEqualTo(401);
        }
      }
      try (RawHttp c = RawHttp.connect("127.0.0.2", port)) {
        assertThat(c.login("alice", "wrong", "X-Forwarded-For: 192.0.2.99").status())
            .isEqualTo(429);
      }

      // requests in flight are capped per forwarded client, not per proxy connection
      List<RawHttp> stalled = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          stalled.add(
              RawHttp.connect("127.0.0.1", port)
                  .send(
                      STALLED_LOGIN.replace(
                          "\r\n\r\n", "\r\nX-Forwarded-For: 198.51.100.20\r\n\r\n")));
        }
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  try (RawHttp c = RawHttp.connect("127.0.0.1", port)) {
                    RawHttp.Response r =
                        c.exchange("GET", "/health/live", null, "X-Forwarded-For: 198.51.100.20");
                    return r.status() == 429 && "1".equals(r.header("Retry-After"));
                  }
                });
        try (RawHttp c = RawHttp.connect("127.0.0.1", port)) {
          assertThat(
                  c.exchange("GET", "/health/live", null, "X-Forwarded-For: 198.51.100.21")
                      .status())
              .isEqualTo(200);
        }
      } finally {
        closeAll(stalled);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                try (RawHttp c = RawHttp.connect("127.0.0.1", port)) {
                  return c.exchange("GET", "/health/live", null, "X-Forwarded-For: 198.51.100.20")
                          .status()
                      == 200;
                }
              });
    }
  }

  private static HttpResponse<String> login(TestServer t, String password, String... headers)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create(t.server.uri() + "/api/auth/login"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(loginBody("alice", password)));
    for (int i = 0; i < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
    }
    return t.http.send(r.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void parallelGuessesCheckNoMorePasswordsThanTheLimitAndTheOwnerStillLogsIn() throws Exception {
    try (TestServer t = new TestServer()) {
      int port = t.server.port();
      ExecutorService pool = Executors.newFixedThreadPool(40);
      List<RawHttp.Response> answers = new ArrayList<>();
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<RawHttp.Response>> guesses = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
          guesses.add(
              pool.submit(
                  () -> {
                    try (RawHttp c = RawHttp.connect("127.0.0.2", port)) {
                      go.await();
                      return c.login("alice", "guess");
                    }
                  }));
        }
        go.countDown();
        for (Future<RawHttp.Response> g : guesses) {
          answers.add(g.get(120, TimeUnit.SECONDS));
        }
      } finally {
        pool.shutdownNow();
      }
      long checked = answers.stream().filter(a -> a.status() == 401).count();
      assertThat(answers)
          .extracting(RawHttp.Response::status)
          .allMatch(s -> Set.of(401, 429, 503).contains(s));
      assertThat(answers)
          .filteredOn(a -> a.status() != 401)
          .allSatisfy(a -> assertThat(a.header("Retry-After")).isNotNull());
      assertThat(checked).isBetween(1L, 10L);
      assertThat(metric(t, "coderunner_auth_logins_total{outcome=\"failure\"}"))
          .isEqualTo((double) checked);

      // the owner, from another address, is not locked out
      bystanderIsAnswered(t);
    }
  }

  @Test
  void aSpentUsernameBudgetStillLetsTheOwnerInFromACleanAddress() throws Exception {
    try (TestServer t = new TestServer(b -> b.loginFailuresPerMinutePerUser(3))) {
      int port = t.server.port();
      for (int i = 2; i <= 4; i++) {
        try (RawHttp c = RawHttp.connect("127.0.0." + i, port)) {
          assertThat(c.login("alice", "guess").status()).isEqualTo(401);
        }
      }
      try (RawHttp c = RawHttp.connect("127.0.0.2", port)) {
        assertThat(c.login("alice", "guess").status()).isEqualTo(429);
      }
      try (RawHttp c = RawHttp.connect("127.0.0.5", port)) {
        assertThat(c.login("alice", "guess").status()).isEqualTo(401);
        assertThat(c.login("alice", "guess").status()).isEqualTo(429);
      }
      // other users are not slowed by alice's attacker
      try (RawHttp c = RawHttp.connect("127.0.0.2", port)) {
        assertThat(c.login("bob", PASSWORD).status()).isEqualTo(200);
      }
      bystanderIsAnswered(t);
      assertThat(t.get("/api/auth/profile", ALICE).status()).isEqualTo(200);
    }
  }
}
