package io.coderunner.core.protocol;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Argument checks shared by the frame records; each failure names the field. */
final class Checks {
  private Checks() {}

  static String token(String token, String field) {
    Objects.requireNonNull(token, field);
    if (token.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    if (token.length() > ClientFrame.MAX_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          field + " must be at most " + ClientFrame.MAX_TOKEN_LENGTH + " characters");
    }
    return token;
  }

  static String nonBlank(String value, String field) {
    Objects.requireNonNull(value, field);
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    return value;
  }

  static @Nullable String maxLength(@Nullable String value, int max, String field) {
    if (value != null && value.length() > max) {
      throw new IllegalArgumentException(field + " must be at most " + max + " characters");
    }
    return value;
  }

  static @Nullable String epoch(@Nullable String epoch, String field) {
    if (epoch != null) {
      nonBlank(epoch, field);
      maxLength(epoch, ClientFrame.MAX_EPOCH_LENGTH, field);
    }
    return epoch;
  }

  static long atLeast(long value, long min, String field) {
    if (value < min) {
      throw new IllegalArgumentException(field + " must be >= " + min + ", was " + value);
    }
    return value;
  }
}
