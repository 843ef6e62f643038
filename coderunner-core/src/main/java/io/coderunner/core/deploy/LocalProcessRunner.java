package io.coderunner.core.deploy;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.StreamKind;
import io.coderunner.core.deploy.internal.Executables;
import io.coderunner.core.deploy.internal.Leftovers;
import io.coderunner.core.deploy.internal.LevelParser;
import io.coderunner.core.deploy.internal.LineSplitter;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs deployments as child processes of this JVM, on this machine.
 *
 * <p>Create one per application with {@link #create(LocalRunnerConfig)} and share it; it is
 * thread-safe. It starts no thread until the first {@link #start}; then each process gets three
 * daemon threads, {@code coderunner-run-<id>-stdout}, {@code -stderr} (one reader per stream) and
 * {@code -monitor} (reports the start and the end), and the runner keeps one scheduler thread,
 * {@code coderunner-runner-kill}, for SIGKILLs due after a grace period.
 *
 * <p>Only commands on the {@linkplain LocalRunnerConfig allowlist} run, in an environment built
 * from nothing but the config and the deployment. For each process the listener hears {@link
 * RunListener#started} first, then its lines (stdout and stderr each in order, each with the level
 * its start names, such as {@code ERROR}, {@code [warn]} or {@code level=info}, past timestamps and
 * brackets), then {@link RunListener#exited} once, after the process ended and both streams were
 * read to the end. When the process ends, whatever it left running in the background that the
 * runner has seen is killed; output that arrives more than {@value #DRAIN_SECONDS} s after the end
 * (from a background process the runner never saw) is not reported.
 *
 * <p>With {@link LocalRunnerConfig#processGroups()} (the default) each process starts through
 * {@code setsid} in a session and process group of its own (its id is the process's pid), and every
 * signal goes to the whole group as well as to the descendants the runner saw: a child that forked
 * twice and was re-parented to init is still in the group. When the process ends, what is left of
 * its group is killed.
 *
 * <p>{@link #stop} sends SIGTERM to the process's group and tree and SIGKILL to what remains after
 * the grace. {@link #close()} stops every process with {@link LocalRunnerConfig#stopGrace()}, waits
 * for them (bounded) and stops the scheduler; it is idempotent, and {@link #start} afterwards
 * throws {@link IllegalStateException}.
 */
public final class LocalProcessRunner implements DeploymentRunner {
  private static final Logger log = LoggerFactory.getLogger(LocalProcessRunner.class);

  /** How long the runner reads a process's streams after it exited. */
  static final int DRAIN_SECONDS = 5;

  /** How often the runner notes a running process's descendants. */
  private static final long TRACK_MILLIS = 100;

  private static final int READ_CHUNK_BYTES = 8192;

  private static final Optional<Path> SETSID =
      Stream.of("/usr/bin/setsid", "/bin/setsid")
          .map(Path::of)
          .filter(Files::isExecutable)
          .findFirst();

  static final String SETSID_MISSING =
      "setsid (util-linux) not found in /usr/bin or /bin; install it or turn processGroups off";

  private final LocalRunnerConfig config;
  private final ScheduledThreadPoolExecutor killer;
  private final ConcurrentHashMap<DeploymentId, Run> runs = new ConcurrentHashMap<>();
  private final Object lifecycle = new Object();
  private volatile boolean closed; // written under lifecycle

  private LocalProcessRunner(LocalRunnerConfig config) {
    this.config = config;
    this.killer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "coderunner-runner-kill");
              t.setDaemon(true);
              return t;
            });
    killer.setRemoveOnCancelPolicy(true);
  }

  /**
   * A runner with {@code config}. Starts no thread.
   *
   * @param config which commands may run and how
   * @return a new runner
   * @throws NullPointerException if {@code config} is null
   */
  public static LocalProcessRunner create(LocalRunnerConfig config) {
    return new LocalProcessRunner(Objects.requireNonNull(config, "config"));
  }

  /**
   * The config the runner was created with.
   *
   * @return its config
   */
  public LocalRunnerConfig config() {
    return config;
  }

  /**
   * {@inheritDoc}
   *
   * @throws RunnerException if the executable is not allowed or not found, the working directory
   *     does not exist, the process could not be started, or this deployment is already running
   * @throws IllegalStateException if the runner is closed
   */
  @Override
  public void start(Deployment deployment, RunListener listener) {
    Objects.requireNonNull(deployment, "deployment");
    Objects.requireNonNull(listener, "listener");
    ensureOpen();
    Map<String, String> base = baseEnvironment();
    List<String> command = new ArrayList<>(deployment.command());
    command.set(0, executable(command.get(0), base.get("PATH")));
    if (config.processGroups()) {
      // The JVM's child is never a group leader, so setsid makes the session in place and execs:
      // the process keeps its pid, which is then its group's id too.
      command.add(0, SETSID.orElseThrow(() -> new RunnerException(SETSID_MISSING)).toString());
    }
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir(deployment));
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(base);
    env.putAll(deployment.env());

    Run run;
    synchronized (lifecycle) {
      ensureOpen();
      if (runs.containsKey(deployment.id())) {
        throw new RunnerException("deployment " + deployment.id() + " is already running");
      }
      Process process;
      try {
        process = builder.start();
      } catch (IOException e) {
        throw new RunnerException(
            "could not start " + deployment.command().get(0) + ": " + e.getMessage(), e);
      }
      try {
        process.getOutputStream().close(); // stdin: nothing to read, end of input at once
      } catch (IOException e) {
        log.debug("deployment {}: could not close stdin: {}", deployment.id(), e.toString());
      }
      run = new Run(deployment.id(), process, listener);
      runs.put(deployment.id(), run);
    }
    run.begin();
  }

  @Override
  public void stop(DeploymentId id, Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("grace must not be negative, was " + grace);
    }
    Run run = runs.get(id);
    if (run != null) {
      run.stop(grace);
    }
  }

  @Override
  public boolean isRunning(DeploymentId id) {
    return runs.containsKey(id);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Found by the recorded pid and start time, the process's descendants, and, with process
   * groups, every process of its group (read from {@code /proc} on Linux).
   */
  @Override
  public int reap(ProcessRecord record, Duration grace) {
    Objects.requireNonNull(record, "record");
    Objects.requireNonNull(grace, "grace");
    Set<ProcessHandle> left = Leftovers.of(record);
    if (left.isEmpty()) {
      return 0;
    }
    log.warn(
        "deployment {}: stopping {} processes left running by an earlier server (pids {})",
        record.deploymentId(),
        left.size(),
        left.stream().map(h -> Long.toString(h.pid())).toList());
    left.forEach(ProcessHandle::destroy);
    if (!awaitGone(left, grace)) {
      left.forEach(ProcessHandle::destroyForcibly);
      if (!awaitGone(left, Duration.ofSeconds(5))) {
        log.warn("deployment {}: some processes outlived SIGKILL", record.deploymentId());
      }
    }
    return left.size();
  }

  private static boolean awaitGone(Set<ProcessHandle> processes, Duration within) {
    CompletableFuture<?>[] exits =
        processes.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(exits).get(within.toNanos(), TimeUnit.NANOSECONDS);
      return true;
    } catch (TimeoutException | ExecutionException e) {
      return processes.stream().noneMatch(ProcessHandle::isAlive);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    List<Run> stopping;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      stopping = List.copyOf(runs.values());
    }
    for (Run run : stopping) {
      run.stop(config.stopGrace());
    }
    long deadline =
        System.nanoTime() + config.stopGrace().plusSeconds(DRAIN_SECONDS + 5L).toNanos();
    for (Run run : stopping) {
      try {
        run.done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        log.warn("deployment {}: process did not end in time; killing it", run.id);
        run.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        run.kill();
      }
    }
    killer.shutdownNow();
  }

  // ------------------------------------------------------------------ internals

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("runner is closed");
    }
  }

  /** The inherited variables the JVM has, then the base environment. */
  private Map<String, String> baseEnvironment() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String name : config.inheritedVariables()) {
      String value = System.getenv(name);
      if (value != null) {
        env.put(name, value);
      }
    }
    env.putAll(config.baseEnvironment());
    return env;
  }

  /** The path to execute for an allowed {@code name}; the message never names anything else. */
  private String executable(String name, @Nullable String path) {
    if (!config.allowedCommands().contains(name)) {
      throw new RunnerException("command not allowed: " + name);
    }
    Path file =
        name.startsWith("/")
            ? Path.of(name)
            : Executables.findOnPath(name, path)
                .orElseThrow(
                    () -> new RunnerException("command not found on the runner's PATH: " + name));
    // Checked here because through setsid a failed exec would only show as an exit code.
    if (!Files.isRegularFile(file) || !Files.isExecutable(file)) {
      throw new RunnerException("could not start " + name + ": not an executable file");
    }
    return file.toString();
  }

  private @Nullable File workingDir(Deployment deployment) {
    String given = deployment.workingDir();
    Path dir = given != null ? Path.of(given) : config.defaultWorkingDir();
    if (dir == null) {
      return null;
    }
    if (!Files.isDirectory(dir)) {
      throw new RunnerException("working directory does not exist: " + dir);
    }
    return dir.toFile();
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  /** One started process and what the runner knows about it. */
  private final class Run {
    final DeploymentId id;
    final Process process;
    final RunListener listener;
    final CompletableFuture<@Nullable Void> done = new CompletableFuture<>();

    /** Descendants seen while it ran, so that the ones it leaves behind can be killed. */
    final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();

    volatile boolean stopRequested;

    /** Set once the end is reported: a reader still running after that drops what it reads. */
    volatile boolean discard;

    private final List<ScheduledFuture<?>> kills = new ArrayList<>(); // guarded by this

    Run(DeploymentId id, Process process, RunListener listener) {
      this.id = id;
      this.process = process;
      this.listener = listener;
    }

    void begin() {
      daemon("coderunner-run-" + id + "-monitor", this::monitor).start();
    }

    /** Reports the start, reads both streams, waits for the end and reports it. */
    private void monitor() {
      try {
        Optional<Instant> startedAt = process.info().startInstant();
        if (startedAt.isPresent()) {
          listener.started(
              new ProcessRecord(id, process.pid(), startedAt.get(), config.processGroups()));
        } else {
          listener.started(process.pid()); // the system does not say: nothing to reap by later
        }
      } catch (RuntimeException e) {
        log.warn("deployment {}: listener failed on start", id, e);
      }
      Thread out =
          daemon(
              "coderunner-run-" + id + "-stdout",
              () -> read(process.getInputStream(), StreamKind.STDOUT));
      Thread err =
          daemon(
              "coderunner-run-" + id + "-stderr",
              () -> read(process.getErrorStream(), StreamKind.STDERR));
      out.start();
      err.start();
      int code = awaitExit();
      killLeftovers();
      if (!joinReaders(out, err)) {
        discard = true;
        log.warn(
            "deployment {}: output still open {} s after the process exited; no longer read",
            id,
            DRAIN_SECONDS);
      }
      synchronized (this) {
        kills.forEach(k -> k.cancel(false));
        kills.clear();
      }
      runs.remove(id, this);
      try {
        listener.exited(code, stopRequested);
      } catch (RuntimeException e) {
        log.warn("deployment {}: listener failed on exit", id, e);
      } finally {
        done.complete(null);
      }
    }

    private int awaitExit() {
      boolean interrupted = false;
      try {
        while (true) {
          try {
            if (process.waitFor(TRACK_MILLIS, TimeUnit.MILLISECONDS)) {
              return process.exitValue();
            }
            process.descendants().forEach(seen::add);
          } catch (InterruptedException e) {
            interrupted = true;
            kill();
            return process.onExit().join().exitValue();
          }
        }
      } finally {
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
    }

    private boolean joinReaders(Thread out, Thread err) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DRAIN_SECONDS);
      try {
        for (Thread reader : List.of(out, err)) {
          long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
          if (left > 0) {
            reader.join(left);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return !out.isAlive() && !err.isAlive();
    }

    private void read(InputStream stream, StreamKind kind) {
      LineSplitter splitter = new LineSplitter(config.maxLineBytes());
      byte[] buffer = new byte[READ_CHUNK_BYTES];
      try (InputStream in = stream) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          splitter.feed(buffer, 0, n, text -> emit(kind, text));
        }
      } catch (IOException e) {
        log.debug("deployment {}: {} closed: {}", id, kind.wireName(), e.toString());
      }
      splitter.finish(text -> emit(kind, text));
    }

    private void emit(StreamKind kind, String text) {
      if (discard) {
        return;
      }
      LogLevel level = LevelParser.parse(text);
      try {
        listener.line(new LogEntry(null, kind, level == null ? LogLevel.INFO : level, text));
      } catch (RuntimeException e) {
        log.warn("deployment {}: listener failed on a line", id, e);
      }
    }

    /** SIGTERM to the tree now, SIGKILL to what remains after {@code grace}. */
    void stop(Duration grace) {
      stopRequested = true;
      signalGroup("TERM");
      for (ProcessHandle handle : tree()) {
        handle.destroy();
      }
      process.destroy();
      if (grace.isZero()) {
        kill();
        return;
      }
      synchronized (this) {
        if (done.isDone()) {
          return;
        }
        try {
          kills.add(killer.schedule(this::kill, grace.toNanos(), TimeUnit.NANOSECONDS));
        } catch (RejectedExecutionException e) {
          kill(); // the runner is closing down: no grace left to give
        }
      }
    }

    /** SIGKILL to the process and every descendant known. */
    void kill() {
      List<ProcessHandle> tree = tree();
      signalGroup("KILL");
      process.destroyForcibly();
      for (ProcessHandle handle : tree) {
        handle.destroyForcibly();
      }
    }

    /** Descendants now (noted for later) and those seen before that are still alive. */
    private List<ProcessHandle> tree() {
      if (process.isAlive()) {
        process.descendants().forEach(seen::add);
      }
      seen.removeIf(handle -> !handle.isAlive());
      List<ProcessHandle> alive = new ArrayList<>(seen);
      return alive;
    }

    /**
     * Sends {@code signal} to the process's group, if it has one. The group's id is the pid, so no
     * other group can be hit: before {@code setsid} ran there is no such group and the signal goes
     * nowhere. {@code kill} is the shell's own, so nothing beyond {@code /bin/sh} is needed.
     */
    private void signalGroup(String signal) {
      if (!config.processGroups()) {
        return;
      }
      try {
        Process kill =
            new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " -- -" + process.pid())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!kill.waitFor(5, TimeUnit.SECONDS)) {
          kill.destroyForcibly();
        }
      } catch (IOException e) {
        log.warn("deployment {}: could not signal its process group: {}", id, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void killLeftovers() {
      signalGroup("KILL");
      for (ProcessHandle handle : tree()) {
        handle.destroyForcibly();
      }
    }
  }
}
