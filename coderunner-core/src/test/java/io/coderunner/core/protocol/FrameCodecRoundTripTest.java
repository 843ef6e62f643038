package io.coderunner.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.StreamKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class FrameCodecRoundTripTest {
  private static final int FRAMES = 5_000;

  // Round trips are about fidelity, not limits: room for the largest random logs frames.
  private final FrameCodec codec =
      FrameCodec.create(ProtocolConfig.builder().maxFrameBytes(4 << 20).build());

  @Test
  void everyRandomClientFrameDecodesToAnEqualFrame() {
    RandomFrames random = new RandomFrames(20261124L);
    Set<String> types = new HashSet<>();
    for (int i = 0; i < FRAMES; i++) {
      ClientFrame frame = random.client();
      types.add(frame.type());
      String json = codec.encode(frame);
      assertThat(json).startsWith("{\"type\":\"" + frame.type() + "\"");
      assertThat(codec.decodeClient(json)).as(json).isEqualTo(frame);
    }
    assertThat(types)
        .containsExactlyInAnyOrder("auth", "refresh", "subscribe", "unsubscribe", "watch", "ping");
  }

  @Test
  void everyRandomServerFrameDecodesToAnEqualFrameWithMicrosecondTimestamps() {
    RandomFrames random = new RandomFrames(8L);
    Set<String> types = new HashSet<>();
    for (int i = 0; i < FRAMES; i++) {
      ServerFrame frame = random.server();
      types.add(frame.type());
      String json = codec.encode(frame);
      assertThat(json).startsWith("{\"type\":\"" + frame.type() + "\"");
      assertThat(codec.decodeServer(json)).as(json).isEqualTo(RandomFrames.afterWire(frame));
    }
    assertThat(types)
        .containsExactlyInAnyOrder(
            "welcome",
            "subscribed",
            "logs",
            "gap",
            "status",
            "deployment",
            "watching",
            "error",
            "pong");
  }

  @Test
  void sharedEncodingDecodesToTheSameFrame() {
    RandomFrames random = new RandomFrames(99L);
    for (int i = 0; i < FRAMES / 5; i++) {
      ServerFrame frame = random.server();
      EncodedFrame shared = codec.encodeShared(frame);
      assertThat(codec.decodeServer(shared.text())).isEqualTo(RandomFrames.afterWire(frame));
    }
  }

  @Test
  void encodingIsDeterministic() {
    RandomFrames a = new RandomFrames(5L);
    RandomFrames b = new RandomFrames(5L);
    for (int i = 0; i < 500; i++) {
      assertThat(codec.encode(a.server())).isEqualTo(codec.encode(b.server()));
      assertThat(codec.encode(a.client())).isEqualTo(codec.encode(b.client()));
    }
  }

  @Test
  void aLogsFrameOfManyLinesRoundTrips() {
    DeploymentId id = DeploymentId.of("big");
    List<LogLine> lines = new ArrayList<>();
    Instant t0 = Instant.parse("2026-11-24T10:15:30.123456Z");
    for (int i = 1; i <= 5_000; i++) {
      lines.add(
          new LogLine(
              i,
              t0.plusNanos(i * 1_000L),
              StreamKind.STDOUT,
              LogLevel.INFO,
              "line \"" + i + "\"\n"));
    }
    ServerFrame.Logs frame = new ServerFrame.Logs(id, lines);
    assertThat(codec.decodeServer(codec.encode(frame))).isEqualTo(frame);
  }

  @Test
  void aLineStatusIsNotSentSoDecodedLinesHaveNone() {
    Instant ts = Instant.parse("2026-11-24T10:15:30.123456Z");
    LogLine statusLine =
        new LogLine(7, ts, StreamKind.SYSTEM, LogLevel.INFO, "running", DeploymentStatus.RUNNING);
    ServerFrame.Logs frame = new ServerFrame.Logs(DeploymentId.of("d"), List.of(statusLine));

    ServerFrame decoded = codec.decodeServer(codec.encode(frame));

    assertThat(codec.encode(frame)).doesNotContain("\"status\"");
    assertThat(decoded)
        .isEqualTo(
            new ServerFrame.Logs(
                DeploymentId.of("d"),
                List.of(new LogLine(7, ts, StreamKind.SYSTEM, LogLevel.INFO, "running"))));
  }

  @Test
  void oneCodecServesManyThreadsAtOnce() throws Exception {
    int threads = 4;
    List<Callable<Boolean>> tasks = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long seed = 1000L + t;
      tasks.add(
          () -> {
            RandomFrames random = new RandomFrames(seed);
            for (int i = 0; i < 1_000; i++) {
              ServerFrame server = random.server();
              ClientFrame client = random.client();
              if (!codec.decodeServer(codec.encode(server)).equals(RandomFrames.afterWire(server))
                  || !codec.decodeClient(codec.encode(client)).equals(client)
                  || !codec.encodeShared(server).text().equals(codec.encode(server))) {
                return false;
              }
            }
            return true;
          });
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (Future<Boolean> result : pool.invokeAll(tasks)) {
        assertThat(result.get()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
