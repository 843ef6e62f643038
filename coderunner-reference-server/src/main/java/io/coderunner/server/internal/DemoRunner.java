package io.coderunner.server.internal;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.StreamKind;
import io.coderunner.core.deploy.DeploymentRunner;
import io.coderunner.core.deploy.ProcessRecord;
import io.coderunner.core.deploy.RunListener;
import io.coderunner.core.deploy.RunnerException;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A runner for the demo: a deployment whose command is {@value #COMMAND} is "run" in-process by a
 * generator that prints realistic build, deploy and request lines with levels and ANSI colours;
 * every other command goes to the delegate. Thread-safe; one daemon thread, {@code
 * coderunner-demo}, emits the lines and reports starts and exits, as a real runner's threads do.
 */
public final class DemoRunner implements DeploymentRunner {
  /** The virtual executable the demo deployment runs. */
  public static final String COMMAND = "coderunner-demo";

  private static final String RESET = "\u001b[0m";
  private static final String GREEN = "\u001b[32m";
  private static final String YELLOW = "\u001b[33m";
  private static final String RED = "\u001b[31m";
  private static final String CYAN = "\u001b[36m";
  private static final String BOLD = "\u001b[1m";

  private static final List<String> BUILD =
      List.of(
          CYAN + "[build]" + RESET + " Cloning git@example.com:acme/shop.git (branch main)",
          CYAN + "[build]" + RESET + " Checked out 4f2c9e1 \"Fix cart totals rounding\"",
          CYAN + "[build]" + RESET + " Restoring dependency cache (412 MB)",
          CYAN + "[build]" + RESET + " npm ci --no-audit",
          CYAN + "[build]" + RESET + " added 1,284 packages in 9.8s",
          CYAN + "[build]" + RESET + " npm run build",
          CYAN + "[build]" + RESET + " vite v5.4.2 building for production...",
          CYAN + "[build]" + RESET + " ✓ 1,932 modules transformed.",
          CYAN + "[build]" + RESET + " dist/assets/index-8c1f.js   412.31 kB │ gzip: 131.02 kB",
          CYAN + "[test]" + RESET + " Running 248 tests in 31 files",
          CYAN + "[test]" + RESET + " " + GREEN + "✓ 248 passed" + RESET + " (6.2s)",
          CYAN + "[deploy]" + RESET + " Building image registry.example.com/acme/shop:4f2c9e1",
          CYAN + "[deploy]" + RESET + " Pushing image (3 layers, 88 MB)",
          CYAN + "[deploy]" + RESET + " Rolling out: 0/3 replicas ready",
          CYAN + "[deploy]" + RESET + " Rolling out: 3/3 replicas ready",
          GREEN + BOLD + "[deploy] Deployment live at https://shop.example.com" + RESET);

  private static final List<String> PATHS =
      List.of("/", "/api/cart", "/api/products?page=2", "/api/orders", "/healthz", "/api/search");

  private final DeploymentRunner delegate;
  private final Duration interval;
  private final ScheduledExecutorService scheduler;
  private final ConcurrentHashMap<DeploymentId, Run> runs = new ConcurrentHashMap<>();
  private final AtomicLong pids = new AtomicLong(41_000);

  private record Run(RunListener listener, ScheduledFuture<?> task) {}

  public DemoRunner(DeploymentRunner delegate, Duration interval) {
    this.delegate = delegate;
    this.interval = interval;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "coderunner-demo");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public void start(Deployment deployment, RunListener listener) {
    if (!COMMAND.equals(deployment.command().get(0))) {
      delegate.start(deployment, listener);
      return;
    }
    long pid = pids.incrementAndGet();
    Generator generator = new Generator(listener, pid);
    synchronized (runs) {
      if (runs.containsKey(deployment.id())) {
        throw new RunnerException("the demo app of " + deployment.id() + " is already running");
      }
      scheduler.execute(() -> listener.started(pid));
      ScheduledFuture<?> task =
          scheduler.scheduleAtFixedRate(
              generator, interval.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS);
      runs.put(deployment.id(), new Run(listener, task));
    }
  }

  @Override
  public void stop(DeploymentId id, Duration grace) {
    Run run = runs.remove(id);
    if (run == null) {
      delegate.stop(id, grace);
      return;
    }
    run.task().cancel(false);
    scheduler.execute(
        () -> {
          run.listener()
              .line(
                  new LogEntry(
                      null,
                      StreamKind.STDOUT,
                      LogLevel.INFO,
                      "SIGTERM received, draining connections"));
          run.listener().exited(143, true);
        });
  }

  @Override
  public boolean isRunning(DeploymentId id) {
    return runs.containsKey(id) || delegate.isRunning(id);
  }

  /** The demo's own runs are threads, gone with the server: only the delegate's can be left. */
  @Override
  public int reap(ProcessRecord process, Duration grace) {
    return delegate.reap(process, grace);
  }

  @Override
  public void close() {
    for (DeploymentId id : List.copyOf(runs.keySet())) {
      stop(id, Duration.ZERO);
    }
    scheduler.shutdown();
    try {
      if (!scheduler.awaitTermination(2, TimeUnit.SECONDS)) {
        scheduler.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    delegate.close();
  }

  /** Prints the build, then serves requests forever. */
  private static final class Generator implements Runnable {
    private final RunListener listener;
    private final SplittableRandom random;
    private int step;

    Generator(RunListener listener, long seed) {
      this.listener = listener;
      this.random = new SplittableRandom(seed);
    }

    @Override
    public void run() {
      try {
        listener.line(next());
      } catch (RuntimeException e) {
        // a deleted deployment: nothing to print to
      }
    }

    private LogEntry next() {
      int i = step++;
      if (i < BUILD.size()) {
        return new LogEntry(null, StreamKind.STDOUT, LogLevel.INFO, BUILD.get(i));
      }
      int roll = random.nextInt(100);
      String path = PATHS.get(random.nextInt(PATHS.size()));
      int ms = 3 + random.nextInt(40);
      if (roll < 4) {
        return new LogEntry(
            null,
            StreamKind.STDERR,
            LogLevel.ERROR,
            RED
                + "ERROR"
                + RESET
                + " POST /api/orders 502 upstream payment-gateway timed out after 3000ms");
      }
      if (roll < 14) {
        return new LogEntry(
            null,
            StreamKind.STDOUT,
            LogLevel.WARN,
            YELLOW
                + "WARN "
                + RESET
                + " slow query on orders ("
                + (250 + random.nextInt(900))
                + "ms)");
      }
      if (roll < 24) {
        return new LogEntry(
            null,
            StreamKind.STDOUT,
            LogLevel.DEBUG,
            "DEBUG cache hit ratio " + (80 + random.nextInt(20)) + "%");
      }
      return new LogEntry(
          null,
          StreamKind.STDOUT,
          LogLevel.INFO,
          GREEN + "INFO " + RESET + " GET " + path + " 200 " + ms + "ms");
    }
  }
}
