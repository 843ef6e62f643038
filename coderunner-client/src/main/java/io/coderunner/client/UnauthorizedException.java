package io.coderunner.client;

/**
 * 401: No token, or one the server does not accept (expired, wrong secret), or wrong credentials at
 * login.
 */
public final class UnauthorizedException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param problem the answer, with status 401
   */
  public UnauthorizedException(Problem problem) {
    super(problem);
  }
}
