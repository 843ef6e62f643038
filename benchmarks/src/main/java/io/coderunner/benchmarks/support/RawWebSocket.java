package io.coderunner.benchmarks.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A minimal blocking WebSocket client over one {@link SocketChannel}: the least a client can do to
 * connect, upgrade with a bearer token, send text and read text frames of up to 8 KiB. It exists so
 * that the connect benchmark can show how much of a connect is the JDK client's own cost, and so
 * that a latency probe costs next to nothing of its own. One thread uses it at a time.
 */
public final class RawWebSocket implements AutoCloseable {
  private final SocketChannel channel;
  private final ByteBuffer in = ByteBuffer.allocate(8 << 10);
  private final WsFrames.Header header = new WsFrames.Header();

  private RawWebSocket(SocketChannel channel) {
    this.channel = channel;
  }

  /**
   * Connects, upgrades and returns once the first text frame (the {@code welcome}) has arrived.
   *
   * @throws IOException if any step fails or the first frame is not {@code welcome}
   */
  public static RawWebSocket connect(InetSocketAddress server, String path, String token)
      throws IOException {
    SocketChannel channel = SocketChannel.open();
    try {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.connect(server);
      RawWebSocket ws = new RawWebSocket(channel);
      ws.upgrade(server, path, token);
      String first = ws.readText();
      if (!first.startsWith("{\"type\":\"welcome\"")) {
        throw new IOException("expected welcome, got " + first);
      }
      return ws;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private void upgrade(InetSocketAddress server, String path, String token) throws IOException {
    String key = WsFrames.newKey();
    String hostPort = server.getHostString() + ":" + server.getPort();
    writeFully(ByteBuffer.wrap(WsFrames.upgradeRequest(hostPort, path, key, token)));
    int end;
    while ((end = WsFrames.headEnd(in.array(), 0, in.position())) < 0) {
      fill();
    }
    String head = new String(in.array(), 0, end, StandardCharsets.ISO_8859_1);
    String problem = WsFrames.checkUpgradeAnswer(head, WsFrames.acceptFor(key));
    if (problem != null) {
      throw new IOException(problem);
    }
    consume(end);
  }

  /** Sends one text message. */
  public void sendText(String text) throws IOException {
    writeFully(ByteBuffer.wrap(WsFrames.textFrame(text)));
  }

  /** Reads the next whole text message (answering pings on the way). */
  public String readText() throws IOException {
    while (true) {
      while (!header.parse(in.array(), 0, in.position())
          || header.payloadOffset + header.payloadLength > in.position()) {
        fill();
      }
      int len = (int) header.payloadLength;
      int off = header.payloadOffset;
      header.unmask(in.array());
      int op = header.opcode;
      if (op == WsFrames.OP_TEXT && header.fin) {
        String text = new String(in.array(), off, len, StandardCharsets.UTF_8);
        consume(off + len);
        return text;
      }
      if (op == WsFrames.OP_CLOSE) {
        int code = WsFrames.closeCode(in.array(), off, len);
        throw new IOException("closed by server with " + code);
      }
      if (op == WsFrames.OP_PING) {
        byte[] payload = new byte[len];
        System.arraycopy(in.array(), off, payload, 0, len);
        writeFully(ByteBuffer.wrap(WsFrames.clientFrame(WsFrames.OP_PONG, payload)));
      } else if (op != WsFrames.OP_PONG) {
        throw new IOException("unexpected frame opcode " + op + " fin " + header.fin);
      }
      consume(off + len);
    }
  }

  /**
   * Closes cleanly: sends a close frame, waits for the server's close frame (or end of stream),
   * then closes the socket.
   */
  @Override
  public void close() throws IOException {
    try (SocketChannel c = channel) {
      writeFully(ByteBuffer.wrap(WsFrames.closeFrame(1000)));
      while (true) {
        if (header.parse(in.array(), 0, in.position())
            && header.payloadOffset + header.payloadLength <= in.position()) {
          if (header.opcode == WsFrames.OP_CLOSE) {
            return;
          }
          consume(header.payloadOffset + (int) header.payloadLength);
          continue;
        }
        if (in.remaining() == 0 || c.read(in) < 0) {
          return;
        }
      }
    }
  }

  private void fill() throws IOException {
    if (in.remaining() == 0) {
      throw new IOException("frame larger than " + in.capacity() + " bytes");
    }
    if (channel.read(in) < 0) {
      throw new IOException("end of stream");
    }
  }

  private void consume(int n) {
    in.flip();
    in.position(n);
    in.compact();
  }

  private void writeFully(ByteBuffer b) throws IOException {
    while (b.hasRemaining()) {
      channel.write(b);
    }
  }
}
