package io.coderunner.core.deploy;

import io.coderunner.core.CodeRunnerException;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;

/** A lifecycle action the deployment's current status does not allow. REST answers 409. */
public final class InvalidTransitionException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  private final DeploymentId deploymentId;
  private final DeploymentStatus status;

  public InvalidTransitionException(
      DeploymentId deploymentId, DeploymentStatus status, String action) {
    super("cannot " + action + " deployment " + deploymentId + " while it is " + status.wireName());
    this.deploymentId = deploymentId;
    this.status = status;
  }

  public DeploymentId deploymentId() {
    return deploymentId;
  }

  public DeploymentStatus status() {
    return status;
  }
}
