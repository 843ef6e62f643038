package io.coderunner.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.StreamKind;
import io.coderunner.core.internal.Utf8;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocalProcessRunnerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Instant NOW = Instant.parse("2026-11-24T10:15:30Z");

  private LocalProcessRunner runner =
      LocalProcessRunner.create(
          LocalRunnerConfig.builder()
              .allowedCommands(Set.of("sh", "seq", "/bin/sh"))
              .stopGrace(Duration.ofSeconds(2))
              .build());

  @AfterEach
  void closeRunner() {
    runner.close();
  }

  private static Deployment deployment(String... command) {
    return deployment(Map.of(), null, command);
  }

  private static Deployment deployment(
      Map<String, String> env, String workingDir, String... command) {
    return new Deployment(
        DeploymentId.random(),
        "test",
        "owner",
        List.of(command),
        env,
        workingDir,
        DeploymentStatus.STARTING,
        NOW,
        NOW);
  }

  private static Deployment shell(String script) {
    return deployment("sh", "-c", script);
  }

  private RecordingListener run(Deployment d) {
    RecordingListener listener = new RecordingListener();
    runner.start(d, listener);
    return listener;
  }

  private static RecordingListener.Event exit(RecordingListener listener) throws Exception {
    return listener.exit.get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  @Test
  void stdoutAndStderrLinesKeepTheirStreamAndDefaultToInfo() throws Exception {
    RecordingListener listener = run(shell("echo to stdout; echo to stderr >&2"));
    exit(listener);

    assertThat(listener.lines())
        .containsExactlyInAnyOrder(
            new LogEntry(null, StreamKind.STDOUT, LogLevel.INFO, "to stdout"),
            new LogEntry(null, StreamKind.STDERR, LogLevel.INFO, "to stderr"));
  }

  @Test
  void levelsAreParsedFromPrefixesIncludingAnsiColoursTimestampsAndBrackets() throws Exception {
    String script =
        "printf '%s\\n'"
            + " '\033[31mERROR\033[0m boom'"
            + " '[WARN] careful'"
            + " '2026-11-24 10:15:30 DEBUG detail'"
            + " '2026-11-24T10:15:30.123Z [main] info started'"
            + " 'level=trace t'"
            + " 'FATAL: gone'"
            + " 'ERRORS are counted'"
            + " 'plain text'";
    RecordingListener listener = run(shell(script));
    exit(listener);

    assertThat(listener.lines().stream().map(LogEntry::level))
        .containsExactly(
            LogLevel.ERROR,
            LogLevel.WARN,
            LogLevel.DEBUG,
            LogLevel.INFO,
            LogLevel.TRACE,
            LogLevel.ERROR,
            LogLevel.INFO,
            LogLevel.INFO);
    assertThat(listener.messages().get(0)).isEqualTo("\033[31mERROR\033[0m boom");
  }

  @Test
  void stderrLinesGetTheirParsedLevelAndKeepTheStderrTag() throws Exception {
    RecordingListener listener = run(shell("echo 'WARNING: low disk' >&2"));
    exit(listener);

    assertThat(listener.lines())
        .containsExactly(new LogEntry(null, StreamKind.STDERR, LogLevel.WARN, "WARNING: low disk"));
  }

  @Test
  void invalidUtf8BytesBecomeReplacementCharactersAndTheLineSurvives() throws Exception {
    RecordingListener listener = run(shell("printf 'a\\377b\\303\\n\\303\\251t\\303\\251\\n'"));
    exit(listener);

    assertThat(listener.messages()).containsExactly("a\uFFFDb\uFFFD", "été");
  }

  @Test
  void crLfEndingsAndALastLineWithoutNewlineAreLines() throws Exception {
    RecordingListener listener = run(shell("printf 'one\\r\\n\\ntwo'"));
    exit(listener);

    assertThat(listener.messages()).containsExactly("one", "", "two");
  }

  @Test
  void aOneMegabyteLineArrivesTruncatedAndTheNextLineIsIntact() throws Exception {
    RecordingListener listener =
        run(shell("head -c 1048576 /dev/zero | tr '\\0' x; echo; echo next"));
    exit(listener);

    List<String> messages = listener.messages();
    assertThat(messages).hasSize(2);
    String first = messages.get(0);
    int max = runner.config().maxLineBytes();
    assertThat(Utf8.length(first)).isLessThanOrEqualTo(max).isGreaterThan(max - 64);
    String kept = first.substring(0, first.indexOf(' '));
    assertThat(kept).matches("x+");
    assertThat(first).endsWith(" [...truncated " + (1048576 - kept.length()) + " bytes]");
    assertThat(messages.get(1)).isEqualTo("next");
  }

  @Test
  void aBurstOf100000LinesArrivesCompleteAndInOrder() throws Exception {
    RecordingListener listener = run(deployment("seq", "1", "100000"));
    assertThat(exit(listener).value()).isZero();

    List<String> messages = listener.messages();
    assertThat(messages).hasSize(100_000);
    assertThat(messages.get(0)).isEqualTo("1");
    assertThat(messages.get(99_999)).isEqualTo("100000");
    for (int i = 0; i < messages.size(); i++) {
      if (!messages.get(i).equals(Integer.toString(i + 1))) {
        throw new AssertionError("line " + (i + 1) + " was " + messages.get(i));
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 3})
  void aProcessThatExitsAtOnceReportsStartedItsLinesThenItsExitCode(int code) throws Exception {
    RecordingListener listener = run(shell("echo hi; exit " + code));
    exit(listener);

    assertThat(listener.summary()).containsExactly("started", "stdout info: hi", "exited " + code);
    assertThat(listener.events().get(0).value()).isPositive();
  }

  @Test
  void aProcessIgnoringSigtermIsKilledAfterTheGraceWithItsChild() throws Exception {
    Deployment d = shell("trap '' TERM; echo ready; while :; do sleep 1; done");
    RecordingListener listener = run(d);
    long pid = listener.pid.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> listener.messages().contains("ready"));
    List<Long> children = new ArrayList<>();
    await()
        .atMost(WAIT)
        .until(
            () -> {
              ProcessHandle.of(pid)
                  .ifPresent(p -> p.children().forEach(c -> children.add(c.pid())));
              return !children.isEmpty();
            });

    runner.stop(d.id(), Duration.ofMillis(300));

    RecordingListener.Event exit = exit(listener);
    assertThat(exit.stopped()).isTrue();
    assertThat(exit.value()).isEqualTo(128 + 9);
    assertThat(runner.isRunning(d.id())).isFalse();
    assertThat(alive(pid)).isFalse();
    await().atMost(WAIT).until(() -> children.stream().noneMatch(LocalProcessRunnerTest::alive));
  }

  @Test
  void stopEndsTheWholeProcessTree() throws Exception {
    // "wait $!" (not a bare "wait", which returns 0) makes the shell exit 143 whichever of the
    // two gets SIGTERM first: itself, or the child it waits for.
    Deployment d = shell("sleep 1000 & echo $!; wait $!");
    RecordingListener listener = run(d);
    await().atMost(WAIT).until(() -> !listener.messages().isEmpty());
    long child = Long.parseLong(listener.messages().get(0));
    assertThat(alive(child)).isTrue();
    assertThat(runner.isRunning(d.id())).isTrue();

    runner.stop(d.id(), Duration.ofSeconds(10));

    RecordingListener.Event exit = exit(listener);
    assertThat(exit.stopped()).isTrue();
    assertThat(exit.value()).isEqualTo(128 + 15);
    await().atMost(WAIT).until(() -> !alive(child));
  }

  /** The process group of a live process, from {@code /proc/<pid>/stat}. */
  private static long processGroup(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    // pid (comm) state ppid pgrp ...; comm may hold spaces, so count from its closing paren.
    String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
    return Long.parseLong(after[2]);
  }

  /** A child that forks twice: the subshell exits at once and the sleep is re-parented to init. */
  private static final String DOUBLE_FORK = "(sleep 1000 >/dev/null 2>&1 & echo $!); echo ready; ";

  @Test
  void aDoubleForkedChildIsStoppedWithItsProcessGroup() throws Exception {
    Deployment d = shell(DOUBLE_FORK + "sleep 30");
    RecordingListener listener = run(d);
    long pid = listener.pid.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> listener.messages().contains("ready"));
    long orphan = Long.parseLong(listener.messages().get(0));
    assertThat(alive(orphan)).isTrue();
    assertThat(ProcessHandle.of(pid).orElseThrow().descendants().map(ProcessHandle::pid))
        .doesNotContain(orphan);
    assertThat(processGroup(orphan)).isEqualTo(pid);

    runner.stop(d.id(), Duration.ofSeconds(10));

    assertThat(exit(listener).stopped()).isTrue();
    await().atMost(WAIT).until(() -> !alive(orphan));
  }

  @Test
  void aDoubleForkedChildLeftBehindIsKilledWhenTheCommandExits() throws Exception {
    RecordingListener listener = run(shell(DOUBLE_FORK + "exit 0"));
    assertThat(exit(listener).value()).isZero();

    long orphan = Long.parseLong(listener.messages().get(0));
    await().atMost(WAIT).until(() -> !alive(orphan));
  }

  @Test
  void aProcessLeadsAGroupOfItsOwnOnlyWithProcessGroups() throws Exception {
    String script = "echo ready; sleep 1000";
    RecordingListener grouped = run(shell(script));
    long groupedPid = grouped.pid.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> grouped.messages().contains("ready"));
    LocalProcessRunner plain =
        LocalProcessRunner.create(runner.config().toBuilder().processGroups(false).build());
    try {
      RecordingListener ungrouped = new RecordingListener();
      plain.start(shell(script), ungrouped);
      long ungroupedPid = ungrouped.pid.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      await().atMost(WAIT).until(() -> ungrouped.messages().contains("ready"));

      assertThat(processGroup(groupedPid)).isEqualTo(groupedPid);
      assertThat(processGroup(ungroupedPid))
          .isNotEqualTo(ungroupedPid)
          .isEqualTo(processGroup(ProcessHandle.current().pid()));
    } finally {
      plain.close();
    }
  }

  @Test
  void stopWithoutGraceKillsAtOnce() throws Exception {
    Deployment d = shell("trap '' TERM; echo ready; while :; do sleep 1; done");
    RecordingListener listener = run(d);
    await().atMost(WAIT).until(() -> listener.messages().contains("ready"));

    runner.stop(d.id(), Duration.ZERO);

    assertThat(exit(listener).value()).isEqualTo(128 + 9);
  }

  @Test
  void stopOfADeploymentThatIsNotRunningDoesNothing() {
    runner.stop(DeploymentId.of("nothing"), Duration.ofSeconds(1));
    assertThat(runner.isRunning(DeploymentId.of("nothing"))).isFalse();
    assertThatThrownBy(() -> runner.stop(DeploymentId.of("nothing"), Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("grace");
  }

  @Test
  void aBackgroundProcessLeftBehindIsKilledWhenTheCommandExits() throws Exception {
    Deployment d = shell("sleep 1000 >/dev/null 2>&1 & echo $!; sleep 1");
    RecordingListener listener = run(d);
    assertThat(exit(listener).value()).isZero();

    long child = Long.parseLong(listener.messages().get(0));
    await().atMost(WAIT).until(() -> !alive(child));
  }

  @Test
  void aCommandNotOnTheAllowlistIsRefusedAndNothingStarts() {
    Deployment d = deployment(Map.of("SECRET", "hunter2"), null, "ls", "-l");
    RecordingListener listener = new RecordingListener();

    assertThatThrownBy(() -> runner.start(d, listener))
        .isInstanceOf(RunnerException.class)
        .hasMessageContaining("ls")
        .hasMessageNotContaining("hunter2")
        .hasMessageNotContaining("-l");
    assertThat(listener.events()).isEmpty();
    assertThat(runner.isRunning(d.id())).isFalse();
  }

  @Test
  void anAllowedBareNameDoesNotAllowAPathOrARelativeCommand() {
    for (String exe : List.of("/usr/bin/seq", "./sh", "bin/sh")) {
      assertThatThrownBy(() -> runner.start(deployment(exe, "1"), new RecordingListener()))
          .isInstanceOf(RunnerException.class)
          .hasMessage("command not allowed: " + exe);
    }
  }

  @Test
  void standardInputIsEmpty() throws Exception {
    RecordingListener listener = run(shell("if read line; then echo got; else echo eof; fi"));
    exit(listener);
    assertThat(listener.messages()).containsExactly("eof");
  }

  @Test
  void anAllowedAbsolutePathRunsAsGiven() throws Exception {
    RecordingListener listener = run(deployment("/bin/sh", "-c", "echo abs"));
    exit(listener);
    assertThat(listener.messages()).containsExactly("abs");
  }

  @Test
  void anAllowedNameMissingFromThePathIsRefused() {
    runner.close();
    runner =
        LocalProcessRunner.create(
            LocalRunnerConfig.builder()
                .allowedCommands(Set.of("sh"))
                .inheritedVariables(Set.of())
                .baseEnvironment(Map.of("PATH", "relative/dir::/nonexistent"))
                .build());

    assertThatThrownBy(() -> runner.start(shell("true"), new RecordingListener()))
        .isInstanceOf(RunnerException.class)
        .hasMessage("command not found on the runner's PATH: sh");
  }

  @Test
  void aFileThatCannotBeExecutedIsRefused(@TempDir Path dir) throws Exception {
    Path script = Files.writeString(dir.resolve("app"), "echo hi\n");
    runner.close();
    runner =
        LocalProcessRunner.create(
            LocalRunnerConfig.builder().allowedCommands(Set.of(script.toString())).build());

    assertThatThrownBy(() -> runner.start(deployment(script.toString()), new RecordingListener()))
        .isInstanceOf(RunnerException.class)
        .hasMessageStartingWith("could not start " + script);
  }

  @Test
  void theEnvironmentHoldsOnlyInheritedBaseAndDeploymentVariables() throws Exception {
    runner.close();
    runner =
        LocalProcessRunner.create(
            LocalRunnerConfig.builder()
                .allowedCommands(Set.of("sh"))
                .inheritedVariables(Set.of("PATH", "NOT_SET_ANYWHERE"))
                .baseEnvironment(Map.of("BASE", "base", "OVER", "base"))
                .build());
    Deployment d =
        deployment(
            Map.of("OVER", "deployment", "OWN", "own"),
            null,
            "sh",
            "-c",
            "echo \"$BASE $OVER $OWN ${HOME-nohome} ${NOT_SET_ANYWHERE-unset}\"; test -n \"$PATH\"");
    RecordingListener listener = run(d);

    assertThat(exit(listener).value()).isZero();
    assertThat(listener.messages()).containsExactly("base deployment own nohome unset");
  }

  @Test
  void aProcessStartsInItsWorkingDirectoryOrTheDefault(@TempDir Path dir) throws Exception {
    Path own = Files.createDirectory(dir.resolve("own"));
    Path fallback = Files.createDirectory(dir.resolve("default"));
    runner.close();
    runner =
        LocalProcessRunner.create(
            LocalRunnerConfig.builder()
                .allowedCommands(Set.of("sh"))
                .defaultWorkingDir(fallback)
                .build());

    RecordingListener inOwn = run(deployment(Map.of(), own.toString(), "sh", "-c", "pwd"));
    RecordingListener inDefault = run(shell("pwd"));
    exit(inOwn);
    exit(inDefault);

    assertThat(inOwn.messages()).containsExactly(own.toRealPath().toString());
    assertThat(inDefault.messages()).containsExactly(fallback.toRealPath().toString());
  }

  @Test
  void aMissingWorkingDirectoryIsRefused(@TempDir Path dir) {
    String missing = dir.resolve("missing").toString();
    assertThatThrownBy(
            () -> runner.start(deployment(Map.of(), missing, "sh"), new RecordingListener()))
        .isInstanceOf(RunnerException.class)
        .hasMessage("working directory does not exist: " + missing);
  }

  @Test
  void aDeploymentRunsAtMostOnceAtATime() throws Exception {
    Deployment d = shell("echo ready; exec sleep 1000");
    RecordingListener listener = run(d);
    await().atMost(WAIT).until(() -> listener.messages().contains("ready"));

    assertThatThrownBy(() -> runner.start(d, new RecordingListener()))
        .isInstanceOf(RunnerException.class)
        .hasMessageContaining("already running");
  }

  @Test
  void aListenerThatThrowsDoesNotStopTheRun() throws Exception {
    RecordingListener exits = new RecordingListener();
    RunListener failing =
        new RunListener() {
          @Override
          public void started(long pid) {
            throw new IllegalStateException("started");
          }

          @Override
          public void line(LogEntry entry) {
            throw new IllegalStateException("line");
          }

          @Override
          public void exited(int exitCode, boolean stopped) {
            exits.exited(exitCode, stopped);
            throw new IllegalStateException("exited");
          }
        };
    runner.start(shell("echo a; echo b; exit 4"), failing);

    assertThat(exit(exits).value()).isEqualTo(4);
  }

  @Test
  void closeLeavesNoChildProcessAliveAndRefusesLaterStarts() throws Exception {
    List<RecordingListener> listeners = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      listeners.add(run(shell("trap '' TERM; sleep 1000 & echo $!; wait")));
    }
    List<Long> pids = new ArrayList<>();
    for (RecordingListener listener : listeners) {
      await().atMost(WAIT).until(() -> !listener.messages().isEmpty());
      pids.add(listener.pid.get());
      pids.add(Long.parseLong(listener.messages().get(0)));
    }
    runner.close();
    runner =
        LocalProcessRunner.create(
            LocalRunnerConfig.builder()
                .allowedCommands(Set.of("sh"))
                .stopGrace(Duration.ofMillis(200))
                .build());
    runner.start(shell("sleep 1000 & echo $!; wait"), listeners.get(0));
    await().atMost(WAIT).until(() -> listeners.get(0).messages().size() == 2);
    pids.add(Long.parseLong(listeners.get(0).messages().get(1)));

    runner.close();
    runner.close();

    for (RecordingListener listener : listeners) {
      assertThat(listener.exit).isDone();
    }
    await().atMost(WAIT).until(() -> pids.stream().noneMatch(LocalProcessRunnerTest::alive));
    assertThatThrownBy(() -> runner.start(shell("true"), new RecordingListener()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("runner is closed");
  }

  /** Processes of {@code pgid}'s group now, read from /proc. */
  private static List<Long> groupMembers(long pgid) {
    return ProcessHandle.allProcesses()
        .filter(p -> io.coderunner.core.deploy.internal.LeftoversAccess.group(p.pid()) == pgid)
        .map(ProcessHandle::pid)
        .toList();
  }

  @Test
  void aStartedProcessIsRecordedWithItsStartTimeAndGroup() throws Exception {
    RecordingListener listener = run(shell("sleep 600"));
    ProcessRecord p = listener.process.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(p.pid()).isEqualTo(listener.pid.get());
    assertThat(p.processGroup()).isTrue();
    assertThat(p.startedAt())
        .isEqualTo(ProcessHandle.of(p.pid()).orElseThrow().info().startInstant().orElseThrow());
  }

  @Test
  void anotherRunnerReapsWhatIsLeftOfARecordedProcessGroupIncludingItsBackgroundChildren()
      throws Exception {
    RecordingListener listener = run(shell("sleep 600 & sleep 600 & echo up; wait"));
    ProcessRecord p = listener.process.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> groupMembers(p.pid()).size() >= 3);
    List<Long> members = groupMembers(p.pid());

    // A runner that never saw the process (as in a server started after a SIGKILL) finds the
    // whole group by the record alone.
    try (LocalProcessRunner later = LocalProcessRunner.create(runner.config())) {
      assertThat(later.reap(p, Duration.ofSeconds(5))).isEqualTo(members.size());
    }
    assertThat(members).noneMatch(LocalProcessRunnerTest::alive);
    assertThat(groupMembers(p.pid())).isEmpty();
    assertThat(exit(listener).value()).as("killed by SIGTERM").isEqualTo(143);
  }

  @Test
  void aProcessThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
    RecordingListener listener = run(shell("trap '' TERM; echo up; while :; do sleep 1; done"));
    ProcessRecord p = listener.process.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    await().atMost(WAIT).until(() -> listener.messages().contains("up"));
    try (LocalProcessRunner later = LocalProcessRunner.create(runner.config())) {
      assertThat(later.reap(p, Duration.ofMillis(200))).isGreaterThanOrEqualTo(1);
    }
    assertThat(alive(p.pid())).isFalse();
    assertThat(exit(listener).value()).as("SIGKILL").isEqualTo(137);
  }

  @Test
  void aRecordWhosePidNowBelongsToAnotherProcessReapsNothing() throws Exception {
    RecordingListener listener = run(shell("sleep 600"));
    ProcessRecord real = listener.process.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    ProcessRecord stale =
        new ProcessRecord(
            real.deploymentId(), real.pid(), real.startedAt().minus(Duration.ofHours(1)), true);
    try (LocalProcessRunner later = LocalProcessRunner.create(runner.config())) {
      assertThat(later.reap(stale, Duration.ofSeconds(1))).isZero();
      assertThat(alive(real.pid())).as("someone else's process is left alone").isTrue();
      // A record of a process that is gone reaps nothing either.
      runner.stop(real.deploymentId(), Duration.ZERO);
      exit(listener);
      assertThat(later.reap(real, Duration.ofSeconds(1))).isZero();
    }
  }
}
