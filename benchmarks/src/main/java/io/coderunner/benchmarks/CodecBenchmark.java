package io.coderunner.benchmarks;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.StreamKind;
import io.coderunner.core.protocol.EncodedFrame;
import io.coderunner.core.protocol.FrameCodec;
import io.coderunner.core.protocol.ServerFrame;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encodes and decodes a {@code logs} frame of 100 realistic lines. Scores are per line ({@link
 * OperationsPerInvocation} = 100), so throughput reads directly as lines per second. Baseline:
 * building the frame's text with a {@link StringBuilder} and no escaping (what encoding cannot
 * beat). Setup checks that decoding the encoded frame gives the frame back.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar Codec -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@OperationsPerInvocation(100)
public class CodecBenchmark {
  private FrameCodec codec;
  private ServerFrame.Logs frame;
  private String json;

  @Setup(Level.Trial)
  public void setUp() {
    codec = FrameCodec.create();
    List<LogLine> lines = new ArrayList<>();
    Instant t = Instant.parse("2026-11-24T10:15:30.123456Z");
    for (int i = 1; i <= 100; i++) {
      StreamKind stream = i % 7 == 0 ? StreamKind.STDERR : StreamKind.STDOUT;
      LogLevel level = i % 7 == 0 ? LogLevel.WARN : LogLevel.INFO;
      String message =
          "[build] step "
              + i
              + "/100: compiling module \"core\" -> target/classes (\u001b[32mok\u001b[0m) in "
              + (i * 7 % 900)
              + "ms";
      lines.add(new LogLine(1000 + i, t.plusMillis(i), stream, level, message));
    }
    frame = new ServerFrame.Logs(DeploymentId.of("web-42"), lines);
    json = codec.encode(frame);
    if (!codec.decodeServer(json).equals(frame)) {
      throw new IllegalStateException("codec does not round-trip the benchmark frame");
    }
  }

  @Benchmark
  public String encodeLogs100() {
    return codec.encode(frame);
  }

  @Benchmark
  public EncodedFrame encodeSharedLogs100() {
    return codec.encodeShared(frame);
  }

  @Benchmark
  public ServerFrame decodeLogs100() {
    return codec.decodeServer(json);
  }

  @Benchmark
  public String baselineConcatenate() {
    StringBuilder sb = new StringBuilder(16 * 1024);
    sb.append("{\"type\":\"logs\",\"deploymentId\":\"")
        .append(frame.deploymentId())
        .append("\",\"lines\":[");
    for (LogLine line : frame.lines()) {
      sb.append("{\"seq\":")
          .append(line.seq())
          .append(",\"ts\":\"")
          .append(line.timestamp())
          .append("\",\"stream\":\"")
          .append(line.stream().wireName())
          .append("\",\"level\":\"")
          .append(line.level().wireName())
          .append("\",\"message\":\"")
          .append(line.message())
          .append("\"},");
    }
    return sb.append("]}").toString();
  }
}
