package io.coderunner.core.deploy;

import io.coderunner.core.CodeRunnerException;

/** A deployment's command could not be started. The message is safe to show its owner. */
public final class RunnerException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message why the command could not start; shown to the deployment's owner
   */
  public RunnerException(String message) {
    super(message);
  }

  /**
   * Creates the exception with its cause.
   *
   * @param message why the command could not start; shown to the deployment's owner
   * @param cause the underlying failure, such as the {@link java.io.IOException} of the launch
   */
  public RunnerException(String message, Throwable cause) {
    super(message, cause);
  }
}
