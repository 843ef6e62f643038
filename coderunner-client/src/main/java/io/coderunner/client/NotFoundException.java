package io.coderunner.client;

/**
 * 404: No such resource, or one the caller may not see: another owner's deployment answers exactly
 * as a missing one.
 */
public final class NotFoundException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param problem the answer, with status 404
   */
  public NotFoundException(Problem problem) {
    super(problem);
  }
}
