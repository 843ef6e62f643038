package io.coderunner.server;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket bound to a chosen loopback address, so a test can be several
 * clients, send exactly the bytes it means (partial headers, short bodies, forged forwarding
 * headers) and see exactly what the server does with the connection.
 */
final class RawHttp implements Closeable {
  /** One parsed response. */
  record Response(int status, Map<String, String> headers, String body) {
    String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects from {@code localAddress} (e.g. {@code 127.0.0.2}) to the server's port. */
  static RawHttp connect(String localAddress, int port) throws IOException {
    Socket s = new Socket();
    s.setSoTimeout(30_000); // a bound on a broken server, not a synchronisation
    s.bind(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
    return new RawHttp(s);
  }

  RawHttp send(String text) throws IOException {
    out.write(text.getBytes(UTF_8));
    out.flush();
    return this;
  }

  /**
   * A whole request: {@code headers} are extra lines such as {@code "X-Forwarded-For: 1.2.3.4"}.
   */
  RawHttp request(String method, String path, String body, String... headers) throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: coderunner.test\r\n");
    for (String h : headers) {
      sb.append(h).append("\r\n");
    }
    if (body != null) {
      byte[] bytes = body.getBytes(UTF_8);
      sb.append("Content-Type: application/json\r\nContent-Length: ")
          .append(bytes.length)
          .append("\r\n");
    }
    sb.append("\r\n");
    if (body != null) {
      sb.append(body);
    }
    return send(sb.toString());
  }

  /** Sends a request and reads its response. */
  Response exchange(String method, String path, String body, String... headers) throws IOException {
    return request(method, path, body, headers).read();
  }

  /** A login request as JSON. */
  Response login(String username, String password, String... headers) throws IOException {
    return exchange(
        "POST",
        "/api/auth/login",
        "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}",
        headers);
  }

  /** Reads one response: status line, headers, and a body by length, chunks or until close. */
  Response read() throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("the server closed the connection without answering");
    }
    int status = Integer.parseInt(statusLine.split(" ", 3)[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(); l != null && !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.put(
          l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    String length = headers.get("content-length");
    if (status == 101 || status == 204 || status == 304) {
      // no body
    } else if (length != null) {
      body.write(in.readNBytes(Integer.parseInt(length)));
    } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      for (int size = Integer.parseInt(line().trim(), 16); size > 0; ) {
        body.write(in.readNBytes(size));
        line();
        size = Integer.parseInt(line().trim(), 16);
      }
      line();
    } else {
      body.write(in.readAllBytes());
    }
    return new Response(status, headers, body.toString(UTF_8));
  }

  /**
   * Whether the server closed the connection (end of stream or reset) before sending a byte; blocks
   * until it does, sends something, or the socket's timeout passes.
   */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketException e) {
      return true; // reset
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        String s = b.toString(ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      b.write(c);
    }
    return b.size() == 0 ? null : b.toString(ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
