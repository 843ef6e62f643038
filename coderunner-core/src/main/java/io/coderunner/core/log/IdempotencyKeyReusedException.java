package io.coderunner.core.log;

import io.coderunner.core.CodeRunnerException;

/**
 * An append carried an idempotency key that an earlier append to the same log used for different
 * lines. Nothing was appended; the client has to send its new lines with a new key.
 */
public final class IdempotencyKeyReusedException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was refused
   */
  public IdempotencyKeyReusedException(String message) {
    super(message);
  }
}
