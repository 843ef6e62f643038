package io.coderunner.core.deploy;

import io.coderunner.core.log.RetentionConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How a {@link LocalProcessRunner} starts processes: which executables it may run, their
 * environment and working directory, how long a stopped process gets, and how long an output line
 * may be. Immutable; build one with {@link #builder()}, start from {@link #defaults()}, derive with
 * {@link #toBuilder()}. Each setter rejects a bad value at once, naming it.
 *
 * <p><b>Allowlist.</b> A deployment's {@code command.get(0)} must equal one of {@link
 * #allowedCommands()} exactly. An entry is either an absolute path ({@code /usr/bin/python3}),
 * matched only by that same path, or a bare name ({@code python3}), matched only by that same bare
 * name, which the runner then looks up in the directories of its own base {@code PATH} (never the
 * deployment's). A path like {@code ./run.sh} or {@code bin/app} can never match. The default, an
 * empty set, allows nothing.
 *
 * <p><b>Environment.</b> A process starts from an empty environment, adds the {@link
 * #inheritedVariables()} (default {@code PATH}, {@code HOME}, {@code LANG}) that the JVM's own
 * environment has, then {@link #baseEnvironment()}, then the deployment's {@code env}; a later
 * source wins. Nothing else of the host's environment (credentials, tokens) reaches a deployment.
 *
 * <p><b>Process groups.</b> With {@link #processGroups()} (the default) each process starts through
 * {@code setsid} (util-linux) in a session and process group of its own, whose id is its pid, and
 * stopping it signals the whole group, so a child that forked twice and was re-parented is stopped
 * with it. Only a child that starts a session of its own escapes; contain those with cgroups (for
 * example by running the server under {@code systemd-run --scope}).
 */
public final class LocalRunnerConfig {
  /** Largest accepted {@link #stopGrace()}. */
  public static final Duration MAX_STOP_GRACE = Duration.ofMinutes(10);

  /** Smallest accepted {@link #maxLineBytes()}: the log store's own line limit. */
  public static final int MIN_LINE_BYTES = RetentionConfig.Builder.MIN_LINE_BYTES;

  /** Largest accepted {@link #maxLineBytes()}: 1 MiB, the log store's own line limit. */
  public static final int MAX_LINE_BYTES = RetentionConfig.Builder.MAX_LINE_BYTES;

  private static final LocalRunnerConfig DEFAULTS = new Builder().build();

  private final Set<String> allowedCommands;
  private final Duration stopGrace;
  private final int maxLineBytes;
  private final Set<String> inheritedVariables;
  private final Map<String, String> baseEnvironment;
  private final @Nullable Path defaultWorkingDir;
  private final boolean processGroups;

  private LocalRunnerConfig(Builder b) {
    this.allowedCommands = Set.copyOf(b.allowedCommands);
    this.stopGrace = b.stopGrace;
    this.maxLineBytes = b.maxLineBytes;
    this.inheritedVariables = Set.copyOf(b.inheritedVariables);
    this.baseEnvironment = Map.copyOf(b.baseEnvironment);
    this.defaultWorkingDir = b.defaultWorkingDir;
    this.processGroups = b.processGroups;
  }

  /**
   * The defaults: nothing allowed, 10 s stop grace, 64 KiB lines, {@code PATH}, {@code HOME} and
   * {@code LANG} inherited, no base environment, the JVM's working directory, process groups on.
   *
   * @return the shared default config
   */
  public static LocalRunnerConfig defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from this config.
   *
   * @return a new builder; changing it leaves this config as it is
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Executables a deployment may start: bare names or absolute paths.
   *
   * @return the allowlist; unmodifiable, empty by default (nothing may run)
   */
  public Set<String> allowedCommands() {
    return allowedCommands;
  }

  /**
   * Time between SIGTERM and SIGKILL when {@link LocalProcessRunner#close()} stops processes.
   *
   * @return the grace, 0 to {@link #MAX_STOP_GRACE}
   */
  public Duration stopGrace() {
    return stopGrace;
  }

  /**
   * Longest output line kept, in UTF-8 bytes, truncation marker included.
   *
   * @return the limit, {@link #MIN_LINE_BYTES} to {@link #MAX_LINE_BYTES}
   */
  public int maxLineBytes() {
    return maxLineBytes;
  }

  /**
   * Names of the JVM's environment variables a process inherits (when the JVM has them).
   *
   * @return the names; unmodifiable, possibly empty
   */
  public Set<String> inheritedVariables() {
    return inheritedVariables;
  }

  /**
   * Variables every process gets, over the inherited ones and under the deployment's own.
   *
   * @return names to values; unmodifiable, possibly empty
   */
  public Map<String, String> baseEnvironment() {
    return baseEnvironment;
  }

  /**
   * Where a deployment without a working directory starts; {@code null} for the JVM's own.
   *
   * @return the directory, or {@code null}
   */
  public @Nullable Path defaultWorkingDir() {
    return defaultWorkingDir;
  }

  /**
   * Whether each process runs in a process group of its own that stop signals whole.
   *
   * @return {@code true} (the default) if processes start through {@code setsid}
   */
  public boolean processGroups() {
    return processGroups;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof LocalRunnerConfig that
        && allowedCommands.equals(that.allowedCommands)
        && stopGrace.equals(that.stopGrace)
        && maxLineBytes == that.maxLineBytes
        && inheritedVariables.equals(that.inheritedVariables)
        && baseEnvironment.equals(that.baseEnvironment)
        && Objects.equals(defaultWorkingDir, that.defaultWorkingDir)
        && processGroups == that.processGroups;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        allowedCommands,
        stopGrace,
        maxLineBytes,
        inheritedVariables,
        baseEnvironment,
        defaultWorkingDir,
        processGroups);
  }

  /** Names the settings; values of the base environment are left out, as they may be secret. */
  @Override
  public String toString() {
    return "LocalRunnerConfig{allowedCommands="
        + allowedCommands
        + ", stopGrace="
        + stopGrace
        + ", maxLineBytes="
        + maxLineBytes
        + ", inheritedVariables="
        + inheritedVariables
        + ", baseEnvironment="
        + baseEnvironment.keySet()
        + ", defaultWorkingDir="
        + defaultWorkingDir
        + ", processGroups="
        + processGroups
        + '}';
  }

  /** Builds a {@link LocalRunnerConfig}. Not thread-safe. */
  public static final class Builder {
    private Set<String> allowedCommands = Set.of();
    private Duration stopGrace = Duration.ofSeconds(10);
    private int maxLineBytes = 64 << 10;
    private Set<String> inheritedVariables = Set.of("PATH", "HOME", "LANG");
    private Map<String, String> baseEnvironment = Map.of();
    private @Nullable Path defaultWorkingDir;
    private boolean processGroups = true;

    private Builder() {}

    private Builder(LocalRunnerConfig c) {
      this.allowedCommands = c.allowedCommands;
      this.stopGrace = c.stopGrace;
      this.maxLineBytes = c.maxLineBytes;
      this.inheritedVariables = c.inheritedVariables;
      this.baseEnvironment = c.baseEnvironment;
      this.defaultWorkingDir = c.defaultWorkingDir;
      this.processGroups = c.processGroups;
    }

    /**
     * Executables deployments may start, replacing the previous set. Each is a bare name without
     * {@code /} (looked up on the base {@code PATH}) or an absolute path. Default: none.
     *
     * @param commands the allowlist; copied, may be empty
     * @return this builder
     * @throws IllegalArgumentException if an entry is empty, {@code .} or {@code ..}, a relative
     *     path, holds NUL, or has leading or trailing whitespace
     * @throws NullPointerException if {@code commands} or an entry is null
     */
    public Builder allowedCommands(Collection<String> commands) {
      Set<String> copy = new LinkedHashSet<>();
      for (String command : commands) {
        Objects.requireNonNull(command, "allowedCommands element");
        boolean bare =
            !command.isEmpty()
                && command.indexOf('/') < 0
                && !command.equals(".")
                && !command.equals("..");
        boolean absolute = command.startsWith("/") && command.length() > 1;
        if ((!bare && !absolute)
            || command.indexOf('\0') >= 0
            || !command.strip().equals(command)) {
          throw new IllegalArgumentException(
              "allowedCommands entries must be bare names or absolute paths, was '"
                  + command
                  + "'");
        }
        copy.add(command);
      }
      this.allowedCommands = copy;
      return this;
    }

    /**
     * Time between SIGTERM and SIGKILL when the runner is closed. Default 10 s; range 0 to 10 min.
     *
     * @param stopGrace the grace
     * @return this builder
     * @throws IllegalArgumentException if {@code stopGrace} is negative or over {@link
     *     #MAX_STOP_GRACE}
     * @throws NullPointerException if {@code stopGrace} is null
     */
    public Builder stopGrace(Duration stopGrace) {
      Objects.requireNonNull(stopGrace, "stopGrace");
      if (stopGrace.isNegative() || stopGrace.compareTo(MAX_STOP_GRACE) > 0) {
        throw new IllegalArgumentException(
            "stopGrace must be between 0 and 10 min, was " + stopGrace);
      }
      this.stopGrace = stopGrace;
      return this;
    }

    /**
     * Longest output line in UTF-8 bytes; a longer line is truncated. Default 64 KiB; range 256 B
     * to 1 MiB.
     *
     * @param maxLineBytes the limit in bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code maxLineBytes} is out of range
     */
    public Builder maxLineBytes(int maxLineBytes) {
      if (maxLineBytes < MIN_LINE_BYTES || maxLineBytes > MAX_LINE_BYTES) {
        throw new IllegalArgumentException(
            "maxLineBytes must be between "
                + MIN_LINE_BYTES
                + " and "
                + MAX_LINE_BYTES
                + ", was "
                + maxLineBytes);
      }
      this.maxLineBytes = maxLineBytes;
      return this;
    }

    /**
     * Names of the JVM's environment variables every process inherits. Default {@code PATH}, {@code
     * HOME}, {@code LANG}; may be empty.
     *
     * @param names the variable names; copied
     * @return this builder
     * @throws IllegalArgumentException if a name is empty or holds {@code =} or NUL
     * @throws NullPointerException if {@code names} or a name is null
     */
    public Builder inheritedVariables(Collection<String> names) {
      Set<String> copy = new LinkedHashSet<>();
      for (String name : names) {
        copy.add(checkName(name, "inheritedVariables"));
      }
      this.inheritedVariables = copy;
      return this;
    }

    /**
     * Variables every process gets, over the inherited ones. Default none.
     *
     * @param environment names to values; copied
     * @return this builder
     * @throws IllegalArgumentException if a name is empty or holds {@code =} or NUL, or a value
     *     holds NUL
     * @throws NullPointerException if {@code environment}, a name or a value is null
     */
    public Builder baseEnvironment(Map<String, String> environment) {
      Map<String, String> copy = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : environment.entrySet()) {
        String name = checkName(e.getKey(), "baseEnvironment");
        String value = Objects.requireNonNull(e.getValue(), "baseEnvironment value");
        if (value.indexOf('\0') >= 0) {
          throw new IllegalArgumentException(
              "baseEnvironment value of " + name + " must not contain NUL");
        }
        copy.put(name, value);
      }
      this.baseEnvironment = copy;
      return this;
    }

    /**
     * Where deployments without a working directory start. Default {@code null}: the JVM's working
     * directory. It must exist when a deployment starts, not now.
     *
     * @param dir the directory, or {@code null}
     * @return this builder
     */
    public Builder defaultWorkingDir(@Nullable Path dir) {
      this.defaultWorkingDir = dir;
      return this;
    }

    /**
     * Whether each process starts through {@code setsid} in a process group of its own, which stop
     * signals whole. Default true; needs {@code setsid} in {@code /usr/bin} or {@code /bin}. Off,
     * stop reaches the process and the descendants the runner saw while it ran.
     *
     * @param processGroups whether to start each process in a group of its own
     * @return this builder
     */
    public Builder processGroups(boolean processGroups) {
      this.processGroups = processGroups;
      return this;
    }

    /**
     * The config set so far; the builder may be used again.
     *
     * @return a new config
     */
    public LocalRunnerConfig build() {
      return new LocalRunnerConfig(this);
    }

    private static String checkName(String name, String setting) {
      Objects.requireNonNull(name, setting + " name");
      if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
        throw new IllegalArgumentException(
            setting + " names must be non-empty without '=' or NUL, was '" + name + "'");
      }
      return name;
    }
  }
}
