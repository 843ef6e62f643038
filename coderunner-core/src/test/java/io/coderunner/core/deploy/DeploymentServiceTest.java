package io.coderunner.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.coderunner.core.AccessDeniedException;
import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentFeed;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentNotFoundException;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.AccessPolicy;
import io.coderunner.core.log.InMemoryLogStore;
import io.coderunner.core.log.LogFilter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeploymentServiceTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Principal ALICE = new Principal("u-alice", "alice", Set.of("deployer"));
  private static final Principal BOB = new Principal("u-bob", "bob", Set.of("deployer"));
  private static final Principal ADMIN = new Principal("u-admin", "root", Set.of("admin"));

  private final InMemoryDeploymentStore store = new InMemoryDeploymentStore();
  private final InMemoryLogStore logs = InMemoryLogStore.create();
  private final LocalProcessRunner runner =
      LocalProcessRunner.create(
          LocalRunnerConfig.builder()
              .allowedCommands(Set.of("sh"))
              .stopGrace(Duration.ofSeconds(2))
              .build());
  private final DeploymentService service =
      DeploymentService.create(
          store,
          logs,
          runner,
          AccessPolicy.ownerOrAdmin(),
          Clock.systemUTC(),
          Duration.ofSeconds(5));

  @AfterEach
  void closeAll() {
    service.close();
    logs.close();
  }

  private static DeploymentSpec spec(String script) {
    return new DeploymentSpec("app", List.of("sh", "-c", script), Map.of(), null);
  }

  private Deployment create(String script) {
    return service.create(ALICE, spec(script));
  }

  private DeploymentStatus status(DeploymentId id) {
    return store.find(id).orElseThrow().status();
  }

  private void awaitStatus(DeploymentId id, DeploymentStatus expected) {
    await().atMost(WAIT).until(() -> status(id) == expected);
  }

  /** The log as {@code stream [status] message}, with pids blanked. */
  private List<String> log(DeploymentId id) {
    List<String> out = new ArrayList<>();
    long previous = 0;
    for (LogLine line : logs.read(id, 0, 10_000, LogFilter.all()).lines()) {
      assertThat(line.seq()).isEqualTo(previous + 1);
      previous = line.seq();
      String status = line.status() == null ? "" : "[" + line.status().wireName() + "] ";
      out.add(
          line.stream().wireName() + " " + status + line.message().replaceAll("pid \\d+", "pid N"));
    }
    return out;
  }

  @Test
  void createStoresACreatedDeploymentWithALogThatSaysSo() {
    Deployment d = create("true");

    assertThat(d.status()).isEqualTo(DeploymentStatus.CREATED);
    assertThat(d.ownerId()).isEqualTo(ALICE.id());
    assertThat(service.get(ALICE, d.id())).isEqualTo(d);
    assertThat(log(d.id())).containsExactly("system [created] deployment created by alice");
    assertThat(service.store()).isSameAs(store);
  }

  @Test
  void onlyTheOwnerOrAnAdminMayReadOrManageADeployment() {
    Deployment d = create("true");

    assertThatThrownBy(() -> service.get(BOB, d.id()))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessage("not allowed to read deployment " + d.id());
    assertThatThrownBy(() -> service.start(BOB, d.id())).isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> service.delete(BOB, d.id())).isInstanceOf(AccessDeniedException.class);
    assertThatThrownBy(() -> service.replace(BOB, d.id(), spec("echo")))
        .isInstanceOf(AccessDeniedException.class);
    assertThat(service.get(ADMIN, d.id())).isEqualTo(d);
    assertThatThrownBy(() -> service.get(ALICE, DeploymentId.of("missing")))
        .isInstanceOf(DeploymentNotFoundException.class);
  }

  @Test
  void listingShowsOwnDeploymentsPageByPageAndAnAdminSeesAll() {
    for (int i = 0; i < 3; i++) {
      create("true");
    }
    service.create(BOB, spec("true"));

    DeploymentPage first = service.list(ALICE, 2, null);
    DeploymentPage second = service.list(ALICE, 2, first.nextCursor());
    assertThat(first.items()).hasSize(2);
    assertThat(first.nextCursor()).isNotNull();
    assertThat(second.items()).hasSize(1);
    assertThat(second.nextCursor()).isNull();
    assertThat(first.items()).extracting(Deployment::ownerId).containsOnly(ALICE.id());
    assertThat(second.items()).extracting(Deployment::ownerId).containsOnly(ALICE.id());
    assertThat(service.list(BOB, 10, null).items()).hasSize(1);
    assertThat(service.list(ADMIN, 10, null).items()).hasSize(4);
  }

  @Test
  void replaceChangesTheSpecButNotWhileRunning() {
    Deployment d = create("echo ready; exec sleep 1000");
    Deployment replaced =
        service.replace(
            ALICE,
            d.id(),
            new DeploymentSpec("renamed", List.of("sh", "-c", "echo hi"), Map.of("A", "b"), "/"));
    assertThat(replaced.name()).isEqualTo("renamed");
    assertThat(replaced.env()).containsEntry("A", "b");
    assertThat(replaced.createdAt()).isEqualTo(d.createdAt());

    service.replace(ALICE, d.id(), spec("echo ready; exec sleep 1000"));
    service.start(ALICE, d.id());
    awaitStatus(d.id(), DeploymentStatus.RUNNING);

    assertThatThrownBy(() -> service.replace(ALICE, d.id(), spec("true")))
        .isInstanceOf(InvalidTransitionException.class)
        .hasMessage("cannot replace deployment " + d.id() + " while it is running");
    assertThatThrownBy(() -> service.delete(ALICE, d.id()))
        .isInstanceOf(InvalidTransitionException.class)
        .satisfies(
            e -> {
              InvalidTransitionException ite = (InvalidTransitionException) e;
              assertThat(ite.deploymentId()).isEqualTo(d.id());
              assertThat(ite.status()).isEqualTo(DeploymentStatus.RUNNING);
            });
    assertThatThrownBy(() -> service.start(ALICE, d.id()))
        .isInstanceOf(InvalidTransitionException.class)
        .hasMessage("cannot start deployment " + d.id() + " while it is running");
  }

  @Test
  void aProcessThatExitsCleanlyLeavesTheDeploymentStoppedWithEveryStepInTheLog() {
    Deployment d = create("echo one; echo 'WARN two'");

    Deployment starting = service.start(ALICE, d.id());
    assertThat(starting.status()).isEqualTo(DeploymentStatus.STARTING);
    awaitStatus(d.id(), DeploymentStatus.STOPPED);

    assertThat(log(d.id()))
        .containsExactly(
            "system [created] deployment created by alice",
            "system [starting] starting",
            "system [running] running (pid N)",
            "stdout one",
            "stdout WARN two",
            "system [stopped] stopped: process exited with code 0");
    assertThat(service.stats()).isEqualTo(new DeploymentStats(1, 0, 0));
    List<LogLine> lines = logs.read(d.id(), 0, 100, LogFilter.all()).lines();
    assertThat(lines.get(4).level()).isEqualTo(LogLevel.WARN);
  }

  @Test
  void aProcessThatExitsWithAnErrorLeavesTheDeploymentFailed() {
    Deployment d = create("echo bad >&2; exit 2");

    service.start(ALICE, d.id());
    awaitStatus(d.id(), DeploymentStatus.FAILED);

    assertThat(log(d.id()))
        .containsExactly(
            "system [created] deployment created by alice",
            "system [starting] starting",
            "system [running] running (pid N)",
            "stderr bad",
            "system [failed] failed: process exited with code 2");
    assertThat(service.stats()).isEqualTo(new DeploymentStats(1, 0, 1));
    assertThat(logs.read(d.id(), 0, 100, LogFilter.all()).lines().get(4).level())
        .isEqualTo(LogLevel.ERROR);
  }

  @Test
  void stopGoesThroughStoppingToStopped() {
    Deployment d = create("echo ready; exec sleep 1000");
    service.start(ALICE, d.id());
    await().atMost(WAIT).until(() -> log(d.id()).contains("stdout ready"));

    Deployment stopping = service.stop(ALICE, d.id());

    assertThat(stopping.status()).isEqualTo(DeploymentStatus.STOPPING);
    awaitStatus(d.id(), DeploymentStatus.STOPPED);
    assertThat(runner.isRunning(d.id())).isFalse();
    assertThat(log(d.id()))
        .containsExactly(
            "system [created] deployment created by alice",
            "system [starting] starting",
            "system [running] running (pid N)",
            "stdout ready",
            "system [stopping] stopping",
            "system [stopped] stopped: process exited with code 143");
    assertThat(service.stats())
        .as("a stopped process is no failure")
        .isEqualTo(new DeploymentStats(1, 0, 0));
    assertThatThrownBy(() -> service.stop(ALICE, d.id()))
        .isInstanceOf(InvalidTransitionException.class);
  }

  @Test
  void restartOfARunningDeploymentStopsItAndRunsItAgain() {
    Deployment d = create("echo ready; exec sleep 1000");
    service.start(ALICE, d.id());
    await().atMost(WAIT).until(() -> log(d.id()).contains("stdout ready"));

    Deployment restarting = service.restart(ALICE, d.id());

    assertThat(restarting.status()).isEqualTo(DeploymentStatus.RESTARTING);
    await()
        .atMost(WAIT)
        .until(() -> log(d.id()).stream().filter(l -> l.equals("stdout ready")).count() == 2);
    assertThat(status(d.id())).isEqualTo(DeploymentStatus.RUNNING);
    assertThat(log(d.id()))
        .containsExactly(
            "system [created] deployment created by alice",
            "system [starting] starting",
            "system [running] running (pid N)",
            "stdout ready",
            "system [restarting] restarting",
            "system process exited with code 143; restarting",
            "system [starting] starting",
            "system [running] running (pid N)",
            "stdout ready");
    assertThat(service.stats()).isEqualTo(new DeploymentStats(2, 0, 0));
  }

  @Test
  void restartOfAStoppedDeploymentStartsIt() {
    Deployment d = create("echo done");
    service.start(ALICE, d.id());
    awaitStatus(d.id(), DeploymentStatus.STOPPED);

    service.restart(ALICE, d.id());
    await().atMost(WAIT).until(() -> log(d.id()).size() == 10);

    assertThat(log(d.id()).subList(5, 10))
        .containsExactly(
            "system [restarting] restarting",
            "system [starting] starting",
            "system [running] running (pid N)",
            "stdout done",
            "system [stopped] stopped: process exited with code 0");
  }

  @Test
  void aCommandNotOnTheAllowlistFailsWithAnExplanatoryStderrLine() {
    Deployment d =
        service.create(
            ALICE,
            new DeploymentSpec("ls", List.of("ls", "-l"), Map.of("SECRET", "hunter2"), null));

    Deployment failed = service.start(ALICE, d.id());

    assertThat(failed.status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(log(d.id()))
        .containsExactly(
            "system [created] deployment created by alice",
            "system [starting] starting",
            "stderr command not allowed: ls",
            "system [failed] failed to start");
    assertThat(service.stats()).isEqualTo(new DeploymentStats(1, 1, 0));
  }

  @Test
  void deletingADeploymentRemovesItAndItsLog() {
    Deployment d = create("true");

    service.delete(ALICE, d.id());

    assertThat(store.find(d.id())).isEmpty();
    assertThat(logs.info(d.id())).isEmpty();
    assertThatThrownBy(() -> service.get(ALICE, d.id()))
        .isInstanceOf(DeploymentNotFoundException.class);
  }

  @Test
  void startAfterTheRunnerClosedFailsTheDeploymentInsteadOfLeavingItStarting() {
    Deployment d = create("true");
    runner.close();

    assertThatThrownBy(() -> service.start(ALICE, d.id()))
        .isInstanceOf(IllegalStateException.class);
    assertThat(status(d.id())).isEqualTo(DeploymentStatus.FAILED);
    assertThat(log(d.id()))
        .contains("stderr could not start: runner is closed", "system [failed] failed to start");
    assertThat(service.stats()).isEqualTo(new DeploymentStats(1, 1, 0));
  }

  @Test
  void aBadStopGraceIsRefused() {
    assertThatThrownBy(
            () ->
                DeploymentService.create(
                    store,
                    logs,
                    runner,
                    AccessPolicy.ownerOrAdmin(),
                    Clock.systemUTC(),
                    Duration.ofMinutes(11)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stopGrace");
  }

  @Test
  void aLateExitOfAnEarlierProcessDoesNotChangeTheNewOne() {
    ScriptedRunner scripted = new ScriptedRunner();
    DeploymentService svc =
        DeploymentService.create(
            store, logs, scripted, AccessPolicy.ownerOrAdmin(), Clock.systemUTC(), Duration.ZERO);
    Deployment d = svc.create(ALICE, spec("true"));
    svc.start(ALICE, d.id());
    RunListener first = scripted.listeners.get(0);
    first.started(1);
    // The first process exits; before its exit is recorded, the deployment is restarted.
    svc.restart(ALICE, d.id());
    RunListener second = scripted.listeners.get(1);

    first.exited(0, false);
    assertThat(status(d.id())).isEqualTo(DeploymentStatus.STARTING);
    second.started(2);
    assertThat(status(d.id())).isEqualTo(DeploymentStatus.RUNNING);
    first.started(1);
    second.exited(3, false);
    assertThat(status(d.id())).isEqualTo(DeploymentStatus.FAILED);
  }

  /** A runner whose processes are driven by hand; running from start until a test says not. */
  private static final class ScriptedRunner implements DeploymentRunner {
    final List<RunListener> listeners = new ArrayList<>();
    final Set<DeploymentId> live = new java.util.HashSet<>();
    final List<ProcessRecord> reaped = new ArrayList<>();
    int leftPerProcess;

    @Override
    public int reap(ProcessRecord process, Duration grace) {
      reaped.add(process);
      return leftPerProcess;
    }

    @Override
    public void start(Deployment deployment, RunListener listener) {
      listeners.add(listener);
    }

    @Override
    public void stop(DeploymentId id, Duration grace) {}

    @Override
    public boolean isRunning(DeploymentId id) {
      return live.contains(id);
    }

    @Override
    public void close() {}
  }

  @Test
  void aLineOfADeletedDeploymentIsDropped() {
    ScriptedRunner scripted = new ScriptedRunner();
    DeploymentService svc =
        DeploymentService.create(
            store, logs, scripted, AccessPolicy.ownerOrAdmin(), Clock.systemUTC(), Duration.ZERO);
    Deployment d = svc.create(ALICE, spec("true"));
    svc.start(ALICE, d.id());
    RunListener listener = scripted.listeners.get(0);
    listener.started(7);
    listener.exited(0, false);
    svc.delete(ALICE, d.id());

    listener.line(LogEntry.stdout("late"));
    listener.exited(0, false);

    assertThat(logs.info(d.id())).isEmpty();
  }

  @Test
  void aSecondServiceOverTheSameStoreAdoptsItsDeployments() {
    ScriptedRunner scripted = new ScriptedRunner();
    DeploymentService first =
        DeploymentService.create(
            store, logs, scripted, AccessPolicy.ownerOrAdmin(), Clock.systemUTC(), Duration.ZERO);
    Deployment idle = first.create(ALICE, spec("true"));
    Deployment busy = first.create(ALICE, spec("true"));
    first.start(ALICE, busy.id());
    scripted.listeners.get(0).started(7);
    assertThat(store.find(busy.id()).orElseThrow().status()).isEqualTo(DeploymentStatus.RUNNING);

    // A fresh log store, as after a restart with the deployments kept elsewhere.
    try (InMemoryLogStore fresh = InMemoryLogStore.create()) {
      DeploymentService second =
          DeploymentService.create(
              store,
              fresh,
              new ScriptedRunner(),
              AccessPolicy.ownerOrAdmin(),
              Clock.systemUTC(),
              Duration.ZERO);
      assertThat(fresh.info(idle.id())).as("a log for every kept deployment").isPresent();
      assertThat(second.get(ALICE, idle.id()).status()).isEqualTo(DeploymentStatus.CREATED);
      assertThat(second.get(ALICE, busy.id()).status())
          .as("no process runs it here")
          .isEqualTo(DeploymentStatus.FAILED);
      assertThat(fresh.read(busy.id(), 0, 10, LogFilter.all()).lines())
          .extracting(LogLine::message)
          .containsExactly("failed: the server stopped while it was running");
      assertThat(fresh.read(idle.id(), 0, 10, LogFilter.all()).lines()).isEmpty();
      second.start(ALICE, busy.id());
      assertThat(second.get(ALICE, busy.id()).status()).isEqualTo(DeploymentStatus.STARTING);
    }
  }

  @Test
  void aSecondServiceStopsWhatTheFirstOnesProcessesLeftAndSaysSo() {
    ScriptedRunner scripted = new ScriptedRunner();
    DeploymentService first =
        DeploymentService.create(
            store, logs, scripted, AccessPolicy.ownerOrAdmin(), Clock.systemUTC(), Duration.ZERO);
    Deployment busy = first.create(ALICE, spec("true"));
    Deployment done = first.create(ALICE, spec("true"));
    ProcessRecord busyProcess =
        new ProcessRecord(busy.id(), 1234, java.time.Instant.parse("2026-12-08T10:00:00Z"), true);
    first.start(ALICE, busy.id());
    scripted.listeners.get(0).started(busyProcess);
    first.start(ALICE, done.id());
    scripted
        .listeners
        .get(1)
        .started(new ProcessRecord(done.id(), 99, busyProcess.startedAt(), true));
    scripted.listeners.get(1).exited(0, false);
    assertThat(store.processes()).as("an ended process is forgotten").containsExactly(busyProcess);

    // The first service dies without stopping anything; the second one finds the record.
    ScriptedRunner later = new ScriptedRunner();
    later.leftPerProcess = 2;
    try (InMemoryLogStore fresh = InMemoryLogStore.create()) {
      DeploymentService.create(
          store,
          fresh,
          later,
          AccessPolicy.ownerOrAdmin(),
          Clock.systemUTC(),
          Duration.ofSeconds(3));
      assertThat(later.reaped).containsExactly(busyProcess);
      assertThat(store.processes()).isEmpty();
      assertThat(fresh.read(busy.id(), 0, 10, LogFilter.all()).lines())
          .extracting(LogLine::message)
          .containsExactly(
              "failed: the server stopped while it was running",
              "stopped 2 processes left running from before the server stopped (pid 1234)");
      assertThat(fresh.read(done.id(), 0, 10, LogFilter.all()).lines()).isEmpty();
    }
  }

  @Test
  void withStartAgainADeploymentThatWasActiveIsStartedAfterItsLeftoversAreStopped() {
    ScriptedRunner scripted = new ScriptedRunner();
    DeploymentService first =
        DeploymentService.create(
            store, logs, scripted, AccessPolicy.ownerOrAdmin(), Clock.systemUTC(), Duration.ZERO);
    Deployment busy = first.create(ALICE, spec("true"));
    Deployment idle = first.create(ALICE, spec("true"));
    first.start(ALICE, busy.id());
    scripted
        .listeners
        .get(0)
        .started(
            new ProcessRecord(
                busy.id(), 1234, java.time.Instant.parse("2026-12-08T10:00:00Z"), true));

    ScriptedRunner later = new ScriptedRunner();
    later.leftPerProcess = 1;
    try (InMemoryLogStore fresh = InMemoryLogStore.create()) {
      DeploymentService second =
          DeploymentService.create(
              store,
              fresh,
              later,
              AccessPolicy.ownerOrAdmin(),
              Clock.systemUTC(),
              Duration.ZERO,
              DeploymentLimits.defaults(),
              DeploymentService.OnRestart.START_AGAIN);
      assertThat(later.reaped).hasSize(1);
      assertThat(later.listeners).as("started again, after the reaping").hasSize(1);
      assertThat(second.get(ALICE, busy.id()).status()).isEqualTo(DeploymentStatus.STARTING);
      assertThat(second.get(ALICE, idle.id()).status()).isEqualTo(DeploymentStatus.CREATED);
      assertThat(fresh.read(busy.id(), 0, 10, LogFilter.all()).lines())
          .extracting(LogLine::message)
          .containsExactly(
              "failed: the server stopped while it was running",
              "stopped 1 process left running from before the server stopped (pid 1234)",
              "starting");
    }
  }

  private DeploymentService limited(ScriptedRunner scripted, DeploymentLimits limits) {
    return DeploymentService.create(
        store,
        logs,
        scripted,
        AccessPolicy.ownerOrAdmin(),
        Clock.systemUTC(),
        Duration.ZERO,
        limits);
  }

  @Test
  void anOwnerMayHaveOnlySoManyDeploymentsAndOthersAreUnaffected() {
    DeploymentService svc =
        limited(new ScriptedRunner(), DeploymentLimits.builder().maxDeploymentsPerOwner(2).build());
    Deployment first = svc.create(ALICE, spec("true"));
    svc.create(ALICE, spec("true"));

    assertThatThrownBy(() -> svc.create(ALICE, spec("true")))
        .isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("at most 2 deployments");
    assertThat(svc.list(ALICE, 10, null).items()).hasSize(2);
    svc.create(BOB, spec("true"));
    svc.create(BOB, spec("true"));
    svc.delete(ALICE, first.id());
    svc.create(ALICE, spec("true"));
    assertThat(svc.list(ALICE, 10, null).items()).hasSize(2);
  }

  @Test
  void processesRunningArePerOwnerAndInAllAndAnExitOrARestartHandsTheSlotOn() {
    ScriptedRunner scripted = new ScriptedRunner();
    DeploymentService svc =
        limited(scripted, DeploymentLimits.builder().maxRunningPerOwner(1).maxRunning(2).build());
    Principal carol = new Principal("u-carol", "carol", Set.of("deployer"));
    Deployment a1 = svc.create(ALICE, spec("true"));
    Deployment a2 = svc.create(ALICE, spec("true"));
    Deployment b1 = svc.create(BOB, spec("true"));
    Deployment c1 = svc.create(carol, spec("true"));

    svc.start(ALICE, a1.id());
    scripted.live.add(a1.id());
    assertThatThrownBy(() -> svc.start(ALICE, a2.id()))
        .isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("at most 1 deployments at once");
    assertThat(status(a2.id())).isEqualTo(DeploymentStatus.CREATED);
    assertThat(log(a2.id())).containsExactly("system [created] deployment created by alice");
    svc.start(BOB, b1.id());
    assertThatThrownBy(() -> svc.start(carol, c1.id()))
        .isInstanceOf(LimitExceededException.class)
        .hasMessageContaining("the server runs at most 2");

    // A restart of a running process keeps its slot: the new process takes it over.
    scripted.listeners.get(0).started(1);
    svc.restart(ALICE, a1.id());
    scripted.listeners.get(0).exited(0, true);
    assertThat(scripted.listeners).hasSize(3);
    assertThat(status(a1.id())).isEqualTo(DeploymentStatus.STARTING);
    assertThatThrownBy(() -> svc.start(ALICE, a2.id())).isInstanceOf(LimitExceededException.class);

    // An exit gives it back.
    scripted.listeners.get(2).exited(0, false);
    svc.start(ALICE, a2.id());
    scripted.listeners.get(1).exited(0, false);
    svc.start(carol, c1.id());
    assertThat(status(c1.id())).isEqualTo(DeploymentStatus.STARTING);
  }

  @Test
  void aCommandOrEnvironmentPastItsLimitIsRefusedNamingTheField() {
    DeploymentService svc =
        limited(
            new ScriptedRunner(),
            DeploymentLimits.builder()
                .maxCommandArgs(3)
                .maxCommandBytes(20)
                .maxEnvVariables(2)
                .maxEnvBytes(10)
                .build());
    DeploymentSpec manyArgs =
        new DeploymentSpec("a", List.of("sh", "-c", "x", "y"), Map.of(), null);
    DeploymentSpec longArgs =
        new DeploymentSpec(
            "a", List.of("sh", "-c", "x".repeat(20)), Map.of("K", "é".repeat(5)), null);
    DeploymentSpec manyVars =
        new DeploymentSpec("a", List.of("sh"), Map.of("A", "1", "B", "2", "C", "3"), null);

    assertThatThrownBy(() -> svc.create(ALICE, manyArgs))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.violations())
                    .containsExactly(
                        new InvalidSpecException.Violation(
                            "command", "must have at most 3 elements")));
    assertThatThrownBy(() -> svc.create(ALICE, longArgs))
        .isInstanceOfSatisfying(
            InvalidSpecException.class,
            e ->
                assertThat(e.violations())
                    .extracting(InvalidSpecException.Violation::field)
                    .containsExactly("command", "env"));
    assertThatThrownBy(() -> svc.create(ALICE, manyVars))
        .isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("env must have at most 2 variables");
    Deployment ok = svc.create(ALICE, spec("x"));
    assertThatThrownBy(() -> svc.replace(ALICE, ok.id(), manyArgs))
        .isInstanceOf(InvalidSpecException.class);
    assertThat(svc.list(ALICE, 10, null).items()).containsExactly(ok);
  }

  @Test
  void aPrincipalWithoutTheDeployerRoleMayNotCreateOrChangeEvenItsOwn() {
    Principal viewer = new Principal("u-alice", "alice", Set.of("viewer"));
    Deployment d = create("true");

    assertThatThrownBy(() -> service.create(viewer, spec("true")))
        .isInstanceOf(io.coderunner.core.PermissionDeniedException.class);
    assertThatThrownBy(() -> service.start(viewer, d.id()))
        .isInstanceOf(io.coderunner.core.PermissionDeniedException.class);
    assertThat(service.get(viewer, d.id())).isEqualTo(d);
    assertThat(status(d.id())).isEqualTo(DeploymentStatus.CREATED);
    // the same answer for an id that does not exist, so a viewer learns nothing from it
    assertThatThrownBy(() -> service.delete(viewer, new DeploymentId("d-missing")))
        .isInstanceOf(io.coderunner.core.PermissionDeniedException.class);
  }

  @Test
  void watchersHearEveryCreateReplaceStatusChangeAndDeleteInOrder() {
    List<String> heard = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<String> otherWatcher = new java.util.concurrent.CopyOnWriteArrayList<>();
    service.watch(
        e -> {
          throw new IllegalStateException("a watcher that fails does not stop the others");
        });
    DeploymentFeed.Watch watch =
        service.watch(
            e -> heard.add(e.kind().wireName() + " " + e.deployment().status().wireName()));
    service.watch(e -> otherWatcher.add(e.kind().wireName()));

    Deployment d = create("exit 0");
    service.replace(ALICE, d.id(), spec("exit 0"));
    service.start(ALICE, d.id());
    awaitStatus(d.id(), DeploymentStatus.STOPPED);
    service.delete(ALICE, d.id());

    assertThat(heard)
        .containsExactly(
            "created created",
            "updated created",
            "updated starting",
            "updated running",
            "updated stopped",
            "deleted stopped");
    assertThat(otherWatcher).hasSize(6);

    watch.close();
    watch.close();
    create("true");
    assertThat(heard).as("a closed watch hears nothing more").hasSize(6);
    assertThat(otherWatcher).hasSize(7);
  }

  @Test
  void theFeedListsTheDeploymentsOfEveryOwner() {
    Deployment a = service.create(ALICE, spec("true"));
    Deployment b = service.create(BOB, spec("true"));
    assertThat(service.all()).extracting(Deployment::id).containsExactlyInAnyOrder(a.id(), b.id());
  }
}
