package io.coderunner.server.internal;

import java.util.List;
import java.util.Map;

/**
 * An answer other than success, turned into {@code application/problem+json} by the handler chain.
 * Carries no stack trace: it is control flow, not a fault.
 */
public final class ApiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** One field at fault. */
  public record FieldError(String field, String message) {}

  private final int status;
  private final String title;
  private final transient List<FieldError> errors;
  private final transient Map<String, String> headers;

  public ApiException(
      int status,
      String title,
      String detail,
      List<FieldError> errors,
      Map<String, String> headers) {
    super(detail, null, false, false);
    this.status = status;
    this.title = title;
    this.errors = List.copyOf(errors);
    this.headers = Map.copyOf(headers);
  }

  public ApiException(int status, String title, String detail) {
    this(status, title, detail, List.of(), Map.of());
  }

  public static ApiException badRequest(List<FieldError> errors) {
    String detail =
        errors.size() == 1
            ? errors.get(0).field() + ": " + errors.get(0).message()
            : errors.size() + " fields are invalid";
    return new ApiException(400, "Bad Request", detail, errors, Map.of());
  }

  public static ApiException badRequest(String field, String message) {
    return badRequest(List.of(new FieldError(field, message)));
  }

  public static ApiException notFound(String detail) {
    return new ApiException(404, "Not Found", detail);
  }

  public static ApiException forbidden(String detail) {
    return new ApiException(403, "Forbidden", detail);
  }

  public static ApiException unauthorized(String detail) {
    return new ApiException(
        401, "Unauthorized", detail, List.of(), Map.of("WWW-Authenticate", "Bearer"));
  }

  public static ApiException tooManyRequests(String detail, long retryAfterSeconds) {
    return new ApiException(
        429,
        "Too Many Requests",
        detail,
        List.of(),
        Map.of("Retry-After", Long.toString(Math.max(1, retryAfterSeconds))));
  }

  public static ApiException tooLarge(long limit) {
    return new ApiException(
        413, "Content Too Large", "the request body is larger than " + limit + " bytes");
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public List<FieldError> errors() {
    return errors;
  }

  public Map<String, String> headers() {
    return headers;
  }
}
