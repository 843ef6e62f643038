package io.coderunner.client;

/**
 * 409: The resource's state forbids the action, such as starting a running deployment, deleting one
 * whose process may run, or an owner at the limit of deployments.
 */
public final class ConflictException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param problem the answer, with status 409
   */
  public ConflictException(Problem problem) {
    super(problem);
  }
}
