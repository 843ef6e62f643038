package io.coderunner.core.deploy;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import java.time.Duration;

/**
 * Runs deployments' commands: the SPI a host replaces to run them elsewhere (containers, remote
 * agents). Thread-safe. {@link #close()} stops every process it started.
 */
public interface DeploymentRunner extends AutoCloseable {

  /**
   * Starts {@code deployment}'s command. Returns once the process started (or failed to); its
   * output and its end are reported to {@code listener} from the runner's own threads.
   *
   * @param deployment the deployment whose command, environment and working directory to use
   * @param listener told of the process's start, its lines and its end
   * @throws RunnerException if it cannot be started (not allowed, not found, not executable)
   */
  void start(Deployment deployment, RunListener listener);

  /**
   * Asks the process to stop (SIGTERM to its process tree), then kills it after {@code grace}.
   * Returns at once; the end is reported to the listener given at start. No effect if it is not
   * running.
   *
   * @param id the deployment whose process to stop
   * @param grace how long after SIGTERM the process gets before SIGKILL; not negative
   */
  void stop(DeploymentId id, Duration grace);

  /**
   * Whether a process of this deployment is running.
   *
   * @param id the deployment
   * @return {@code true} from a successful {@link #start} until its process has ended
   */
  boolean isRunning(DeploymentId id);

  /**
   * Stops what is left of a process that an earlier runner started and never saw end, as after the
   * server was killed: SIGTERM to whatever of it still runs (the process, its descendants and, for
   * a process group, every member started since), then SIGKILL to what remains after {@code grace}.
   * A process that only has the same pid (it started at another time) is left alone. Blocks until
   * they are gone or were killed. The default stops nothing.
   *
   * @param process what the earlier runner recorded
   * @param grace how long between SIGTERM and SIGKILL
   * @return how many processes were still running and were stopped
   */
  default int reap(ProcessRecord process, Duration grace) {
    return 0;
  }

  /** Stops every process (SIGTERM, then SIGKILL after the runner's grace) and waits for them. */
  @Override
  void close();
}
