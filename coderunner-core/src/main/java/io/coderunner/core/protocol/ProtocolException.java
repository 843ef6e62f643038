package io.coderunner.core.protocol;

import io.coderunner.core.CodeRunnerException;
import org.jspecify.annotations.Nullable;

/**
 * A frame could not be decoded: it is not JSON, not a frame, or a frame with a field that is
 * missing, unknown, of the wrong type or out of range. Carries the {@link Reason} and the JSON
 * field at fault, so a transport can answer with an {@code error} frame (or close with 1009 for
 * {@link Reason#TOO_LARGE}) without parsing the message.
 *
 * <p>It records no stack trace: bad input from clients is expected and must stay cheap.
 */
public final class ProtocolException extends CodeRunnerException {
  private static final long serialVersionUID = 1L;

  /** Why a frame was rejected. */
  public enum Reason {
    /** The text is not one well-formed JSON value, or has content after the frame. */
    MALFORMED_JSON,
    /** The frame is larger than the codec's {@link ProtocolConfig#maxFrameBytes()}. */
    TOO_LARGE,
    /** The {@code type} names no frame of this direction. */
    UNKNOWN_TYPE,
    /** A required field is absent or {@code null}. */
    MISSING_FIELD,
    /** A field this frame does not have. */
    UNKNOWN_FIELD,
    /** A field appears twice in one object. */
    DUPLICATE_FIELD,
    /** A value has the wrong JSON type (such as a string where a number belongs). */
    WRONG_TYPE,
    /** A value has the right JSON type but is not acceptable (out of range, unknown name). */
    INVALID_VALUE
  }

  /** Why the frame was rejected. */
  private final Reason reason;

  /** The JSON field at fault, or {@code null} when the frame as a whole is. */
  private final @Nullable String field;

  /**
   * A rejection for {@code reason}, naming the field at fault.
   *
   * @param reason why the frame was rejected
   * @param field the JSON field at fault as a path (such as {@code after}, {@code filter.levels} or
   *     {@code lines[2].ts}), or {@code null} when the frame as a whole is at fault
   * @param message a human explanation naming the field
   */
  public ProtocolException(Reason reason, @Nullable String field, String message) {
    super(message);
    this.reason = reason;
    this.field = field;
  }

  /**
   * Like {@link #ProtocolException(Reason, String, String)}, keeping the underlying cause.
   *
   * @param reason why the frame was rejected
   * @param field the JSON field at fault as a path, or {@code null} when the frame as a whole is at
   *     fault
   * @param message a human explanation naming the field
   * @param cause the parser's exception
   */
  public ProtocolException(Reason reason, @Nullable String field, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
    this.field = field;
  }

  /**
   * Why the frame was rejected.
   *
   * @return the reason
   */
  public Reason reason() {
    return reason;
  }

  /**
   * The JSON field at fault, as a path such as {@code filter.levels}; {@code null} for none.
   *
   * @return the field's path, or {@code null}
   */
  public @Nullable String field() {
    return field;
  }

  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
