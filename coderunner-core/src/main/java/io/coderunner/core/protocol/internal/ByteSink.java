package io.coderunner.core.protocol.internal;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable in-memory byte buffer, reused by one thread across frames. Not thread-safe. */
final class ByteSink extends OutputStream {
  private static final int INITIAL = 4096;

  private byte[] buf = new byte[INITIAL];
  private int count;

  @Override
  public void write(int b) {
    ensure(1);
    buf[count++] = (byte) b;
  }

  @Override
  public void write(byte[] src, int off, int len) {
    ensure(len);
    System.arraycopy(src, off, buf, count, len);
    count += len;
  }

  void reset() {
    count = 0;
  }

  int capacity() {
    return buf.length;
  }

  /** Drops a buffer that grew large, so an idle thread keeps only a small one. */
  void shrink() {
    buf = new byte[INITIAL];
    count = 0;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, count);
  }

  String toUtf8String() {
    return new String(buf, 0, count, StandardCharsets.UTF_8);
  }

  private void ensure(int more) {
    int needed = count + more;
    if (needed > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(needed, buf.length * 2));
    }
  }
}
