package io.coderunner.client;

import java.util.Map;
import java.util.Objects;

/**
 * A health answer: the overall status and each component's. A {@code DOWN} server answers 503 with
 * this body; the client returns it rather than throwing.
 *
 * @param status {@code UP}, {@code DEGRADED} or {@code DOWN}
 * @param components each component's status and details, by name
 */
public record Health(String status, Map<String, Component> components) {
  /**
   * Copies {@code components}.
   *
   * @param status the overall status
   * @param components the components by name
   */
  public Health {
    Objects.requireNonNull(status, "status");
    components = Map.copyOf(components);
  }

  /**
   * Whether the status is {@code UP} or {@code DEGRADED}.
   *
   * @return {@code true} unless {@code DOWN}
   */
  public boolean isServing() {
    return !"DOWN".equals(status);
  }

  /**
   * One component of a health answer.
   *
   * @param status its status
   * @param details what it reported, as JSON values (strings, numbers, booleans, maps, lists)
   */
  public record Component(String status, Map<String, Object> details) {
    /**
     * Copies {@code details}.
     *
     * @param status its status
     * @param details what it reported
     */
    public Component {
      Objects.requireNonNull(status, "status");
      details = Map.copyOf(details);
    }
  }
}
