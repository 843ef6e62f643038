package io.coderunner.core.deploy;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentEvent;
import io.coderunner.core.DeploymentFeed;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentNotFoundException;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.AccessPolicy;
import io.coderunner.core.log.LogStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deployment lifecycle: create, read, replace, delete, start, stop and restart, each checked
 * against the {@link AccessPolicy} (so a host calling it directly gets the same checks as REST) and
 * held to the {@link DeploymentLimits}. Every status change is stored and appended to the
 * deployment's log as a {@code system} line, in one step per deployment, so its order against the
 * output is exact.
 *
 * <p>It keeps no state for a deployment that does not exist: an action on an unknown id is refused
 * after one lookup, whatever the id.
 *
 * <p>A new service adopts what its store already holds: a deployment without a log in the log store
 * gets an empty one, and one that was active (its process belonged to an earlier service) becomes
 * {@link DeploymentStatus#FAILED} with a line saying the server stopped while it was, say, {@code
 * running}, and, with {@link OnRestart#START_AGAIN}, is then started again. Processes the earlier
 * service recorded ({@link DeploymentStore#processes()}) and never saw end, as when the server was
 * killed, are stopped through {@link DeploymentRunner#reap} first, with a line saying how many;
 * this waits for them, up to the stop grace and a SIGKILL.
 *
 * <p>Create one per application and share it; it is thread-safe and starts no threads (the runner
 * reports on its own). {@link #close()} stops every running process through the runner.
 */
public final class DeploymentService implements DeploymentFeed, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeploymentService.class);

  private final DeploymentStore store;
  private final LogStore logs;
  private final DeploymentRunner runner;
  private final AccessPolicy policy;
  private final Clock clock;
  private final Duration stopGrace;
  private final DeploymentLimits limits;
  private final OnRestart onRestart;

  /** What a new service does with a deployment that was active when the earlier one stopped. */
  public enum OnRestart {
    /** It stays failed, with a line saying the server stopped while it was active. */
    MARK_FAILED,
    /** It is marked failed, with that line, and then started again. */
    START_AGAIN
  }

  /**
   * Each deployment's changes are serialized on one of these, chosen by its id: a fixed set, so
   * that no id, known or not, adds state. Nothing holds two of them at once.
   */
  private final Object[] locks = new Object[LOCK_STRIPES];

  private static final int LOCK_STRIPES = 256;

  /** Deployments per owner, counted from the store the first time an owner creates one. */
  private final ConcurrentHashMap<String, Integer> owned = new ConcurrentHashMap<>();

  /** Processes running (or starting) per owner, and in all. */
  private final ConcurrentHashMap<String, Integer> runningByOwner = new ConcurrentHashMap<>();

  private final AtomicInteger running = new AtomicInteger();

  /** Deployments whose process should start again once it has exited (a restart). */
  private final ConcurrentHashMap<DeploymentId, Boolean> restartOnExit = new ConcurrentHashMap<>();

  /**
   * The listener of each deployment's current process; changed under the deployment's lock. A
   * listener that is no longer current belongs to an earlier process whose report came late, and
   * its start and exit are ignored so they cannot be taken for the new process's.
   */
  private final ConcurrentHashMap<DeploymentId, Listener> current = new ConcurrentHashMap<>();

  /** Who hears of every change ({@link #watch}); called under the changed deployment's lock. */
  private final List<Consumer<DeploymentEvent>> watchers = new CopyOnWriteArrayList<>();

  private final LongAdder starts = new LongAdder();
  private final LongAdder startFailures = new LongAdder();
  private final LongAdder exitFailures = new LongAdder();

  private DeploymentService(
      DeploymentStore store,
      LogStore logs,
      DeploymentRunner runner,
      AccessPolicy policy,
      Clock clock,
      Duration stopGrace,
      DeploymentLimits limits,
      OnRestart onRestart) {
    this.store = store;
    this.logs = logs;
    this.runner = runner;
    this.policy = policy;
    this.clock = clock;
    this.stopGrace = stopGrace;
    this.limits = limits;
    this.onRestart = onRestart;
    for (int i = 0; i < locks.length; i++) {
      locks[i] = new Object();
    }
    adoptStored();
  }

  /**
   * Takes over what the store already holds, as after a restart: each deployment gets a log if the
   * log store has none, and one that was active has no process here, so it becomes failed with a
   * line saying why.
   */
  private void adoptStored() {
    Map<DeploymentId, ProcessRecord> left = new HashMap<>();
    for (ProcessRecord p : store.processes()) {
      left.put(p.deploymentId(), p);
    }
    List<Deployment> resume = new ArrayList<>();
    for (Deployment d : store.all()) {
      if (logs.info(d.id()).isEmpty()) {
        logs.create(d.id(), d.ownerId());
      }
      synchronized (lock(d.id())) {
        if (d.status().isActive()) {
          d =
              transition(
                  d,
                  DeploymentStatus.FAILED,
                  "adopt",
                  "failed: the server stopped while it was " + d.status().wireName());
          if (onRestart == OnRestart.START_AGAIN) {
            resume.add(d);
          }
        }
        ProcessRecord p = left.remove(d.id());
        if (p != null) {
          reapLeftovers(d.id(), p);
        }
      }
    }
    for (ProcessRecord p : left.values()) { // of deployments deleted since
      reapLeftovers(p.deploymentId(), p);
    }
    for (Deployment d : resume) {
      synchronized (lock(d.id())) {
        try {
          var unused = launch(d, "adopt", null);
        } catch (RuntimeException e) {
          log.warn("deployment {}: could not start it again: {}", d.id(), e.getMessage());
        }
      }
    }
  }

  /** Stops what an earlier service's process left running, and says so in its log. */
  private void reapLeftovers(DeploymentId id, ProcessRecord process) {
    int stopped = runner.reap(process, stopGrace);
    if (stopped > 0 && logs.info(id).isPresent()) {
      logs.append(
          id,
          new LogEntry(
              null,
              io.coderunner.core.StreamKind.SYSTEM,
              io.coderunner.core.LogLevel.WARN,
              "stopped "
                  + stopped
                  + (stopped == 1 ? " process" : " processes")
                  + " left running from before the server stopped (pid "
                  + process.pid()
                  + ")"));
    }
    store.processEnded(id);
  }

  /**
   * A service over these parts, with {@link DeploymentLimits#defaults()}.
   *
   * @param store where deployments are kept
   * @param logs where each deployment's log is created, appended to and deleted
   * @param runner what runs the commands
   * @param policy who may create, read and change which deployment
   * @param clock stamps {@code createdAt}, {@code updatedAt} and status changes
   * @param stopGrace how long a stopped process gets between SIGTERM and SIGKILL; 0 to 10 minutes
   * @return a new service
   * @throws IllegalArgumentException if {@code stopGrace} is negative or longer than 10 minutes
   * @throws NullPointerException if any argument is null
   */
  public static DeploymentService create(
      DeploymentStore store,
      LogStore logs,
      DeploymentRunner runner,
      AccessPolicy policy,
      Clock clock,
      Duration stopGrace) {
    return create(store, logs, runner, policy, clock, stopGrace, DeploymentLimits.defaults());
  }

  /**
   * A service over these parts.
   *
   * @param store where deployments are kept
   * @param logs where each deployment's log is created, appended to and deleted
   * @param runner what runs the commands
   * @param policy who may create, read and change which deployment
   * @param clock stamps {@code createdAt}, {@code updatedAt} and status changes
   * @param stopGrace how long a stopped process gets between SIGTERM and SIGKILL; 0 to 10 minutes
   * @param limits what one owner, and everyone together, may hold
   * @return a new service
   * @throws IllegalArgumentException if {@code stopGrace} is negative or longer than 10 minutes
   * @throws NullPointerException if any argument is null
   */
  public static DeploymentService create(
      DeploymentStore store,
      LogStore logs,
      DeploymentRunner runner,
      AccessPolicy policy,
      Clock clock,
      Duration stopGrace,
      DeploymentLimits limits) {
    return create(store, logs, runner, policy, clock, stopGrace, limits, OnRestart.MARK_FAILED);
  }

  /**
   * A service over these parts, which treats a deployment that was active when the earlier service
   * stopped as {@code onRestart} says.
   *
   * @param store where deployments are kept
   * @param logs where each deployment's log is created, appended to and deleted
   * @param runner what runs the commands
   * @param policy who may create, read and change which deployment
   * @param clock stamps {@code createdAt}, {@code updatedAt} and status changes
   * @param stopGrace how long a stopped process gets between SIGTERM and SIGKILL; 0 to 10 minutes
   * @param limits what one owner, and everyone together, may hold
   * @param onRestart whether a deployment that was active stays failed or starts again
   * @return a new service
   * @throws IllegalArgumentException if {@code stopGrace} is negative or longer than 10 minutes
   * @throws NullPointerException if any argument is null
   */
  public static DeploymentService create(
      DeploymentStore store,
      LogStore logs,
      DeploymentRunner runner,
      AccessPolicy policy,
      Clock clock,
      Duration stopGrace,
      DeploymentLimits limits,
      OnRestart onRestart) {
    Objects.requireNonNull(stopGrace, "stopGrace");
    if (stopGrace.isNegative() || stopGrace.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new IllegalArgumentException(
          "stopGrace must be between 0 and 10 min, was " + stopGrace);
    }
    return new DeploymentService(
        Objects.requireNonNull(store, "store"),
        Objects.requireNonNull(logs, "logs"),
        Objects.requireNonNull(runner, "runner"),
        Objects.requireNonNull(policy, "policy"),
        Objects.requireNonNull(clock, "clock"),
        stopGrace,
        Objects.requireNonNull(limits, "limits"),
        Objects.requireNonNull(onRestart, "onRestart"));
  }

  /**
   * The limits the service holds owners to.
   *
   * @return the limits given at creation
   */
  public DeploymentLimits limits() {
    return limits;
  }

  /**
   * The store behind the service (also a {@link io.coderunner.core.DeploymentLookup}). Reading it
   * directly skips the access policy.
   *
   * @return the store given at creation
   */
  public DeploymentStore store() {
    return store;
  }

  /**
   * Creates a deployment owned by {@code owner}, with its log. The deployment gets a random id and
   * status {@link DeploymentStatus#CREATED}, which is also the first line of its log.
   *
   * @param owner who creates it and becomes its owner; needs role deployer or admin
   * @param spec its name, command, environment and working directory
   * @return the new deployment
   * @throws IllegalArgumentException if {@code spec} is not a valid {@link Deployment} (such as a
   *     blank name or an empty command)
   * @throws io.coderunner.core.PermissionDeniedException if the policy does not let {@code owner}
   *     create deployments
   * @throws InvalidSpecException if {@code spec} breaks the limits on command and environment
   * @throws LimitExceededException if {@code owner} has as many deployments as it may
   */
  public Deployment create(Principal owner, DeploymentSpec spec) {
    policy.requireDeploy(owner);
    checkSpec(spec);
    reserveDeployment(owner.id());
    try {
      return insert(owner, spec);
    } catch (RuntimeException e) {
      releaseDeployment(owner.id());
      throw e;
    }
  }

  private Deployment insert(Principal owner, DeploymentSpec spec) {
    Instant now = clock.instant();
    Deployment d =
        new Deployment(
            DeploymentId.random(),
            spec.name(),
            owner.id(),
            spec.command(),
            spec.env(),
            spec.workingDir(),
            DeploymentStatus.CREATED,
            now,
            now);
    // The log first: a store that refuses it (a full disk) has made nothing, and a deployment
    // never exists without its log.
    logs.create(d.id(), d.ownerId());
    try {
      store.insert(d);
    } catch (RuntimeException e) {
      try {
        logs.delete(d.id());
      } catch (RuntimeException undo) {
        e.addSuppressed(undo);
      }
      throw e;
    }
    try {
      logs.appendStatus(
          d.id(), DeploymentStatus.CREATED, "deployment created by " + owner.username());
    } catch (RuntimeException e) {
      // The deployment is stored; its first line is taken and written once the store can.
      log.warn(
          "deployment {}: created, but its first log line is not stored yet: {}",
          d.id(),
          e.toString());
    }
    publish(DeploymentEvent.Kind.CREATED, d);
    return d;
  }

  /**
   * The deployment, if {@code principal} may read it.
   *
   * @param principal who asks; the owner or an admin
   * @param id the deployment
   * @return its current value
   * @throws DeploymentNotFoundException if it does not exist
   * @throws io.coderunner.core.AccessDeniedException if the principal may not read it
   */
  public Deployment get(Principal principal, DeploymentId id) {
    Deployment d = find(id);
    policy.requireRead(principal, d);
    return d;
  }

  /**
   * The deployment, if {@code principal} may change it. A principal that may not create deployments
   * may change none, and is told so before the id is looked up, so that every id gets the same
   * answer.
   *
   * @param principal who asks; the owner with role deployer, or an admin
   * @param id the deployment
   * @return its current value
   * @throws io.coderunner.core.PermissionDeniedException if {@code principal} may change no
   *     deployment, or may read this one but not change it
   * @throws DeploymentNotFoundException if it does not exist
   * @throws io.coderunner.core.AccessDeniedException if {@code principal} may not read it
   */
  public Deployment getForChange(Principal principal, DeploymentId id) {
    policy.requireDeploy(principal);
    Deployment d = find(id);
    policy.requireManage(principal, d);
    return d;
  }

  /**
   * A page of the deployments {@code principal} may read (all of them for an admin), ordered by id.
   * Needs no role: a principal without deployments gets an empty page.
   *
   * @param principal who asks
   * @param limit most deployments on the page; the default store accepts 1 to 1,000
   * @param cursor {@link DeploymentPage#nextCursor()} of the previous page, or {@code null} for the
   *     first
   * @return the page; its {@code nextCursor} is {@code null} on the last page
   * @throws IllegalArgumentException if the store rejects {@code limit} or {@code cursor}
   */
  public DeploymentPage list(Principal principal, int limit, @Nullable String cursor) {
    return store.list(policy.canReadAll(principal) ? null : principal.id(), limit, cursor);
  }

  /**
   * Replaces name, command, environment and working directory. Id, owner, status and {@code
   * createdAt} are kept; {@code updatedAt} becomes now.
   *
   * @param principal who asks; the owner with role deployer, or an admin
   * @param id the deployment
   * @param spec its new name, command, environment and working directory
   * @return the new value
   * @throws InvalidTransitionException while a process may be running
   * @throws InvalidSpecException if {@code spec} breaks the limits on command and environment
   * @throws IllegalArgumentException if {@code spec} is not a valid {@link Deployment}
   * @throws io.coderunner.core.PermissionDeniedException if {@code principal} may change no
   *     deployment, or may read this one but not change it
   * @throws DeploymentNotFoundException if it does not exist
   * @throws io.coderunner.core.AccessDeniedException if {@code principal} may not read it
   */
  public Deployment replace(Principal principal, DeploymentId id, DeploymentSpec spec) {
    synchronized (lock(id)) {
      Deployment d = getForChange(principal, id);
      if (d.status().isActive()) {
        throw new InvalidTransitionException(id, d.status(), "replace");
      }
      checkSpec(spec);
      Instant now = clock.instant();
      Deployment replaced =
          store
              .update(
                  id,
                  cur ->
                      new Deployment(
                          cur.id(),
                          spec.name(),
                          cur.ownerId(),
                          spec.command(),
                          spec.env(),
                          spec.workingDir(),
                          cur.status(),
                          cur.createdAt(),
                          now))
              .orElseThrow(() -> new DeploymentNotFoundException(id));
      publish(DeploymentEvent.Kind.UPDATED, replaced);
      return replaced;
    }
  }

  /**
   * Deletes a deployment and its log; cursors open on the log end (see {@link LogStore#delete}).
   *
   * @param principal who asks; the owner with role deployer, or an admin
   * @param id the deployment
   * @throws InvalidTransitionException while a process may be running
   * @throws io.coderunner.core.PermissionDeniedException if {@code principal} may change no
   *     deployment, or may read this one but not change it
   * @throws DeploymentNotFoundException if it does not exist
   * @throws io.coderunner.core.AccessDeniedException if {@code principal} may not read it
   */
  public void delete(Principal principal, DeploymentId id) {
    synchronized (lock(id)) {
      Deployment d = getForChange(principal, id);
      if (d.status().isActive()) {
        throw new InvalidTransitionException(id, d.status(), "delete");
      }
      if (store.delete(id)) {
        releaseDeployment(d.ownerId());
      }
      logs.delete(id);
      restartOnExit.remove(id);
      current.remove(id);
      publish(DeploymentEvent.Kind.DELETED, d);
    }
  }

  /**
   * Starts the deployment's command; its output goes to its log. Returns once the runner has
   * started the process or failed to; {@link DeploymentStatus#RUNNING} follows when the runner
   * reports it.
   *
   * @param principal who asks; the owner with role deployer, or an admin
   * @param id the deployment
   * @return the deployment in status {@link DeploymentStatus#STARTING}, or {@link
   *     DeploymentStatus#FAILED} if the runner refused with a {@link RunnerException}, whose
   *     message is then appended to the log as a stderr line
   * @throws InvalidTransitionException unless it is created, stopped or failed
   * @throws LimitExceededException if its owner, or the service, runs as many processes as it may
   * @throws io.coderunner.core.PermissionDeniedException if {@code principal} may change no
   *     deployment, or may read this one but not change it
   * @throws DeploymentNotFoundException if it does not exist
   * @throws io.coderunner.core.AccessDeniedException if {@code principal} may not read it
   */
  public Deployment start(Principal principal, DeploymentId id) {
    synchronized (lock(id)) {
      Deployment d = getForChange(principal, id);
      return launch(d, "start", null);
    }
  }

  /**
   * Stops the running process: SIGTERM, then SIGKILL after the grace period. Returns at once;
   * {@link DeploymentStatus#STOPPED} (or {@link DeploymentStatus#FAILED}) follows when the process
   * has exited. A pending restart is cancelled.
   *
   * @param principal who asks; the owner with role deployer, or an admin
   * @param id the deployment
   * @return the deployment in status {@link DeploymentStatus#STOPPING}
   * @throws InvalidTransitionException unless it is starting, running or restarting
   * @throws io.coderunner.core.PermissionDeniedException if {@code principal} may change no
   *     deployment, or may read this one but not change it
   * @throws DeploymentNotFoundException if it does not exist
   * @throws io.coderunner.core.AccessDeniedException if {@code principal} may not read it
   */
  public Deployment stop(Principal principal, DeploymentId id) {
    synchronized (lock(id)) {
      Deployment d = getForChange(principal, id);
      restartOnExit.remove(id);
      Deployment stopping = transition(d, DeploymentStatus.STOPPING, "stop", "stopping");
      runner.stop(id, stopGrace);
      return stopping;
    }
  }

  /**
   * Restarts: stops the running process and starts it again once it exited, or starts a stopped or
   * failed one.
   *
   * @param principal who asks; the owner with role deployer, or an admin
   * @param id the deployment
   * @return the deployment in status {@link DeploymentStatus#RESTARTING} while the old process is
   *     being stopped; otherwise as {@link #start} returns it
   * @throws InvalidTransitionException when the status allows neither
   * @throws LimitExceededException if a stopped or failed deployment is started and its owner, or
   *     the service, runs as many processes as it may
   * @throws io.coderunner.core.PermissionDeniedException if {@code principal} may change no
   *     deployment, or may read this one but not change it
   * @throws DeploymentNotFoundException if it does not exist
   * @throws io.coderunner.core.AccessDeniedException if {@code principal} may not read it
   */
  public Deployment restart(Principal principal, DeploymentId id) {
    synchronized (lock(id)) {
      Deployment d = getForChange(principal, id);
      Deployment restarting = transition(d, DeploymentStatus.RESTARTING, "restart", "restarting");
      if (runner.isRunning(id)) {
        restartOnExit.put(id, Boolean.TRUE);
        runner.stop(id, stopGrace);
        return restarting;
      }
      return launch(restarting, "restart", null);
    }
  }

  /**
   * Starts and failures since the service was created.
   *
   * @return a snapshot of the counters
   */
  public DeploymentStats stats() {
    return new DeploymentStats(starts.sum(), startFailures.sum(), exitFailures.sum());
  }

  /** Stops every process through the runner. */
  @Override
  public void close() {
    runner.close();
  }

  // ------------------------------------------------------------------ internals

  private Deployment find(DeploymentId id) {
    return store.find(id).orElseThrow(() -> new DeploymentNotFoundException(id));
  }

  private Object lock(DeploymentId id) {
    return locks[Math.floorMod(id.hashCode(), locks.length)];
  }

  private void checkSpec(DeploymentSpec spec) {
    List<InvalidSpecException.Violation> violations = limits.check(spec);
    if (!violations.isEmpty()) {
      throw new InvalidSpecException(violations);
    }
  }

  private void reserveDeployment(String ownerId) {
    var unused =
        owned.compute(
            ownerId,
            (k, n) -> {
              long have = n != null ? n : store.countOwnedBy(k);
              if (have >= limits.maxDeploymentsPerOwner()) {
                throw new LimitExceededException(
                    "an owner may have at most "
                        + limits.maxDeploymentsPerOwner()
                        + " deployments; delete one first");
              }
              return (int) have + 1;
            });
  }

  private void releaseDeployment(String ownerId) {
    var unused = owned.computeIfPresent(ownerId, (k, n) -> n > 1 ? n - 1 : null);
  }

  /** Takes a running slot of {@code ownerId} and of the service, or throws. */
  private void reserveRun(String ownerId) {
    var unused =
        runningByOwner.compute(
            ownerId,
            (k, n) -> {
              int have = n == null ? 0 : n;
              if (have >= limits.maxRunningPerOwner()) {
                throw new LimitExceededException(
                    "an owner may run at most "
                        + limits.maxRunningPerOwner()
                        + " deployments at once; stop one first");
              }
              if (running.incrementAndGet() > limits.maxRunning()) {
                running.decrementAndGet();
                throw new LimitExceededException(
                    "the server runs at most "
                        + limits.maxRunning()
                        + " deployments at once; try again later");
              }
              return have + 1;
            });
  }

  private void releaseRun(String ownerId) {
    var unused = runningByOwner.computeIfPresent(ownerId, (k, n) -> n > 1 ? n - 1 : null);
    running.decrementAndGet();
  }

  /** Moves to {@code next} and logs it; guarded by the deployment's lock. */
  private Deployment transition(
      Deployment current, DeploymentStatus next, String action, String message) {
    if (!current.status().canTransitionTo(next)) {
      throw new InvalidTransitionException(current.id(), current.status(), action);
    }
    Instant now = clock.instant();
    Deployment updated =
        store
            .update(current.id(), cur -> cur.withStatus(next, now))
            .orElseThrow(() -> new DeploymentNotFoundException(current.id()));
    logs.appendStatus(current.id(), next, message);
    publish(DeploymentEvent.Kind.UPDATED, updated);
    return updated;
  }

  /** Tells every watcher; a watcher that throws is logged and the others still hear. */
  private void publish(DeploymentEvent.Kind kind, Deployment d) {
    if (watchers.isEmpty()) {
      return;
    }
    DeploymentEvent event = new DeploymentEvent(kind, d);
    for (Consumer<DeploymentEvent> w : watchers) {
      try {
        w.accept(event);
      } catch (RuntimeException e) {
        log.warn("a deployment watcher failed on {} of {}", kind.wireName(), d.id().value(), e);
      }
    }
  }

  /**
   * Every deployment of every owner, as the store lists them.
   *
   * @return a snapshot, in the store's order
   */
  @Override
  public List<Deployment> all() {
    return store.all();
  }

  /**
   * Calls {@code listener} after every create, replace, status change and delete, on the thread
   * that made it and under that deployment's lock, so one deployment's changes arrive in order.
   *
   * @param listener what to call; must return quickly
   * @return the registration; closing it stops the calls
   */
  @Override
  public Watch watch(Consumer<DeploymentEvent> listener) {
    Objects.requireNonNull(listener, "listener");
    watchers.add(listener);
    return () -> watchers.remove(listener);
  }

  /**
   * Moves to starting and asks the runner to start; guarded by the deployment's lock. The new
   * process takes over the running slot of {@code previous} (a restart), or takes a new one.
   */
  private Deployment launch(Deployment d, String action, @Nullable Listener previous) {
    if (previous == null) {
      if (!d.status().canTransitionTo(DeploymentStatus.STARTING)) {
        throw new InvalidTransitionException(d.id(), d.status(), action);
      }
      reserveRun(d.ownerId());
    }
    Deployment starting;
    try {
      starting = transition(d, DeploymentStatus.STARTING, action, "starting");
    } catch (RuntimeException e) {
      releaseRun(d.ownerId());
      throw e;
    }
    Listener listener = new Listener(starting.id(), starting.ownerId());
    current.put(starting.id(), listener);
    starts.increment();
    try {
      runner.start(starting, listener);
    } catch (RuntimeException e) {
      startFailures.increment();
      // Whatever went wrong, the deployment must not stay "starting" with no process behind it.
      current.remove(starting.id(), listener);
      releaseRun(starting.ownerId());
      String reason =
          e instanceof RunnerException
              ? String.valueOf(e.getMessage())
              : "could not start: " + e.getMessage();
      logs.append(starting.id(), LogEntry.stderr(reason));
      Deployment failed = transition(starting, DeploymentStatus.FAILED, action, "failed to start");
      if (e instanceof RunnerException) {
        return failed;
      }
      throw e;
    }
    return starting;
  }

  /** Status changes reported by the runner's threads. */
  private final class Listener implements RunListener {
    private final DeploymentId id;
    private final String ownerId;

    Listener(DeploymentId id, String ownerId) {
      this.id = id;
      this.ownerId = ownerId;
    }

    @Override
    public void started(ProcessRecord process) {
      running(process.pid(), process);
    }

    @Override
    public void started(long pid) {
      running(pid, null);
    }

    /** Records the process, when the runner says what it is, and marks the deployment running. */
    private void running(long pid, @Nullable ProcessRecord process) {
      synchronized (lock(id)) {
        if (current.get(id) != this) {
          return;
        }
        if (process != null) {
          try {
            store.processStarted(process);
          } catch (RuntimeException e) {
            log.warn(
                "deployment {}: could not record its process (pid {}); a restart after a crash"
                    + " will not find it: {}",
                id,
                pid,
                e.toString());
          }
        }
        store
            .find(id)
            .filter(d -> d.status() == DeploymentStatus.STARTING)
            .ifPresent(
                d -> transition(d, DeploymentStatus.RUNNING, "run", "running (pid " + pid + ")"));
      }
    }

    @Override
    public void line(LogEntry entry) {
      try {
        logs.append(id, entry);
      } catch (DeploymentNotFoundException e) {
        // deleted while its process still printed: nothing to keep
      }
    }

    @Override
    public void exited(int exitCode, boolean stopped) {
      synchronized (lock(id)) {
        if (!current.remove(id, this)) {
          return;
        }
        try {
          store.processEnded(id);
        } catch (RuntimeException e) {
          log.warn("deployment {}: could not record that its process ended: {}", id, e.toString());
        }
        Deployment d = store.find(id).orElse(null);
        if (d == null) {
          releaseRun(ownerId);
          return;
        }
        boolean relaunched = false;
        try {
          if (restartOnExit.remove(id) != null && d.status() == DeploymentStatus.RESTARTING) {
            logs.append(
                id,
                new LogEntry(
                    null,
                    io.coderunner.core.StreamKind.SYSTEM,
                    io.coderunner.core.LogLevel.INFO,
                    "process exited with code " + exitCode + "; restarting"));
            relaunched = true;
            launch(d, "restart", this);
            return;
          }
          if (d.status() == DeploymentStatus.STARTING) {
            // It exited before the runner reported it running: record that it did run.
            d = transition(d, DeploymentStatus.RUNNING, "run", "running");
          }
          boolean clean = exitCode == 0 || stopped;
          DeploymentStatus next = clean ? DeploymentStatus.STOPPED : DeploymentStatus.FAILED;
          String message =
              (clean ? "stopped" : "failed") + ": process exited with code " + exitCode;
          if (d.status().canTransitionTo(next)) {
            transition(d, next, "exit", message);
            if (!clean) {
              exitFailures.increment();
            }
          }
        } catch (RuntimeException e) {
          log.warn("deployment {}: could not record the process exit", id, e);
        } finally {
          if (!relaunched) {
            releaseRun(ownerId);
          }
        }
      }
    }
  }
}
