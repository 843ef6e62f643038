package io.coderunner.core;

/**
 * The principal lacks the role an action needs (creating a deployment, changing one it may only
 * read). REST answers 403 with the message, which names the role but no other principal's data.
 */
public final class PermissionDeniedException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message the action refused and the role it needs; shown to the caller
   */
  public PermissionDeniedException(String message) {
    super(message);
  }
}
