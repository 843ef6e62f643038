package io.coderunner.benchmarks.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.StreamKind;
import io.coderunner.core.protocol.FrameCodec;
import io.coderunner.core.protocol.ServerFrame;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogsFrameScannerTest {
  private static final FrameCodec CODEC = FrameCodec.create();
  private static final Instant TS = Instant.parse("2026-11-24T10:15:30.123456Z");

  private static byte[] logs(String deployment, LogLine... lines) {
    return CODEC
        .encode(new ServerFrame.Logs(DeploymentId.of(deployment), List.of(lines)))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static LogLine line(long seq, String message) {
    return new LogLine(seq, TS, StreamKind.STDOUT, LogLevel.INFO, message);
  }

  @Test
  void readsSeqsAndStampsOfWhatTheCodecWrites() {
    byte[] frame =
        logs(
            "d1",
            line(7, "t=1764000000123456 d=1 n=0 build ok"),
            line(8, "say \"hi\" \\ }] {\"seq\":99} ✓"),
            line(9, ""),
            line(10, "t=42"));
    LogsFrameScanner scanner = new LogsFrameScanner();
    assertThat(LogsFrameScanner.isLogs(frame, 0, frame.length)).isTrue();
    assertThat(scanner.scan(frame, 0, frame.length, "d1".getBytes(StandardCharsets.UTF_8)))
        .isTrue();
    assertThat(scanner.count()).isEqualTo(4);
    assertThat(new long[] {scanner.seq(0), scanner.seq(1), scanner.seq(2), scanner.seq(3)})
        .containsExactly(7, 8, 9, 10);
    assertThat(scanner.stampMicros(0)).isEqualTo(1764000000123456L);
    assertThat(scanner.stampMicros(1)).isEqualTo(-1);
    assertThat(scanner.stampMicros(2)).isEqualTo(-1);
    assertThat(scanner.stampMicros(3)).isEqualTo(42);
    assertThat(scanner.scan(frame, 0, frame.length, null)).isTrue();
    assertThat(scanner.count()).isEqualTo(4);
  }

  @Test
  void manyLinesGrowTheArrays() {
    LogLine[] lines = new LogLine[500];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = line(i + 1, "t=" + (1000 + i) + " x");
    }
    byte[] frame = logs("web-1", lines);
    LogsFrameScanner scanner = new LogsFrameScanner();
    assertThat(scanner.scan(frame, 0, frame.length, null)).isTrue();
    assertThat(scanner.count()).isEqualTo(500);
    assertThat(scanner.seq(499)).isEqualTo(500);
    assertThat(scanner.stampMicros(499)).isEqualTo(1499);
  }

  @Test
  void refusesAnotherDeploymentOrAnotherForm() {
    byte[] frame = logs("d1", line(1, "t=5 x"));
    LogsFrameScanner scanner = new LogsFrameScanner();
    assertThat(scanner.scan(frame, 0, frame.length, "d2".getBytes(StandardCharsets.UTF_8)))
        .isFalse();
    assertThat(scanner.scan(frame, 0, frame.length - 1, null)).isFalse();
    byte[] spaced =
        new String(frame, StandardCharsets.UTF_8)
            .replace(",\"lines\"", ", \"lines\"")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(scanner.scan(spaced, 0, spaced.length, null)).isFalse();
    byte[] welcome = "{\"type\":\"welcome\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(LogsFrameScanner.isLogs(welcome, 0, welcome.length)).isFalse();
  }

  @Test
  void stampOfAMessage() {
    assertThat(LogsFrameScanner.stampOf("t=123 rest")).isEqualTo(123);
    assertThat(LogsFrameScanner.stampOf("t= rest")).isEqualTo(-1);
    assertThat(LogsFrameScanner.stampOf("hello")).isEqualTo(-1);
  }
}
