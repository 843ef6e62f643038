package io.coderunner.core;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Where a deployment is in its lifecycle. The normal path is {@code created → starting → running →
 * stopping → stopped}; {@code failed} ends any step that went wrong, and {@code restarting} leads
 * back to {@code starting}. {@link #canTransitionTo} is the one place that says which change is
 * legal; a status change is also appended to the deployment's log as a {@link StreamKind#SYSTEM}
 * line so its order against the output is exact.
 */
public enum DeploymentStatus {
  CREATED,
  STARTING,
  RUNNING,
  STOPPING,
  STOPPED,
  FAILED,
  RESTARTING;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /** The lower-case name used on the wire. */
  public String wireName() {
    return wireName;
  }

  /** Whether a deployment in this status may move to {@code next}. */
  public boolean canTransitionTo(DeploymentStatus next) {
    return allowedNext().contains(next);
  }

  /** The statuses this one may move to. */
  public Set<DeploymentStatus> allowedNext() {
    return switch (this) {
      case CREATED -> EnumSet.of(STARTING, FAILED);
      case STARTING -> EnumSet.of(RUNNING, STOPPING, FAILED);
      case RUNNING -> EnumSet.of(STOPPING, STOPPED, FAILED, RESTARTING);
      case STOPPING -> EnumSet.of(STOPPED, FAILED);
      case STOPPED, FAILED -> EnumSet.of(STARTING, RESTARTING);
      case RESTARTING -> EnumSet.of(STARTING, STOPPING, FAILED);
    };
  }

  /** Whether a process may be running in this status. */
  public boolean isActive() {
    return this == STARTING || this == RUNNING || this == STOPPING || this == RESTARTING;
  }

  /**
   * Parses a wire name, case-insensitively.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static DeploymentStatus fromWire(String name) {
    for (DeploymentStatus status : values()) {
      if (status.wireName.equalsIgnoreCase(name)) {
        return status;
      }
    }
    throw new IllegalArgumentException(
        "status must be one of created, starting, running, stopping, stopped, failed, restarting");
  }
}
