package io.coderunner.core.deploy;

import io.coderunner.core.CodeRunnerException;

/**
 * An action would take an owner, or the whole service, past one of its {@link DeploymentLimits}
 * (deployments per owner, processes running). REST answers 409 with the message, which names the
 * limit.
 */
public final class LimitExceededException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the limit reached and what to do about it; shown to the caller
   */
  public LimitExceededException(String message) {
    super(message);
  }
}
