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

  /** One field at fault and what it must be. */
  public record Violation(String field, String message) {
    public Violation {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(message, "message");
    }
  }

  @SuppressWarnings("serial") // an immutable list of records
  private final List<Violation> violations;

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

  public List<Violation> violations() {
    return violations;
  }
}
