package io.coderunner.benchmarks.support;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads the seqs (and the {@code t=<epoch micros>} stamp that load lines start with) out of a
 * {@code logs} frame without building objects, so that a benchmark client costs little next to the
 * server it measures.
 *
 * <p>It accepts exactly the form CodeRunner writes ({@code type} first, the fields in protocol
 * order, no whitespace; see {@code docs/protocol.md}) and refuses anything else by returning false;
 * the caller then decodes the frame with {@code FrameCodec}, so a change of form costs speed, never
 * correctness. Not thread-safe: one per thread.
 */
public final class LogsFrameScanner {
  private static final byte[] PREFIX = ascii("{\"type\":\"logs\",\"deploymentId\":\"");
  private static final byte[] LINES = ascii("\",\"lines\":[");
  private static final byte[] SEQ = ascii("{\"seq\":");
  private static final byte[] MESSAGE = ascii(",\"message\":\"");

  private long[] seqs = new long[64];
  private long[] stamps = new long[64];
  private int count;

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** Whether the text frame {@code b[off, off+len)} starts like a {@code logs} frame. */
  public static boolean isLogs(byte[] b, int off, int len) {
    return startsWith(b, off, off + len, PREFIX);
  }

  /**
   * Scans a {@code logs} frame.
   *
   * @param deploymentId the deployment the frame must name, as UTF-8, or null to accept any
   * @return whether it had the expected form; then {@link #count()} lines are available
   */
  public boolean scan(byte[] b, int off, int len, byte @Nullable [] deploymentId) {
    count = 0;
    int end = off + len;
    int p = off;
    if (!startsWith(b, p, end, PREFIX)) {
      return false;
    }
    p += PREFIX.length;
    if (deploymentId != null) {
      if (!startsWith(b, p, end, deploymentId)) {
        return false;
      }
      p += deploymentId.length;
    } else {
      while (p < end && b[p] != '"') {
        p++;
      }
    }
    if (!startsWith(b, p, end, LINES)) {
      return false;
    }
    p += LINES.length;
    while (true) {
      if (!startsWith(b, p, end, SEQ)) {
        return false;
      }
      p += SEQ.length;
      long seq = 0;
      int digits = 0;
      while (p < end && b[p] >= '0' && b[p] <= '9' && digits < 19) {
        seq = seq * 10 + (b[p++] - '0');
        digits++;
      }
      if (digits == 0) {
        return false;
      }
      int m = indexOf(b, p, end, MESSAGE);
      if (m < 0) {
        return false;
      }
      p = m + MESSAGE.length;
      long stamp = -1;
      if (p + 2 < end && b[p] == 't' && b[p + 1] == '=') {
        int q = p + 2;
        long t = 0;
        int n = 0;
        while (q < end && b[q] >= '0' && b[q] <= '9' && n < 18) {
          t = t * 10 + (b[q++] - '0');
          n++;
        }
        if (n > 0) {
          stamp = t;
        }
      }
      // Skip the rest of the message string, minding escapes.
      while (p < end && b[p] != '"') {
        p += b[p] == '\\' ? 2 : 1;
      }
      if (p + 2 >= end || b[p + 1] != '}') {
        return false;
      }
      add(seq, stamp);
      p += 2;
      if (b[p] == ',') {
        p++;
      } else if (b[p] == ']' && p + 2 == end && b[p + 1] == '}') {
        return true;
      } else {
        return false;
      }
    }
  }

  /** Lines found by the last successful {@link #scan}. */
  public int count() {
    return count;
  }

  public long seq(int i) {
    return seqs[i];
  }

  /** The line's {@code t=} stamp in epoch microseconds, or -1 if its message has none. */
  public long stampMicros(int i) {
    return stamps[i];
  }

  /** The {@code t=} stamp at the start of {@code message}, or -1. */
  public static long stampOf(String message) {
    if (!message.startsWith("t=")) {
      return -1;
    }
    long t = 0;
    int n = 0;
    for (int i = 2; i < message.length() && n < 18; i++, n++) {
      char c = message.charAt(i);
      if (c < '0' || c > '9') {
        break;
      }
      t = t * 10 + (c - '0');
    }
    return n == 0 ? -1 : t;
  }

  private void add(long seq, long stamp) {
    if (count == seqs.length) {
      seqs = Arrays.copyOf(seqs, count * 2);
      stamps = Arrays.copyOf(stamps, count * 2);
    }
    seqs[count] = seq;
    stamps[count] = stamp;
    count++;
  }

  private static boolean startsWith(byte[] b, int p, int end, byte[] prefix) {
    if (end - p < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (b[p + i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static int indexOf(byte[] b, int from, int end, byte[] needle) {
    byte first = needle[0];
    for (int i = from, last = end - needle.length; i <= last; i++) {
      if (b[i] == first && startsWith(b, i, end, needle)) {
        return i;
      }
    }
    return -1;
  }
}
