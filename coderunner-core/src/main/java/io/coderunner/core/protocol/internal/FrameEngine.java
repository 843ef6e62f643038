package io.coderunner.core.protocol.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.coderunner.core.internal.JacksonVersion;
import io.coderunner.core.internal.Utf8;
import io.coderunner.core.protocol.ClientFrame;
import io.coderunner.core.protocol.ProtocolException;
import io.coderunner.core.protocol.ServerFrame;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

/**
 * The machinery behind {@code FrameCodec}: one configured {@link JsonFactory}, the size check, the
 * streaming reader and writer, and per-thread scratch buffers. Thread-safe.
 *
 * <p>Encoding goes through one path, UTF-8 bytes, for every output: a {@code String} is decoded
 * from those bytes. So text and shared bytes are always the same frame, surrogate pairs become
 * four-byte UTF-8 and a lone surrogate becomes a JSON unicode escape, which keeps the wire valid
 * UTF-8 whatever a log line holds.
 */
public final class FrameEngine {
  /** Objects nest at most this deep in a valid frame (logs → lines → line) plus one. */
  private static final int MAX_NESTING_DEPTH = 4;

  /** A scratch buffer that grew past this is dropped after use rather than kept per thread. */
  private static final int MAX_RETAINED_BYTES = 256 * 1024;

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  private final JsonFactory factory;
  private final int maxFrameBytes;

  /**
   * @param maxFrameBytes largest frame decoded, in UTF-8 bytes
   */
  public FrameEngine(int maxFrameBytes) {
    JacksonVersion.require(); // before a 2.18 feature below is resolved
    this.maxFrameBytes = maxFrameBytes;
    this.factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(MAX_NESTING_DEPTH).build())
            // Error messages are built here and never quote the input wholesale.
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            // Field names come from clients: canonicalize them, but never intern them.
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();
  }

  /** Decodes a frame a client sent. */
  public ClientFrame decodeClient(String json) {
    checkSize(json);
    return FrameReader.readClient(factory, json);
  }

  /** Decodes a frame the server sent. */
  public ServerFrame decodeServer(String json) {
    checkSize(json);
    return FrameReader.readServer(factory, json);
  }

  /** {@code frame} as JSON text. */
  public String encodeToString(ServerFrame frame) {
    Scratch s = acquire();
    try {
      write(s, frame);
      return s.sink.toUtf8String();
    } finally {
      release(s);
    }
  }

  /** {@code frame} as JSON text. */
  public String encodeToString(ClientFrame frame) {
    Scratch s = acquire();
    try {
      write(s, frame);
      return s.sink.toUtf8String();
    } finally {
      release(s);
    }
  }

  /** {@code frame} as UTF-8 JSON, in a new array of exactly its size. */
  public byte[] encodeToBytes(ServerFrame frame) {
    Scratch s = acquire();
    try {
      write(s, frame);
      return s.sink.toByteArray();
    } finally {
      release(s);
    }
  }

  private void write(Scratch s, ServerFrame frame) {
    Objects.requireNonNull(frame, "frame");
    try (JsonGenerator g = factory.createGenerator(s.sink)) {
      FrameWriter.write(g, frame, s.chars);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
  }

  private void write(Scratch s, ClientFrame frame) {
    Objects.requireNonNull(frame, "frame");
    try (JsonGenerator g = factory.createGenerator(s.sink)) {
      FrameWriter.write(g, frame);
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory failed", e);
    }
  }

  private void checkSize(String json) {
    Objects.requireNonNull(json, "json");
    int chars = json.length();
    // A char is 1 to 3 UTF-8 bytes (a surrogate pair is 4 bytes for 2 chars): count exactly only
    // when the quick bounds do not decide.
    if (chars > maxFrameBytes
        || ((long) chars * 3 > maxFrameBytes && Utf8.length(json) > maxFrameBytes)) {
      throw new ProtocolException(
          ProtocolException.Reason.TOO_LARGE,
          null,
          "the frame is larger than " + maxFrameBytes + " bytes");
    }
  }

  private static Scratch acquire() {
    Scratch s = SCRATCH.get();
    if (s.inUse) {
      return new Scratch(); // re-entered on this thread: never share a buffer in use
    }
    s.inUse = true;
    s.sink.reset();
    return s;
  }

  private static void release(Scratch s) {
    s.inUse = false;
    if (s.sink.capacity() > MAX_RETAINED_BYTES) {
      s.sink.shrink();
    }
  }

  /** One thread's buffers; confined to that thread. */
  private static final class Scratch {
    final ByteSink sink = new ByteSink();
    final char[] chars = new char[Timestamps.MAX_LENGTH];
    boolean inUse;
  }
}
