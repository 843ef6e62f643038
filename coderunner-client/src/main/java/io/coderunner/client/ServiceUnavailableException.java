package io.coderunner.client;

/**
 * 503: The server cannot take the request now (it is starting, draining, or its password checks are
 * all busy). Idempotent calls were retried first.
 */
public final class ServiceUnavailableException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param problem the answer, with status 503
   */
  public ServiceUnavailableException(Problem problem) {
    super(problem);
  }
}
