package io.coderunner.client;

/**
 * 413: The request body, or the number of lines or bytes in one ingest, is over the server's limit;
 * sending it again fails again.
 */
public final class PayloadTooLargeException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param problem the answer, with status 413
   */
  public PayloadTooLargeException(Problem problem) {
    super(problem);
  }
}
