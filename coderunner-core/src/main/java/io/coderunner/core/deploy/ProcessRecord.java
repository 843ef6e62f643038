package io.coderunner.core.deploy;

import io.coderunner.core.DeploymentId;
import java.time.Instant;
import java.util.Objects;

/**
 * What a runner started for a deployment, as the operating system knows it: kept by the {@link
 * DeploymentStore} while the process runs, so that a service started after this one died (a server
 * killed with SIGKILL leaves its children running) can find what is left of it and stop it ({@link
 * DeploymentRunner#reap}). The start time tells the process from a later one that got the same pid.
 *
 * @param deploymentId the deployment it runs
 * @param pid its process id; with {@code processGroup}, also its process group's id
 * @param startedAt when the operating system started it
 * @param processGroup whether it leads a process group of its own, every member of which belongs to
 *     it
 */
public record ProcessRecord(
    DeploymentId deploymentId, long pid, Instant startedAt, boolean processGroup) {
  /**
   * @param deploymentId the deployment it runs
   * @param pid its process id, positive
   * @param startedAt when it started
   * @param processGroup whether it leads a group
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code pid} is not positive
   */
  public ProcessRecord {
    Objects.requireNonNull(deploymentId, "deploymentId");
    Objects.requireNonNull(startedAt, "startedAt");
    if (pid < 1) {
      throw new IllegalArgumentException("pid must be positive, was " + pid);
    }
  }
}
