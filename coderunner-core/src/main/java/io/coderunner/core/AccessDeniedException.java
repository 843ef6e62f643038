package io.coderunner.core;

/**
 * The principal may not see or manage the deployment. REST answers 403 (or 404 where existence must
 * not leak), WebSocket an {@code error} frame with code {@code forbidden}.
 */
public final class AccessDeniedException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  private final DeploymentId deploymentId;

  public AccessDeniedException(DeploymentId deploymentId, String message) {
    super(message);
    this.deploymentId = deploymentId;
  }

  public DeploymentId deploymentId() {
    return deploymentId;
  }
}
