package io.coderunner.core.deploy;

import io.coderunner.core.CodeRunnerException;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;

/** A lifecycle action the deployment's current status does not allow. REST answers 409. */
public final class InvalidTransitionException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  /** The deployment the action was refused on. */
  private final DeploymentId deploymentId;

  /** The deployment's status when the action was refused. */
  private final DeploymentStatus status;

  /**
   * Creates the exception; its message names the action, the deployment and its status.
   *
   * @param deploymentId the deployment the action was refused on
   * @param status its current status
   * @param action the action refused, as a verb such as {@code start} or {@code delete}
   */
  public InvalidTransitionException(
      DeploymentId deploymentId, DeploymentStatus status, String action) {
    super("cannot " + action + " deployment " + deploymentId + " while it is " + status.wireName());
    this.deploymentId = deploymentId;
    this.status = status;
  }

  /**
   * Returns the deployment the action was refused on.
   *
   * @return the deployment's id
   */
  public DeploymentId deploymentId() {
    return deploymentId;
  }

  /**
   * Returns the status that did not allow the action.
   *
   * @return the deployment's status at the time
   */
  public DeploymentStatus status() {
    return status;
  }
}
