package io.coderunner.benchmarks;

import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.StreamKind;
import io.coderunner.core.log.LogFilter;
import java.time.Instant;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Tests one line against a text query ({@code q}): {@code LogFilter}'s linear search against the
 * naive search it replaced (a case-insensitive {@code regionMatches} at every position), on the
 * same lines, in one run. The result divided by the line's length is the cost per character.
 *
 * <ul>
 *   <li>{@code typical}: a 120-character log line and {@code q=timeout}, which it does not contain;
 *   <li>{@code long}: 60,000 characters of such lines, {@code q=timeout} (absent);
 *   <li>{@code pathological}: 60,000 {@code a}s, {@code q} = 255 {@code a}s and a {@code b};
 *   <li>{@code adversarial}: the same with one {@code b} first, so that the search cannot rule the
 *       line out by its last character and must run through it: the linear search's worst case.
 * </ul>
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar TextQuery</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TextQueryBenchmark {
  @Param({"typical", "long", "pathological", "adversarial"})
  public String text;

  private LogLine line;
  private LogFilter filter;
  private String needle;

  private static final String[] WORDS = {
    "GET",
    "/api/orders",
    "200",
    "in",
    "12ms",
    "user",
    "id=4711",
    "cache",
    "hit",
    "db",
    "query",
    "took",
    "3.2ms",
    "[INFO]",
    "worker-7",
    "payment",
    "accepted",
    "request",
    "completed"
  };

  @Setup(Level.Trial)
  public void setUp() {
    String message;
    switch (text) {
      case "typical" -> {
        message = words(120, 1);
        needle = "timeout";
      }
      case "long" -> {
        message = words(60_000, 2);
        needle = "timeout";
      }
      case "pathological" -> {
        message = "a".repeat(60_000);
        needle = "a".repeat(255) + "b";
      }
      case "adversarial" -> {
        message = "b" + "a".repeat(59_999);
        needle = "a".repeat(255) + "b";
      }
      default -> throw new IllegalArgumentException(text);
    }
    line = new LogLine(1, Instant.EPOCH, StreamKind.STDOUT, LogLevel.INFO, message);
    filter = LogFilter.builder().query(needle).build();
    needle = needle.toLowerCase(Locale.ROOT);
  }

  private static String words(int length, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    StringBuilder sb = new StringBuilder(length + 16);
    while (sb.length() < length) {
      sb.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
    }
    return sb.substring(0, length);
  }

  /** The search {@code LogFilter} does: linear whatever the needle. */
  @Benchmark
  public boolean linear() {
    return filter.test(line);
  }

  /** The search it replaced: up to needle × message comparisons. */
  @Benchmark
  public boolean naive() {
    String haystack = line.message();
    int n = needle.length();
    int last = haystack.length() - n;
    for (int i = 0; i <= last; i++) {
      if (haystack.regionMatches(true, i, needle, 0, n)) {
        return true;
      }
    }
    return false;
  }
}
