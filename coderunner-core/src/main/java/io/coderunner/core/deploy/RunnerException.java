package io.coderunner.core.deploy;

import io.coderunner.core.CodeRunnerException;

/** A deployment's command could not be started. The message is safe to show its owner. */
public final class RunnerException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  public RunnerException(String message) {
    super(message);
  }

  public RunnerException(String message, Throwable cause) {
    super(message, cause);
  }
}
