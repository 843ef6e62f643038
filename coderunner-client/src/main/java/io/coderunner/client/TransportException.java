package io.coderunner.client;

/**
 * No answer came: the server could not be reached, the connection broke, or the request timed out.
 * A call that could be retried safely was retried first, as its {@link Backoff} allows.
 */
public final class TransportException extends ClientException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception.
   *
   * @param message what failed, with the method and path
   * @param cause the I/O failure
   */
  public TransportException(String message, Throwable cause) {
    super(message, cause);
  }
}
