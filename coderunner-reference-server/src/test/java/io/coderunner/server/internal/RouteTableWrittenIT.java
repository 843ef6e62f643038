package io.coderunner.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.auth.JwtConfig;
import io.coderunner.core.auth.JwtService;
import io.coderunner.metrics.HttpServerMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A route that writes its own answer ({@link RouteTable#written}) on a real Undertow server: a
 * failure before the answer started is a problem, one after it cuts the connection, so that a
 * client never takes a cut body for a whole one (the raw log download is such a route).
 */
class RouteTableWrittenIT {
  private static final byte[] CHUNK =
      "0123456789abcdef\n".repeat(1024).getBytes(StandardCharsets.UTF_8);
  private static Undertow server;
  private static int port;

  @BeforeAll
  static void start() {
    JwtService jwt =
        JwtService.create(
            JwtConfig.builder()
                .signingSecret(
                    "a secret of at least thirty-two bytes".getBytes(StandardCharsets.UTF_8))
                .build(),
            Clock.systemUTC());
    RouteTable routes =
        new RouteTable(
            jwt,
            new TokenBuckets(1000, Duration.ofMinutes(1).toNanos(), System::nanoTime, 100),
            1024,
            Duration.ofSeconds(5),
            HttpServerMetrics.create(new SimpleMeterRegistry()));
    routes.written(
        "GET",
        "/fails-early",
        RouteTable.Access.PUBLIC,
        call -> {
          throw new IOException("the store could not be read");
        });
    routes.written(
        "GET",
        "/fails-midway",
        RouteTable.Access.PUBLIC,
        call -> {
          var ex = call.exchange();
          ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
          OutputStream out = call.streamBody();
          for (int i = 0; i < 8; i++) {
            out.write(CHUNK);
          }
          out.flush();
          throw new IOException("the store failed after 8 pages");
        });
    routes.written(
        "GET",
        "/whole",
        RouteTable.Access.PUBLIC,
        call -> {
          var ex = call.exchange();
          ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
          ex.getResponseSender().send(ByteBuffer.wrap(CHUNK));
        });
    server =
        Undertow.builder().addHttpListener(0, "127.0.0.1").setHandler(routes.handler()).build();
    server.start();
    port = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
  }

  @AfterAll
  static void stop() {
    server.stop();
  }

  /** Sends a GET over a raw socket and reads until the server closes or 5 s pass. */
  private static String get(String path) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) >= 0; ) {
        got.write(buf, 0, n);
      }
      return got.toString(StandardCharsets.UTF_8);
    }
  }

  @Test
  void aFailureBeforeTheAnswerIsAProblem() throws IOException {
    String r = get("/fails-early");
    assertThat(r).startsWith("HTTP/1.1 500 ");
    assertThat(r).contains("application/problem+json");
  }

  @Test
  void aFailureAfterTheBodyStartedCutsTheConnectionWithoutTheLastChunk() throws IOException {
    String r = get("/fails-midway");
    assertThat(r).startsWith("HTTP/1.1 200 ");
    assertThat(r).contains("Transfer-Encoding: chunked");
    assertThat(r).contains("0123456789abcdef");
    // A whole chunked body ends with the zero-length chunk; a cut one does not, so a client knows.
    assertThat(r).doesNotEndWith("\r\n0\r\n\r\n");

    // The server goes on answering other requests.
    String whole = get("/whole");
    assertThat(whole).startsWith("HTTP/1.1 200 ");
    assertThat(whole).endsWith(new String(CHUNK, StandardCharsets.UTF_8));
  }
}
