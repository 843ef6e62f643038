package io.coderunner.core;

/**
 * The principal may not see or manage the deployment. REST answers 403 (or 404 where existence must
 * not leak), WebSocket an {@code error} frame with code {@code forbidden}.
 */
public final class AccessDeniedException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  /** The deployment the principal was refused. */
  private final DeploymentId deploymentId;

  /**
   * Creates the exception.
   *
   * @param deploymentId the deployment the principal was refused
   * @param message what was refused, for logs and the transport's answer; names no other
   *     principal's data
   */
  public AccessDeniedException(DeploymentId deploymentId, String message) {
    super(message);
    this.deploymentId = deploymentId;
  }

  /**
   * Returns the deployment the principal was refused.
   *
   * @return the deployment's id
   */
  public DeploymentId deploymentId() {
    return deploymentId;
  }
}
