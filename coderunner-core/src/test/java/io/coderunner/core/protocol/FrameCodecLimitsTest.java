package io.coderunner.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.coderunner.core.protocol.ProtocolException.Reason;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FrameCodecLimitsTest {
  private static final String PING = "{\"type\":\"ping\"}";

  private final FrameCodec codec = FrameCodec.create();

  /** A ping padded with trailing whitespace to exactly {@code bytes} UTF-8 bytes. */
  private static String pingOfSize(int bytes) {
    return PING + " ".repeat(bytes - PING.length());
  }

  @Test
  void theDefaultLimitIs64KiB() {
    assertThat(codec.config().maxFrameBytes()).isEqualTo(65_536);
  }

  @Test
  void aFrameOfExactlyMaxFrameBytesIsAccepted() {
    assertThat(codec.decodeClient(pingOfSize(65_536))).isEqualTo(new ClientFrame.Ping(null));
    assertThat(codec.decodeServer(pingOfSize(65_536).replace("ping", "pong")))
        .isEqualTo(new ServerFrame.Pong(null));
  }

  @Test
  void aFrameOneByteOverTheLimitIsTooLarge() {
    ProtocolException e =
        catchThrowableOfType(ProtocolException.class, () -> codec.decodeClient(pingOfSize(65_537)));
    assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
    assertThat(e.field()).isNull();
    assertThat(e.getMessage()).contains("65536");
  }

  @Test
  void theLimitCountsUtf8BytesNotCharacters() {
    // 30,000 chars but 90,000+ bytes: too large although the char count is under the limit.
    String euros = "{\"type\":\"ping\",\"id\":\"" + "€".repeat(30_000) + "\"}";
    assertThat(euros.length()).isLessThan(65_536);
    assertThat(euros.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(65_536);
    ProtocolException e =
        catchThrowableOfType(ProtocolException.class, () -> codec.decodeServer(euros));
    assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
  }

  @Test
  void surrogatePairsCountAsFourBytesAndTwoByteCharsAsTwo() {
    // 21,000 chars of mixed widths: 2 + 4 (pair) + 1 bytes per 4 chars, under the limit.
    String mixed = "é😀a".repeat(5_000);
    String frame = PING.substring(0, PING.length() - 1) + ",\"id\":\"" + mixed + "\"}";
    int bytes = frame.getBytes(StandardCharsets.UTF_8).length;
    assertThat(bytes).isLessThan(65_536);
    ProtocolException e =
        catchThrowableOfType(ProtocolException.class, () -> codec.decodeClient(frame));
    // within the size limit, so the id's length is what fails
    assertThat(e.reason()).isEqualTo(Reason.INVALID_VALUE);
    assertThat(e.field()).isEqualTo("id");
  }

  @Test
  void aSmallerConfiguredLimitApplies() {
    FrameCodec small = FrameCodec.create(ProtocolConfig.builder().maxFrameBytes(1024).build());
    assertThat(small.decodeClient(pingOfSize(1024))).isEqualTo(new ClientFrame.Ping(null));
    ProtocolException e =
        catchThrowableOfType(ProtocolException.class, () -> small.decodeClient(pingOfSize(1025)));
    assertThat(e.reason()).isEqualTo(Reason.TOO_LARGE);
  }

  @Test
  void aVeryLongFieldNameIsRejectedNotEchoed() {
    String frame = "{\"type\":\"ping\",\"" + "n".repeat(60_000) + "\":1}";
    ProtocolException e =
        catchThrowableOfType(ProtocolException.class, () -> codec.decodeClient(frame));
    assertThat(e.reason()).isIn(Reason.UNKNOWN_FIELD, Reason.TOO_LARGE);
    assertThat(e.getMessage()).hasSizeLessThan(300);
  }
}
