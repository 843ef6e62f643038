package io.coderunner.core;

import java.util.UUID;

/**
 * Identifies one deployment and its log. 1 to 64 characters from {@code [A-Za-z0-9._-]}, so an id
 * is safe in a URL path segment, a Redis key and a log line without escaping.
 *
 * @param value the id as text
 */
public record DeploymentId(String value) implements Comparable<DeploymentId> {
  /** Longest id accepted, in characters. */
  public static final int MAX_LENGTH = 64;

  /**
   * Validates the value.
   *
   * @param value the id as text
   * @throws IllegalArgumentException if {@link #isValid} rejects {@code value}
   */
  public DeploymentId {
    if (!isValid(value)) {
      throw new IllegalArgumentException(
          "deployment id must be 1-" + MAX_LENGTH + " characters of [A-Za-z0-9._-]");
    }
  }

  /**
   * Parses an id, rejecting anything {@link #isValid} rejects.
   *
   * @param value the id as text
   * @return the id
   * @throws IllegalArgumentException if {@code value} is not a valid id
   */
  public static DeploymentId of(String value) {
    return new DeploymentId(value);
  }

  /**
   * A new random id (a UUID without dashes' ambiguity: lower-case, 36 characters).
   *
   * @return a fresh id from a random UUID
   */
  public static DeploymentId random() {
    return new DeploymentId(UUID.randomUUID().toString());
  }

  /**
   * Whether {@code value} is an acceptable id; never throws.
   *
   * @param value the text to check; may be null
   * @return {@code true} if it has 1 to {@link #MAX_LENGTH} characters, all from {@code
   *     [A-Za-z0-9._-]}; {@code false} for null
   */
  public static boolean isValid(@org.jspecify.annotations.Nullable String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '.'
              || c == '_'
              || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int compareTo(DeploymentId other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
