package io.coderunner.client;

/**
 * 507: The server's storage refuses writes (a full or failing disk); nothing of the request was
 * stored. An ingest with an idempotency key is retried as {@link Problem#retryAfter()} asks, within
 * the client's patience.
 */
public final class InsufficientStorageException extends ApiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param problem the answer, with status 507
   */
  public InsufficientStorageException(Problem problem) {
    super(problem);
  }
}
