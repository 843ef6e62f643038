package io.coderunner.client;

/**
 * 422: The request was well formed but cannot be done as asked: an ingest's {@code Idempotency-Key}
 * was used before for other lines. Nothing was stored.
 */
public final class UnprocessableContentException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param problem the answer, with status 422
   */
  public UnprocessableContentException(Problem problem) {
    super(problem);
  }
}
