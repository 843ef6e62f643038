package io.coderunner.benchmarks.load;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * What CodeRunner's metrics cost at full broadcast load: runs the load tool {@code --rounds} times
 * with the server's metrics off and as many times with them on, alternating (off then on in odd
 * rounds, on then off in even ones, so a drift of the machine falls on both), and compares the
 * server's CPU use over the measured windows.
 *
 * <p>Run it with {@code benchmarks/metrics-overhead [--rounds R] [load-tool options]}; every option
 * but {@code --rounds} goes to each load-tool run unchanged ({@code --metrics} is set by this
 * tool). Exit code 0 when every run delivered every line exactly once, 1 otherwise, 2 for a bad
 * command line.
 */
public final class MetricsOverhead {
  private MetricsOverhead() {}

  /** The figures one load-tool run printed on its {@code FIGURES} line. */
  record Run(
      boolean metrics,
      double serverCpuPercent,
      double cpuNanosPerFrame,
      long lost,
      long duplicates,
      long p99Micros) {
    static @Nullable Run parse(String line) {
      if (!line.startsWith("FIGURES ")) {
        return null;
      }
      Map<String, String> f = new LinkedHashMap<>();
      for (String part : line.substring("FIGURES ".length()).trim().split(" ", -1)) {
        int eq = part.indexOf('=');
        if (eq > 0) {
          f.put(part.substring(0, eq), part.substring(eq + 1));
        }
      }
      return new Run(
          "on".equals(f.get("metrics")),
          Double.parseDouble(f.getOrDefault("serverCpuPercent", "-1")),
          Double.parseDouble(f.getOrDefault("cpuNanosPerFrame", "-1")),
          Long.parseLong(f.getOrDefault("lost", "-1")),
          Long.parseLong(f.getOrDefault("duplicates", "-1")),
          Long.parseLong(f.getOrDefault("latencyP99Micros", "-1")));
    }

    boolean clean() {
      return lost == 0 && duplicates == 0 && serverCpuPercent >= 0;
    }
  }

  /**
   * Mean and sample standard deviation of one figure without and with metrics, and of the
   * difference within each round (on − off).
   */
  record Summary(
      double offMean,
      double offStdev,
      double onMean,
      double onStdev,
      double diffMean,
      double diffStdev,
      int rounds) {

    /** The server's CPU in percent of one core. */
    static Summary of(List<Run> runs) {
      return of(runs, Run::serverCpuPercent);
    }

    static Summary of(List<Run> runs, java.util.function.ToDoubleFunction<Run> figure) {
      List<Double> off = new ArrayList<>();
      List<Double> on = new ArrayList<>();
      for (Run r : runs) {
        (r.metrics() ? on : off).add(figure.applyAsDouble(r));
      }
      int rounds = Math.min(off.size(), on.size());
      List<Double> diff = new ArrayList<>();
      for (int i = 0; i < rounds; i++) {
        diff.add(on.get(i) - off.get(i));
      }
      return new Summary(
          mean(off), stdev(off), mean(on), stdev(on), mean(diff), stdev(diff), rounds);
    }

    /** The difference as a share of the CPU the server uses without metrics, in percent. */
    double relativePercent() {
      return offMean == 0 ? Double.NaN : 100 * diffMean / offMean;
    }

    private static double mean(List<Double> xs) {
      return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private static double stdev(List<Double> xs) {
      if (xs.size() < 2) {
        return Double.NaN;
      }
      double m = mean(xs);
      double sum = 0;
      for (double x : xs) {
        sum += (x - m) * (x - m);
      }
      return Math.sqrt(sum / (xs.size() - 1));
    }
  }

  public static void main(String[] args) throws Exception {
    int rounds = 3;
    List<String> pass = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--rounds") && i + 1 < args.length) {
        try {
          rounds = Integer.parseInt(args[++i]);
        } catch (NumberFormatException e) {
          rounds = 0;
        }
        if (rounds < 1 || rounds > 50) {
          System.err.println("metrics-overhead: --rounds must be between 1 and 50");
          System.exit(2);
        }
      } else if (args[i].equals("--metrics")) {
        System.err.println("metrics-overhead: --metrics is set by this tool");
        System.exit(2);
      } else {
        pass.add(args[i]);
      }
    }
    List<Run> runs = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      boolean first = round % 2 == 0;
      for (boolean metrics : new boolean[] {first, !first}) {
        System.err.printf(
            Locale.ROOT, "[overhead] round %d of %d, metrics %s%n", round, rounds, on(metrics));
        Run run = runLoadTool(pass, metrics);
        if (run == null) {
          System.err.println("[overhead] the load tool printed no figures");
          System.exit(1);
        }
        runs.add(run);
      }
    }
    System.out.print(report(runs, String.join(" ", pass)));
    System.exit(runs.stream().allMatch(Run::clean) ? 0 : 1);
  }

  private static String on(boolean metrics) {
    return metrics ? "on" : "off";
  }

  static String report(List<Run> runs, String options) {
    Summary s = Summary.of(runs);
    StringBuilder b = new StringBuilder("\n== CodeRunner metrics overhead ==\n\n");
    b.append("Load: `benchmarks/load-tool ").append(options).append("`, ");
    b.append(s.rounds()).append(" round(s), metrics off and on alternately\n\n");
    b.append(
        "| run | metrics | server CPU, % of one core | server CPU per frame sent | end-to-end p99"
            + " | lost |\n");
    b.append("|---|---|---|---|---|---|\n");
    for (int i = 0; i < runs.size(); i++) {
      Run r = runs.get(i);
      b.append(
          String.format(
              Locale.ROOT,
              "| %d | %s | %.2f | %.0f ns | %.3f ms | %d |%n",
              i + 1,
              on(r.metrics()),
              r.serverCpuPercent(),
              r.cpuNanosPerFrame(),
              r.p99Micros() / 1000.0,
              r.lost()));
    }
    Summary perFrame = Summary.of(runs, Run::cpuNanosPerFrame);
    b.append(
        String.format(
            Locale.ROOT,
            "%nServer CPU without metrics %.2f ± %.2f %%, with metrics %.2f ± %.2f %% of one core"
                + " (mean ± sample stdev).%nDifference within a round (on − off): %+.2f ± %.2f"
                + " percentage points of one core, %+.2f %% of the server's CPU without metrics.%n",
            s.offMean(),
            s.offStdev(),
            s.onMean(),
            s.onStdev(),
            s.diffMean(),
            s.diffStdev(),
            s.relativePercent()));
    b.append(
        String.format(
            Locale.ROOT,
            "Server CPU per frame sent: without %.0f ± %.0f ns, with %.0f ± %.0f ns; within a round"
                + " %+.1f ± %.1f ns, %+.2f %%.%n",
            perFrame.offMean(),
            perFrame.offStdev(),
            perFrame.onMean(),
            perFrame.onStdev(),
            perFrame.diffMean(),
            perFrame.diffStdev(),
            perFrame.relativePercent()));
    b.append(
        runs.stream().allMatch(Run::clean)
            ? "Every run delivered every line exactly once.\n"
            : "Some run lost or duplicated lines: see above.\n");
    return b.toString();
  }

  private static @Nullable Run runLoadTool(List<String> options, boolean metrics)
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(LoadTool.class.getName());
    command.addAll(options);
    command.add("--metrics");
    command.add(on(metrics));
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    Run run = null;
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = r.readLine()) != null) {
        System.err.println(line);
        Run parsed = Run.parse(line);
        if (parsed != null) {
          run = parsed;
        }
      }
    }
    if (!p.waitFor(1, TimeUnit.HOURS)) {
      p.destroyForcibly();
    }
    return run;
  }
}
