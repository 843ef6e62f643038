package io.coderunner.client;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An error answer of the server, as its RFC 9457 {@code application/problem+json} body and headers
 * said it.
 *
 * @param status the HTTP status
 * @param type the problem type URI ({@code about:blank} when the body named none)
 * @param title the status's short title
 * @param detail what went wrong in this request, or {@code null}
 * @param errors the fields at fault, for a validation error; empty otherwise
 * @param requestId the server's id of the request (its {@code X-Request-Id}), or {@code null}
 * @param retryAfter the answer's {@code Retry-After}, or {@code null} when it had none
 */
public record Problem(
    int status,
    String type,
    String title,
    @Nullable String detail,
    List<FieldError> errors,
    @Nullable String requestId,
    @Nullable Duration retryAfter) {

  /**
   * Copies {@code errors}.
   *
   * @param status the HTTP status
   * @param type the problem type URI
   * @param title the short title
   * @param detail the detail, or {@code null}
   * @param errors the fields at fault
   * @param requestId the request id, or {@code null}
   * @param retryAfter the wait the server asked for, or {@code null}
   */
  public Problem {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(title, "title");
    errors = List.copyOf(errors);
  }

  /**
   * One field the server refused, and why.
   *
   * @param field the field's path in the request, such as {@code name} or {@code env.PORT}
   * @param message why it was refused
   */
  public record FieldError(String field, String message) {
    /**
     * Checks the parts.
     *
     * @param field the field's path
     * @param message why it was refused
     */
    public FieldError {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(message, "message");
    }
  }
}
