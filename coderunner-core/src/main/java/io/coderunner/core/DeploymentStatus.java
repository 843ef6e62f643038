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
  /** Created and never started; no process has run. */
  CREATED,
  /** A start was asked for; the runner is launching the process and has not reported it yet. */
  STARTING,
  /** The runner reported the process started; it runs until it exits or is stopped. */
  RUNNING,
  /** A stop was asked for; the process got SIGTERM and SIGKILL follows after the grace period. */
  STOPPING,
  /** The process exited with code 0, or exited because it was stopped. */
  STOPPED,
  /** The process could not be started, or exited with a non-zero code without being stopped. */
  FAILED,
  /**
   * A restart was asked for; the running process, if any, is being stopped, and the command starts
   * again once it has exited.
   */
  RESTARTING;

  private final String wireName = name().toLowerCase(Locale.ROOT);

  /**
   * The lower-case name used on the wire.
   *
   * @return the constant's name in lower case, such as {@code running}
   */
  public String wireName() {
    return wireName;
  }

  /**
   * Whether a deployment in this status may move to {@code next}.
   *
   * @param next the status to move to
   * @return {@code true} if {@link #allowedNext()} contains {@code next}
   */
  public boolean canTransitionTo(DeploymentStatus next) {
    return allowedNext().contains(next);
  }

  /**
   * The statuses this one may move to.
   *
   * @return a new, modifiable set on every call; never empty
   */
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

  /**
   * Whether a process may be running in this status. A deployment cannot be replaced or deleted
   * while it is active.
   *
   * @return {@code true} for {@link #STARTING}, {@link #RUNNING}, {@link #STOPPING} and {@link
   *     #RESTARTING}
   */
  public boolean isActive() {
    return this == STARTING || this == RUNNING || this == STOPPING || this == RESTARTING;
  }

  /**
   * Parses a wire name, case-insensitively.
   *
   * @param name a wire name such as {@code running}
   * @return the matching status
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
