package io.coderunner.core;

import java.util.Locale;
import java.util.Objects;

/**
 * A change to a deployment, as a {@link DeploymentFeed} reports it.
 *
 * @param kind what happened
 * @param deployment its value after the change; for {@link Kind#DELETED}, its last value
 */
public record DeploymentEvent(Kind kind, Deployment deployment) {
  /**
   * Validates the event.
   *
   * @param kind what happened
   * @param deployment the deployment's value
   * @throws NullPointerException if a component is null
   */
  public DeploymentEvent {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(deployment, "deployment");
  }

  /** What happened to a deployment. */
  public enum Kind {
    /** It was created. */
    CREATED,
    /** Its spec was replaced or its status changed. */
    UPDATED,
    /** It was deleted, with its log. */
    DELETED;

    /**
     * The name on the wire.
     *
     * @return the lower-case name, such as {@code created}
     */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
