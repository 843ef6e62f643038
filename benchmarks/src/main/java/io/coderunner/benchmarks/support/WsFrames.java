package io.coderunner.benchmarks.support;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of RFC 6455, as little of it as a benchmark client needs: the upgrade request and
 * its answer, masked client frames, and the header of (unmasked) server frames. Stateless; {@link
 * Header} is a reusable parse result owned by one thread.
 */
public final class WsFrames {
  public static final int OP_CONTINUATION = 0x0;
  public static final int OP_TEXT = 0x1;
  public static final int OP_BINARY = 0x2;
  public static final int OP_CLOSE = 0x8;
  public static final int OP_PING = 0x9;
  public static final int OP_PONG = 0xA;

  private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
  private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

  private WsFrames() {}

  /** A fresh {@code Sec-WebSocket-Key}: 16 random bytes, base64. */
  public static String newKey() {
    byte[] nonce = new byte[16];
    ThreadLocalRandom.current().nextBytes(nonce);
    return Base64.getEncoder().encodeToString(nonce);
  }

  /** The {@code Sec-WebSocket-Accept} a server must answer to {@code key}. */
  public static String acceptFor(String key) {
    try {
      MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
      return Base64.getEncoder()
          .encodeToString(sha1.digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  /** The upgrade request for {@code path} on {@code hostPort}, with a bearer token. */
  public static byte[] upgradeRequest(String hostPort, String path, String key, String token) {
    return ("GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + hostPort
            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
            + key
            + "\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer "
            + token
            + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The index just past the {@code \r\n\r\n} that ends an HTTP head, or -1 if not there yet. */
  public static int headEnd(byte[] b, int off, int len) {
    for (int i = off, end = off + len - HEADER_END.length; i <= end; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i + 4;
      }
    }
    return -1;
  }

  /**
   * Checks an upgrade answer: status 101 and the right {@code Sec-WebSocket-Accept}.
   *
   * @return null if it is right, else what is wrong (with the status line)
   */
  public static @org.jspecify.annotations.Nullable String checkUpgradeAnswer(
      String head, String expectedAccept) {
    int eol = head.indexOf("\r\n");
    String status = eol < 0 ? head : head.substring(0, eol);
    if (!status.startsWith("HTTP/1.1 101")) {
      return "upgrade refused: " + status;
    }
    String lower = head.toLowerCase(java.util.Locale.ROOT);
    int h = lower.indexOf("\r\nsec-websocket-accept:");
    if (h < 0) {
      return "no Sec-WebSocket-Accept";
    }
    int start = h + "\r\nsec-websocket-accept:".length();
    int end = head.indexOf("\r\n", start);
    String accept = head.substring(start, end < 0 ? head.length() : end).trim();
    return accept.equals(expectedAccept) ? null : "wrong Sec-WebSocket-Accept";
  }

  /** A masked client frame (FIN set) of {@code opcode} carrying {@code payload}. */
  public static byte[] clientFrame(int opcode, byte[] payload) {
    int len = payload.length;
    int lenBytes = len < 126 ? 0 : len <= 0xFFFF ? 2 : 8;
    byte[] frame = new byte[2 + lenBytes + 4 + len];
    frame[0] = (byte) (0x80 | opcode);
    int p = 2;
    if (lenBytes == 0) {
      frame[1] = (byte) (0x80 | len);
    } else if (lenBytes == 2) {
      frame[1] = (byte) (0x80 | 126);
      frame[p++] = (byte) (len >>> 8);
      frame[p++] = (byte) len;
    } else {
      frame[1] = (byte) (0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        frame[p++] = (byte) ((long) len >>> shift);
      }
    }
    int mask = ThreadLocalRandom.current().nextInt();
    byte[] m = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
    System.arraycopy(m, 0, frame, p, 4);
    p += 4;
    for (int i = 0; i < len; i++) {
      frame[p + i] = (byte) (payload[i] ^ m[i & 3]);
    }
    return frame;
  }

  /** A masked text frame. */
  public static byte[] textFrame(String text) {
    return clientFrame(OP_TEXT, text.getBytes(StandardCharsets.UTF_8));
  }

  /** A masked close frame with {@code code} and no reason. */
  public static byte[] closeFrame(int code) {
    return clientFrame(OP_CLOSE, new byte[] {(byte) (code >>> 8), (byte) code});
  }

  /** The close code in a close frame's payload, 1005 (none) if it has none. */
  public static int closeCode(byte[] b, int payloadOffset, int payloadLength) {
    return payloadLength >= 2
        ? ((b[payloadOffset] & 0xFF) << 8) | (b[payloadOffset + 1] & 0xFF)
        : 1005;
  }

  /** The header of one server frame; {@link #parse} fills it. Not thread-safe. */
  public static final class Header {
    public boolean fin;
    public int opcode;
    public boolean masked;
    public int maskKey;

    /** Where the payload starts in the buffer. */
    public int payloadOffset;

    /** The payload's length in bytes. */
    public long payloadLength;

    /**
     * Reads the frame header at {@code off}.
     *
     * @return false if fewer than a whole header's bytes are there
     */
    public boolean parse(byte[] b, int off, int avail) {
      if (avail < 2) {
        return false;
      }
      int b0 = b[off] & 0xFF;
      int b1 = b[off + 1] & 0xFF;
      fin = (b0 & 0x80) != 0;
      opcode = b0 & 0x0F;
      masked = (b1 & 0x80) != 0;
      int len7 = b1 & 0x7F;
      int p = off + 2;
      int need = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + (masked ? 4 : 0);
      if (avail < need) {
        return false;
      }
      if (len7 == 126) {
        payloadLength = (long) (((b[p] & 0xFF) << 8) | (b[p + 1] & 0xFF));
        p += 2;
      } else if (len7 == 127) {
        long l = 0;
        for (int i = 0; i < 8; i++) {
          l = (l << 8) | (b[p + i] & 0xFF);
        }
        payloadLength = l;
        p += 8;
      } else {
        payloadLength = len7;
      }
      if (masked) {
        maskKey =
            ((b[p] & 0xFF) << 24)
                | ((b[p + 1] & 0xFF) << 16)
                | ((b[p + 2] & 0xFF) << 8)
                | (b[p + 3] & 0xFF);
        p += 4;
      }
      payloadOffset = p;
      return true;
    }

    /** Unmasks the payload in place, if the frame was masked (servers must not mask). */
    public void unmask(byte[] b) {
      if (!masked) {
        return;
      }
      for (int i = 0; i < payloadLength; i++) {
        b[payloadOffset + i] ^= (byte) (maskKey >>> (24 - 8 * (i & 3)));
      }
    }
  }
}
