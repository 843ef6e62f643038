package io.coderunner.core.deploy;

import io.coderunner.core.CodeRunnerException;
import java.util.List;
import java.util.Objects;

/**
 * A deployment's definition breaks the service's {@link DeploymentLimits}. REST answers 400 with
 * one field error per {@link #violations() violation}.
 */
public final class InvalidSpecException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  /**
   * One field at fault and what it must be.
   *
   * @param field the field's name, such as {@code command} or {@code env}
   * @param message what the field must be, such as {@code must have at most 256 elements}
   */
  public record Violation(String field, String message) {
    /**
     * Validates the components.
     *
     * @param field the field's name
     * @param message what the field must be
     * @throws NullPointerException if {@code field} or {@code message} is null
     */
    public Violation {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(message, "message");
    }
  }

  /** The violations, at least one; unmodifiable. */
  @SuppressWarnings("serial") // an immutable list of records
  private final List<Violation> violations;

  /**
   * Creates the exception; its message lists every violation.
   *
   * @param violations what is wrong; at least one, copied
   */
  public InvalidSpecException(List<Violation> violations) {
    super(summary(violations));
    this.violations = List.copyOf(violations);
  }

  private static String summary(List<Violation> violations) {
    StringBuilder sb = new StringBuilder("invalid deployment:");
    for (Violation v : violations) {
      sb.append(' ').append(v.field()).append(' ').append(v.message()).append(';');
    }
    return sb.substring(0, sb.length() - 1);
  }

  /**
   * What is wrong with the definition, one violation per field at fault.
   *
   * @return the violations; unmodifiable
   */
  public List<Violation> violations() {
    return violations;
  }
}
