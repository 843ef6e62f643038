package io.coderunner.core;

/**
 * Root of every exception CodeRunner throws on purpose. Unchecked: each transport has one mapper
 * that turns a subtype into its answer (problem+json, an {@code error} frame or a close code).
 */
public class CodeRunnerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message and no cause.
   *
   * @param message what went wrong
   */
  public CodeRunnerException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and the exception that caused it.
   *
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public CodeRunnerException(String message, Throwable cause) {
    super(message, cause);
  }
}
