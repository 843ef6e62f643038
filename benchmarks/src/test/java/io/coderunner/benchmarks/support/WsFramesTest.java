package io.coderunner.benchmarks.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WsFramesTest {
  @Test
  void acceptValueOfRfc6455Example() {
    assertThat(WsFrames.acceptFor("dGhlIHNhbXBsZSBub25jZQ=="))
        .isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
  }

  @Test
  void maskedFramesOfEveryLengthFormParseBack() {
    for (int len : new int[] {0, 1, 125, 126, 127, 65_535, 65_536, 200_000}) {
      byte[] payload = new byte[len];
      for (int i = 0; i < len; i++) {
        payload[i] = (byte) (i * 31);
      }
      byte[] frame = WsFrames.clientFrame(WsFrames.OP_TEXT, payload);
      WsFrames.Header h = new WsFrames.Header();
      assertThat(h.parse(frame, 0, 1)).isFalse();
      assertThat(h.parse(frame, 0, frame.length)).isTrue();
      assertThat(h.fin).isTrue();
      assertThat(h.opcode).isEqualTo(WsFrames.OP_TEXT);
      assertThat(h.masked).isTrue();
      assertThat(h.payloadLength).isEqualTo(len);
      assertThat(h.payloadOffset + len).isEqualTo(frame.length);
      h.unmask(frame);
      assertThat(Arrays.copyOfRange(frame, h.payloadOffset, frame.length)).isEqualTo(payload);
    }
  }

  @Test
  void closeFrameCarriesItsCode() {
    byte[] frame = WsFrames.closeFrame(4008);
    WsFrames.Header h = new WsFrames.Header();
    assertThat(h.parse(frame, 0, frame.length)).isTrue();
    h.unmask(frame);
    assertThat(h.opcode).isEqualTo(WsFrames.OP_CLOSE);
    assertThat(WsFrames.closeCode(frame, h.payloadOffset, (int) h.payloadLength)).isEqualTo(4008);
    assertThat(WsFrames.closeCode(frame, h.payloadOffset, 0)).isEqualTo(1005);
  }

  @Test
  void upgradeAnswerIsChecked() {
    String key = WsFrames.newKey();
    String ok =
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: "
            + WsFrames.acceptFor(key)
            + "\r\n\r\n";
    byte[] bytes = (ok + "rest").getBytes(StandardCharsets.US_ASCII);
    assertThat(WsFrames.headEnd(bytes, 0, bytes.length)).isEqualTo(ok.length());
    assertThat(WsFrames.headEnd(bytes, 0, ok.length() - 1)).isEqualTo(-1);
    assertThat(WsFrames.checkUpgradeAnswer(ok, WsFrames.acceptFor(key))).isNull();
    assertThat(WsFrames.checkUpgradeAnswer(ok, WsFrames.acceptFor("other")))
        .isEqualTo("wrong Sec-WebSocket-Accept");
    assertThat(WsFrames.checkUpgradeAnswer("HTTP/1.1 401 Unauthorized\r\n\r\n", "x"))
        .isEqualTo("upgrade refused: HTTP/1.1 401 Unauthorized");
  }
}
