package io.coderunner.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.StreamKind;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodedFrameTest {
  private final FrameCodec codec =
      FrameCodec.create(ProtocolConfig.builder().maxFrameBytes(4 << 20).build());

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  @Test
  void sharedBytesAreTheUtf8OfTheStringEncodingForRandomFrames() {
    RandomFrames random = new RandomFrames(7L);
    for (int i = 0; i < 3_000; i++) {
      ServerFrame frame = random.server();
      String text = codec.encode(frame);
      EncodedFrame shared = codec.encodeShared(frame);
      assertThat(bytes(shared.asReadOnlyBuffer())).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
      assertThat(shared.sizeBytes()).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
      assertThat(shared.text()).isEqualTo(text);
    }
  }

  @Test
  void sharedBytesAreValidUtf8EvenForLoneSurrogates() throws Exception {
    LogLine line =
        new LogLine(
            1, Instant.EPOCH, StreamKind.STDERR, LogLevel.ERROR, "\udc00 half \ud83d and 😀");
    EncodedFrame shared =
        codec.encodeShared(new ServerFrame.Logs(DeploymentId.of("d"), List.of(line)));

    String strict =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(shared.asReadOnlyBuffer())
            .toString();

    assertThat(strict).contains("\\uDC00 half \\uD83D and 😀");
    assertThat(codec.decodeServer(strict))
        .isEqualTo(new ServerFrame.Logs(DeploymentId.of("d"), List.of(line)));
  }

  @Test
  void eachBufferIsReadOnlyWithItsOwnPosition() {
    EncodedFrame shared = codec.encodeShared(new ServerFrame.Pong("x"));
    ByteBuffer a = shared.asReadOnlyBuffer();
    ByteBuffer b = shared.asReadOnlyBuffer();

    a.get();

    assertThat(a.isReadOnly()).isTrue();
    assertThat(a.position()).isEqualTo(1);
    assertThat(b.position()).isZero();
    assertThat(b.remaining()).isEqualTo(shared.sizeBytes());
    assertThatThrownBy(() -> b.put(0, (byte) 'X')).isInstanceOf(ReadOnlyBufferException.class);
    assertThat(shared.text()).isEqualTo("{\"type\":\"pong\",\"id\":\"x\"}");
  }

  @Test
  void textIsDecodedOnceAndKept() {
    EncodedFrame shared = codec.encodeShared(new ServerFrame.Pong(null));
    assertThat(shared.text()).isSameAs(shared.text());
    assertThat(shared).hasToString("EncodedFrame[15 bytes]");
  }

  @Test
  void encodingAFrameLargerThanTheReusedBufferStillWorksAndLaterFramesAreUnaffected() {
    String big = "x".repeat(600_000);
    LogLine line = new LogLine(1, Instant.EPOCH, StreamKind.STDOUT, LogLevel.INFO, big);
    ServerFrame.Logs frame = new ServerFrame.Logs(DeploymentId.of("d"), List.of(line));

    assertThat(codec.encodeShared(frame).sizeBytes()).isGreaterThan(600_000);
    assertThat(codec.encode(new ServerFrame.Pong("p")))
        .isEqualTo("{\"type\":\"pong\",\"id\":\"p\"}");
    assertThat(codec.decodeServer(codec.encode(frame))).isEqualTo(frame);
  }
}
