package io.coderunner.client;

/**
 * 403: The caller's roles do not allow the action (such as a viewer creating a deployment, or a
 * non-admin asking for broadcaster stats).
 */
public final class ForbiddenException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param problem the answer, with status 403
   */
  public ForbiddenException(Problem problem) {
    super(problem);
  }
}
