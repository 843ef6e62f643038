package io.coderunner.client;

/** 400: The request was refused as invalid; {@link #fieldErrors()} names each field at fault. */
public final class BadRequestException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param problem the answer, with status 400
   */
  public BadRequestException(Problem problem) {
    super(problem);
  }
}
