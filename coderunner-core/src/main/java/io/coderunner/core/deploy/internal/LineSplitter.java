package io.coderunner.core.deploy.internal;

import io.coderunner.core.internal.Utf8;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Turns a byte stream into lines of text without ever holding more than one bounded line.
 *
 * <p>Lines end at {@code \n}; a {@code \r} just before it is dropped. Bytes are decoded as UTF-8
 * with malformed input replaced by U+FFFD. A line whose UTF-8 form is longer than {@code
 * maxLineBytes} keeps its longest prefix that fits together with a marker saying how many bytes
 * were cut; the bytes past the buffer are counted, never stored. Splitting happens on bytes, which
 * is safe for UTF-8: {@code 0x0A} never occurs inside a multi-byte sequence. Not thread-safe: one
 * per stream.
 */
public final class LineSplitter {
  private final int maxLineBytes;
  private final byte[] line; // the kept bytes of the current line
  private int length; // bytes used in line
  private long dropped; // bytes of the current line past the buffer, counted only
  private int last = -1; // the line's last byte so far, -1 when it is empty

  /** A splitter for lines of at most {@code maxLineBytes} UTF-8 bytes (at least 64). */
  public LineSplitter(int maxLineBytes) {
    if (maxLineBytes < 64) {
      throw new IllegalArgumentException("maxLineBytes must be at least 64, was " + maxLineBytes);
    }
    this.maxLineBytes = maxLineBytes;
    this.line = new byte[maxLineBytes];
  }

  /** Consumes {@code len} bytes, handing each completed line to {@code sink}. */
  public void feed(byte[] bytes, int off, int len, Consumer<String> sink) {
    int end = off + len;
    int start = off;
    for (int i = off; i < end; i++) {
      if (bytes[i] == '\n') {
        keep(bytes, start, i - start);
        sink.accept(take());
        start = i + 1;
      }
    }
    keep(bytes, start, end - start);
  }

  /** Hands a last line that had no {@code \n} to {@code sink}, if there is one. */
  public void finish(Consumer<String> sink) {
    if (length > 0 || dropped > 0) {
      sink.accept(take());
    }
  }

  private void keep(byte[] bytes, int off, int len) {
    if (len == 0) {
      return;
    }
    int room = line.length - length;
    int copy = Math.min(room, len);
    System.arraycopy(bytes, off, line, length, copy);
    length += copy;
    dropped += len - copy;
    last = bytes[off + len - 1] & 0xff;
  }

  private String take() {
    if (last == '\r') {
      if (dropped > 0) {
        dropped--;
      } else {
        length--;
      }
    }
    String text = new String(line, 0, length, StandardCharsets.UTF_8);
    long cut = dropped;
    length = 0;
    dropped = 0;
    last = -1;
    return fit(text, cut, maxLineBytes);
  }

  /**
   * {@code text} if it fits in {@code maxBytes} UTF-8 bytes and nothing was {@code cut} before;
   * otherwise its longest prefix that fits with a marker naming the bytes cut in all.
   */
  static String fit(String text, long cut, int maxBytes) {
    return Utf8.fit(text, cut, maxBytes);
  }

  /** The marker after a truncated line. */
  static String marker(long cutBytes) {
    return Utf8.truncationMarker(cutBytes);
  }
}
