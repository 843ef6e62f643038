package io.coderunner.core.protocol;

import io.coderunner.core.protocol.internal.FrameEngine;

/**
 * Turns frames into JSON text and back: the only codec of the wire protocol.
 *
 * <p><b>Create</b> one with {@link #create()} or {@link #create(ProtocolConfig)}. <b>Share</b> it:
 * it holds a configured JSON factory and its symbol tables, and is meant to be created once per
 * application. It is <b>thread-safe</b>, and holds nothing to {@code close()}.
 *
 * <p>Decoding is strict: anything but one JSON object of a known {@code type}, with known fields of
 * the right types and acceptable values, throws {@link ProtocolException} with a {@link
 * ProtocolException.Reason} and the field at fault; no other exception escapes for any input.
 * Fields may come in any order ({@code type} first is fastest), optional fields may be {@code null}
 * or absent, and an input larger than {@link ProtocolConfig#maxFrameBytes()} is refused unread.
 *
 * <p>Encoding writes {@code type} first and leaves absent optional fields out. It streams straight
 * into a per-thread buffer with no intermediate objects, so a {@code logs} frame of many lines is
 * cheap; {@link #encodeShared} encodes a frame once for many connections.
 *
 * <pre>{@code
 * FrameCodec codec = FrameCodec.create();           // once, shared
 * ClientFrame frame = codec.decodeClient(text);     // throws ProtocolException
 * if (frame instanceof ClientFrame.Ping ping) {     // or a pattern switch on Java 21+
 *   send(codec.encode(new ServerFrame.Pong(ping.id())));
 * }
 * EncodedFrame logs = codec.encodeShared(new ServerFrame.Logs(id, lines));
 * subscribers.forEach(s -> s.send(logs.asReadOnlyBuffer()));
 * }</pre>
 */
public final class FrameCodec {
  private final ProtocolConfig config;
  private final FrameEngine engine;

  private FrameCodec(ProtocolConfig config) {
    this.config = config;
    this.engine = new FrameEngine(config.maxFrameBytes());
  }

  /**
   * A codec with {@link ProtocolConfig#defaults()}.
   *
   * @return a new codec
   */
  public static FrameCodec create() {
    return create(ProtocolConfig.defaults());
  }

  /**
   * A codec with {@code config}.
   *
   * @param config the settings, such as the largest frame decoded
   * @return a new codec
   */
  public static FrameCodec create(ProtocolConfig config) {
    return new FrameCodec(config);
  }

  /**
   * The settings this codec was created with.
   *
   * @return its config
   */
  public ProtocolConfig config() {
    return config;
  }

  /**
   * Decodes a frame a client sent.
   *
   * @param json the text of one frame, as received
   * @return the frame
   * @throws ProtocolException if {@code json} is not exactly one valid client frame
   */
  public ClientFrame decodeClient(String json) {
    return engine.decodeClient(json);
  }

  /**
   * Decodes a frame the server sent. Lines of a {@code logs} frame have a {@code null} {@link
   * io.coderunner.core.LogLine#status()}: the wire does not carry it.
   *
   * @param json the text of one frame, as received
   * @return the frame
   * @throws ProtocolException if {@code json} is not exactly one valid server frame
   */
  public ServerFrame decodeServer(String json) {
    return engine.decodeServer(json);
  }

  /**
   * {@code frame} as JSON text.
   *
   * @param frame the frame to encode
   * @return its JSON, {@code type} first
   */
  public String encode(ServerFrame frame) {
    return engine.encodeToString(frame);
  }

  /**
   * {@code frame} as JSON text.
   *
   * @param frame the frame to encode
   * @return its JSON, {@code type} first
   */
  public String encode(ClientFrame frame) {
    return engine.encodeToString(frame);
  }

  /**
   * {@code frame} encoded once as UTF-8, for sending to many connections: its bytes and text equal
   * {@link #encode(ServerFrame)}'s.
   *
   * @param frame the frame to encode
   * @return the encoded frame, safe to share between threads
   */
  public EncodedFrame encodeShared(ServerFrame frame) {
    return new EncodedFrame(engine.encodeToBytes(frame));
  }
}
