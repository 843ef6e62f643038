package io.coderunner.client;

import io.coderunner.core.CodeRunnerException;

/**
 * Root of what the client throws: {@link ApiException} when the server answered with an error,
 * {@link TransportException} when no answer came. Unchecked.
 */
public class ClientException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what went wrong
   */
  public ClientException(String message) {
    super(message);
  }

  /**
   * Creates an exception with its cause.
   *
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public ClientException(String message, Throwable cause) {
    super(message, cause);
  }
}
