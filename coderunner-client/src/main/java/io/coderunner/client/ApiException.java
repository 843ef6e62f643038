package io.coderunner.client;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The server answered with an error status. Its {@link #problem()} carries everything the answer
 * said; a subclass names the common statuses so that callers can catch what they handle: {@link
 * BadRequestException} (400), {@link UnauthorizedException} (401), {@link ForbiddenException}
 * (403), {@link NotFoundException} (404), {@link ConflictException} (409), {@link
 * PayloadTooLargeException} (413), {@link RateLimitedException} (429) and {@link
 * ServiceUnavailableException} (503). Any other status is an {@code ApiException} itself.
 */
public class ApiException extends ClientException {
  private static final long serialVersionUID = 1L;

  /** What the server answered. */
  @SuppressWarnings("serial") // a record of strings and a list of records
  private final Problem problem;

  /**
   * Creates the exception for {@code problem}.
   *
   * @param problem the answer
   */
  public ApiException(Problem problem) {
    super(message(problem));
    this.problem = problem;
  }

  /**
   * The exception that names {@code problem}'s status.
   *
   * @param problem the answer
   * @return a new exception of the subclass for its status, or of this class
   */
  public static ApiException of(Problem problem) {
    return switch (problem.status()) {
      case 400 -> new BadRequestException(problem);
      case 401 -> new UnauthorizedException(problem);
      case 403 -> new ForbiddenException(problem);
      case 404 -> new NotFoundException(problem);
      case 409 -> new ConflictException(problem);
      case 413 -> new PayloadTooLargeException(problem);
      case 422 -> new UnprocessableContentException(problem);
      case 429 -> new RateLimitedException(problem);
      case 503 -> new ServiceUnavailableException(problem);
      case 507 -> new InsufficientStorageException(problem);
      default -> new ApiException(problem);
    };
  }

  /**
   * What the server answered.
   *
   * @return the problem
   */
  public Problem problem() {
    return problem;
  }

  /**
   * The HTTP status.
   *
   * @return the status
   */
  public int status() {
    return problem.status();
  }

  /**
   * The fields at fault, for a validation error.
   *
   * @return the field errors; empty when there are none
   */
  public List<Problem.FieldError> fieldErrors() {
    return problem.errors();
  }

  /**
   * The wait the server asked for before a retry.
   *
   * @return its {@code Retry-After}, if the answer had one
   */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(problem.retryAfter());
  }

  private static String message(Problem p) {
    StringBuilder b = new StringBuilder().append(p.status()).append(' ').append(p.title());
    if (p.detail() != null) {
      b.append(": ").append(p.detail());
    }
    for (Problem.FieldError e : p.errors()) {
      b.append("; ").append(e.field()).append(": ").append(e.message());
    }
    if (p.requestId() != null) {
      b.append(" (request ").append(p.requestId()).append(')');
    }
    return b.toString();
  }
}
