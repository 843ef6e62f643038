package io.coderunner.client;

/**
 * 429: A budget of the caller is spent (requests, ingest lines or bytes, login failures). {@link
 * #retryAfter()} says when it holds again; the client already waited and retried as long as its
 * settings allow.
 */
public final class RateLimitedException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param problem the answer, with status 429
   */
  public RateLimitedException(Problem problem) {
    super(problem);
  }
}
