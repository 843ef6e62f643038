package io.coderunner.core;

/** No deployment (or no log) exists with this id. */
public final class DeploymentNotFoundException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  /** The id that was not found. */
  private final DeploymentId deploymentId;

  /**
   * Creates the exception; its message names the id.
   *
   * @param deploymentId the id that was not found
   */
  public DeploymentNotFoundException(DeploymentId deploymentId) {
    super("deployment not found: " + deploymentId);
    this.deploymentId = deploymentId;
  }

  /**
   * Returns the id that was not found.
   *
   * @return the deployment's id
   */
  public DeploymentId deploymentId() {
    return deploymentId;
  }
}
