package io.coderunner.benchmarks.load;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * How a load tool's {@code main} runs: its options parsed ({@code --help} prints the usage and
 * exits 0, bad options print what is wrong and the usage and exit 2), the tool run and its code the
 * exit code (2 when it failed), and a watchdog that ends a run that hangs with exit code 3.
 */
final class ToolMain {
  /** Parses a tool's command line. */
  @FunctionalInterface
  interface Parser<O> {
    O parse(String[] args) throws LoadOptions.UsageException;
  }

  /** Runs a tool; returns its exit code. */
  @FunctionalInterface
  interface Tool<O> {
    int run(O options) throws Exception;
  }

  private ToolMain() {}

  /** Parses {@code args}, runs {@code tool} and exits with its code. */
  static <O> void run(String name, String usage, String[] args, Parser<O> parser, Tool<O> tool) {
    O options;
    try {
      options = parser.parse(args);
    } catch (LoadOptions.UsageException e) {
      String message = Objects.requireNonNullElse(e.getMessage(), "");
      if (!message.isEmpty()) {
        System.err.println(name + ": " + message);
      }
      System.err.print(usage);
      System.exit(message.isEmpty() ? 0 : 2);
      return;
    }
    int code;
    try {
      code = tool.run(options);
    } catch (Exception e) {
      System.err.println(name + ": failed: " + e);
      e.printStackTrace();
      code = 2;
    }
    System.exit(code);
  }

  /** After {@code seconds}, runs {@code stop} (the server child's close) and halts with 3. */
  static void watchdog(String name, long seconds, Runnable stop) {
    var unused =
        CompletableFuture.runAsync(
            () -> {
              System.err.println(name + ": timed out after " + seconds + " s; stopping");
              stop.run();
              Runtime.getRuntime().halt(3);
            },
            CompletableFuture.delayedExecutor(seconds, TimeUnit.SECONDS));
  }
}
