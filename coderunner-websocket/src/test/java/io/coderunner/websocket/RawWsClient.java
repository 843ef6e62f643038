package io.coderunner.websocket;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A WebSocket client written by hand over a plain {@link Socket}, for what the JDK client will not
 * do: stop reading, never answer a ping, send a frame header that lies about its length. It
 * performs the upgrade itself, masks every frame it sends (as RFC 6455 requires of clients) and
 * reads frames only when a test asks it to.
 */
final class RawWsClient implements AutoCloseable {
  static final int OP_CONTINUATION = 0x0;
  static final int OP_TEXT = 0x1;
  static final int OP_BINARY = 0x2;
  static final int OP_CLOSE = 0x8;
  static final int OP_PING = 0x9;
  static final int OP_PONG = 0xA;

  /** Returned by {@link #readUntilClose} when the stream ended without a close frame. */
  static final int NO_CLOSE_FRAME = -1;

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One frame from the server. */
  static final class Frame {
    private final boolean fin;
    private final int opcode;
    private final byte[] payload;

    Frame(boolean fin, int opcode, byte[] payload) {
      this.fin = fin;
      this.opcode = opcode;
      this.payload = payload;
    }

    boolean fin() {
      return fin;
    }

    int opcode() {
      return opcode;
    }

    byte[] payload() {
      return payload;
    }

    String text() {
      return new String(payload, UTF_8);
    }

    /** The close code of a close frame, or 1005 when it carries none. */
    int closeCode() {
      return payload.length >= 2 ? ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF) : 1005;
    }
  }

  /** The server's answer to the upgrade request. */
  record Handshake(int status, Map<String, String> headers) {}

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final Handshake handshake;

  private RawWsClient(Socket socket, Handshake handshake) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
    this.handshake = handshake;
  }

  /**
   * Connects and sends the upgrade request with {@code headers}; returns once the response header
   * was read, whatever its status.
   *
   * @param receiveBufferBytes the socket's receive buffer, set before connecting so that it bounds
   *     the TCP window; 0 for the system default
   */
  static RawWsClient connect(
      InetSocketAddress address, String path, Map<String, String> headers, int receiveBufferBytes)
      throws IOException {
    Socket socket = new Socket();
    try {
      if (receiveBufferBytes > 0) {
        socket.setReceiveBufferSize(receiveBufferBytes);
      }
      socket.setTcpNoDelay(true);
      socket.connect(address, 10_000);
      socket.setSoTimeout((int) Awaits.PROMPTLY.toMillis());
      byte[] keyBytes = new byte[16];
      RANDOM.nextBytes(keyBytes);
      String key = Base64.getEncoder().encodeToString(keyBytes);
      StringBuilder request = new StringBuilder();
      request
          .append("GET ")
          .append(path)
          .append(" HTTP/1.1\r\n")
          .append("Host: ")
          .append(address.getHostString())
          .append(':')
          .append(address.getPort())
          .append("\r\n")
          .append("Upgrade: websocket\r\n")
          .append("Connection: Upgrade\r\n")
          .append("Sec-WebSocket-Key: ")
          .append(key)
          .append("\r\n")
          .append("Sec-WebSocket-Version: 13\r\n");
      headers.forEach(
          (name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
      request.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(US_ASCII));
      out.flush();
      Handshake handshake = readHandshake(socket.getInputStream());
      if (handshake.status() == 101) {
        String accept = handshake.headers().get("sec-websocket-accept");
        if (!expectedAccept(key).equals(accept)) {
          throw new IOException("bad Sec-WebSocket-Accept: " + accept);
        }
      }
      return new RawWsClient(socket, handshake);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private static Handshake readHandshake(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed during the upgrade: " + head.toString(US_ASCII));
      }
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > 64 << 10) {
        throw new IOException("upgrade response header too long");
      }
    }
    String[] lines = head.toString(US_ASCII).split("\r\n", -1);
    String[] statusLine = lines[0].split(" ", 3);
    int status = Integer.parseInt(statusLine[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    return new Handshake(status, headers);
  }

  private static String expectedAccept(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return Base64.getEncoder().encodeToString(sha1.digest((key + GUID).getBytes(US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  Handshake handshake() {
    return handshake;
  }

  boolean upgraded() {
    return handshake.status() == 101;
  }

  // ---- writing

  void sendText(String text) throws IOException {
    sendFrame(true, OP_TEXT, text.getBytes(UTF_8));
  }

  void sendBinary(byte[] data) throws IOException {
    sendFrame(true, OP_BINARY, data);
  }

  void sendClose(int code) throws IOException {
    sendFrame(true, OP_CLOSE, new byte[] {(byte) (code >> 8), (byte) code});
  }

  /** Sends one complete, masked frame. */
  void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
    writeHeader(fin, opcode, payload.length, payload);
  }

  /**
   * Sends a frame header that announces {@code declaredLength} payload bytes, followed by only
   * {@code actual}: the rest never comes.
   */
  void sendTruncatedFrame(int opcode, long declaredLength, byte[] actual) throws IOException {
    writeHeader(true, opcode, declaredLength, actual);
  }

  private synchronized void writeHeader(boolean fin, int opcode, long length, byte[] payload)
      throws IOException {
    ByteArrayOutputStream frame = new ByteArrayOutputStream();
    frame.write((fin ? 0x80 : 0) | opcode);
    if (length < 126) {
      frame.write(0x80 | (int) length);
    } else if (length <= 0xFFFF) {
      frame.write(0x80 | 126);
      frame.write((int) (length >> 8) & 0xFF);
      frame.write((int) length & 0xFF);
    } else {
      frame.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame.write((int) (length >> shift) & 0xFF);
      }
    }
    byte[] mask = new byte[4];
    RANDOM.nextBytes(mask);
    frame.write(mask, 0, 4);
    byte[] masked = new byte[payload.length];
    for (int i = 0; i < payload.length; i++) {
      masked[i] = (byte) (payload[i] ^ mask[i & 3]);
    }
    frame.write(masked, 0, masked.length);
    out.write(frame.toByteArray());
    out.flush();
  }

  // ---- reading

  /** Reads one frame; throws {@link EOFException} at the end of the stream. */
  Frame readFrame() throws IOException {
    int b0 = readByte();
    int b1 = readByte();
    boolean fin = (b0 & 0x80) != 0;
    int opcode = b0 & 0x0F;
    if ((b1 & 0x80) != 0) {
      throw new IOException("the server masked a frame");
    }
    long length = b1 & 0x7F;
    if (length == 126) {
      length = ((long) readByte() << 8) | readByte();
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | readByte();
      }
    }
    if (length > 64 << 20) {
      throw new IOException("frame of " + length + " bytes");
    }
    byte[] payload = in.readNBytes((int) length);
    if (payload.length < length) {
      throw new EOFException("the stream ended inside a frame");
    }
    return new Frame(fin, opcode, payload);
  }

  /** Reads one whole message (joining continuation frames); pings and pongs are returned alone. */
  Frame readMessage() throws IOException {
    Frame first = readFrame();
    if (first.fin() || first.opcode() >= OP_CLOSE) {
      return first;
    }
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    data.write(first.payload(), 0, first.payload().length);
    while (true) {
      Frame next = readFrame();
      if (next.opcode() >= OP_CLOSE) {
        continue; // control frames may interleave; a test that needs them reads frames itself
      }
      data.write(next.payload(), 0, next.payload().length);
      if (next.fin()) {
        return new Frame(true, first.opcode(), data.toByteArray());
      }
    }
  }

  /** Reads the next text message, skipping control frames; fails on a close or the end. */
  String readText() throws IOException {
    while (true) {
      Frame f = readMessage();
      if (f.opcode() == OP_TEXT) {
        return f.text();
      }
      if (f.opcode() == OP_CLOSE) {
        throw new IOException("closed with " + f.closeCode() + " while a text was expected");
      }
    }
  }

  /**
   * Reads everything until a close frame or the end of the stream, handing each text message to
   * {@code onText}, never answering pings.
   *
   * @return the close frame's code, or {@link #NO_CLOSE_FRAME} when the stream ended (or was reset)
   *     without one
   */
  int readUntilClose(@Nullable TextSink onText) throws IOException {
    while (true) {
      Frame f;
      try {
        f = readMessage();
      } catch (EOFException e) {
        return NO_CLOSE_FRAME;
      } catch (SocketException e) {
        if (e.getMessage() != null && e.getMessage().contains("reset")) {
          return NO_CLOSE_FRAME;
        }
        throw e;
      }
      if (f.opcode() == OP_CLOSE) {
        return f.closeCode();
      }
      if (f.opcode() == OP_TEXT && onText != null) {
        onText.accept(f.text());
      }
    }
  }

  /** Receives text messages in {@link #readUntilClose}. */
  @FunctionalInterface
  interface TextSink {
    void accept(String text);
  }

  /**
   * Reads until the peer closes the TCP connection, discarding everything; returns whether it did
   * within the socket's read timeout.
   */
  boolean readsEndOfStream(Duration atMost) throws IOException {
    socket.setSoTimeout((int) atMost.toMillis());
    byte[] buffer = new byte[8192];
    try {
      while (in.read(buffer) >= 0) {
        // discard
      }
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (SocketException e) {
      return true; // reset: the server dropped the connection
    }
  }

  /** Reads the body of a refused upgrade, as long as its Content-Length says. */
  byte[] readBody() throws IOException {
    String length = handshake.headers().get("content-length");
    if (length == null) {
      throw new IOException("no Content-Length in " + handshake.headers());
    }
    return in.readNBytes(Integer.parseInt(length));
  }

  private int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException();
    }
    return b;
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
