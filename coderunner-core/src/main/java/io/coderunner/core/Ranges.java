package io.coderunner.core;

import java.time.Duration;
import java.util.Objects;

/**
 * The range checks the settings builders share: each returns the value when it is within its bounds
 * (inclusive) and otherwise throws an {@link IllegalArgumentException} that names the setting, its
 * range and the value, at the moment the value is set.
 */
public final class Ranges {
  private Ranges() {}

  /**
   * {@code value} when {@code min <= value <= max}.
   *
   * @param name the setting's name, used in the message
   * @param value the value to check
   * @param min the lowest value accepted
   * @param max the highest value accepted
   * @return {@code value}, unchanged
   * @throws IllegalArgumentException if {@code value} is outside the range
   */
  public static int check(String name, int value, int min, int max) {
    return (int) check(name, (long) value, min, max);
  }

  /**
   * {@code value} when {@code min <= value <= max}.
   *
   * @param name the setting's name, used in the message
   * @param value the value to check
   * @param min the lowest value accepted
   * @param max the highest value accepted
   * @return {@code value}, unchanged
   * @throws IllegalArgumentException if {@code value} is outside the range
   */
  public static long check(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", was " + value);
    }
    return value;
  }

  /**
   * {@code value} when {@code min <= value <= max}.
   *
   * @param name the setting's name, used in the messages
   * @param value the value to check
   * @param min the shortest duration accepted
   * @param max the longest duration accepted
   * @return {@code value}, unchanged
   * @throws NullPointerException naming the setting when {@code value} is null
   * @throws IllegalArgumentException if {@code value} is outside the range
   */
  public static Duration check(String name, Duration value, Duration min, Duration max) {
    Objects.requireNonNull(value, name);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + ", was " + value);
    }
    return value;
  }
}
