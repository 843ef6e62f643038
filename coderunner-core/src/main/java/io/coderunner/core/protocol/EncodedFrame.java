package io.coderunner.core.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A server frame encoded once, to be sent to many connections without encoding it again. Immutable
 * and thread-safe: each caller takes its own {@link #asReadOnlyBuffer() view} of the shared UTF-8
 * bytes, or the {@link #text()}, which is decoded on first use and then kept.
 */
public final class EncodedFrame {
  private final byte[] utf8; // never exposed, never written after construction

  // Racy single-check: two threads may both decode the text, but the String is immutable and any
  // copy is equal, so whichever is kept is correct.
  private @Nullable String text;

  EncodedFrame(byte[] utf8) {
    this.utf8 = utf8;
  }

  /**
   * The frame's size on the wire, in UTF-8 bytes.
   *
   * @return the byte count
   */
  public int sizeBytes() {
    return utf8.length;
  }

  /**
   * A new read-only buffer over the frame's UTF-8 bytes, positioned at 0; its position and limit
   * are the caller's own.
   *
   * @return a read-only view of the shared bytes; nothing is copied
   */
  public ByteBuffer asReadOnlyBuffer() {
    return ByteBuffer.wrap(utf8).asReadOnlyBuffer();
  }

  /**
   * The frame as JSON text, decoded from the bytes on first use and then kept.
   *
   * @return the text, equal to what {@link FrameCodec#encode(ServerFrame)} returns
   */
  public String text() {
    String t = text;
    if (t == null) {
      t = new String(utf8, StandardCharsets.UTF_8);
      text = t;
    }
    return t;
  }

  @Override
  public String toString() {
    return "EncodedFrame[" + utf8.length + " bytes]";
  }
}
