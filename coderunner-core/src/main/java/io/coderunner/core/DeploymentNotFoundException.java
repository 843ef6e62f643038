package io.coderunner.core;

/** No deployment (or no log) exists with this id. */
public final class DeploymentNotFoundException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  private final DeploymentId deploymentId;

  public DeploymentNotFoundException(DeploymentId deploymentId) {
    super("deployment not found: " + deploymentId);
    this.deploymentId = deploymentId;
  }

  public DeploymentId deploymentId() {
    return deploymentId;
  }
}
