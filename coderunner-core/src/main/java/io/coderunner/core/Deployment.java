package io.coderunner.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A deployment: a named command that an owner runs, and its current status. Immutable; a change
 * makes a new instance ({@link #withStatus}).
 *
 * @param id its id
 * @param name display name, 1 to 128 characters
 * @param ownerId the {@link Principal#id()} of its owner
 * @param command the executable and its arguments; at least one element, none blank
 * @param env extra environment variables; copied, unmodifiable
 * @param workingDir directory to start in, or {@code null} for the runner's default
 * @param status current status
 * @param createdAt when it was created
 * @param updatedAt when it last changed
 */
public record Deployment(
    DeploymentId id,
    String name,
    String ownerId,
    List<String> command,
    Map<String, String> env,
    @Nullable String workingDir,
    DeploymentStatus status,
    Instant createdAt,
    Instant updatedAt) {

  /** Longest name accepted, in characters. */
  public static final int MAX_NAME_LENGTH = 128;

  /**
   * Validates and copies the components.
   *
   * @param id its id
   * @param name display name, 1 to {@value #MAX_NAME_LENGTH} characters, not blank
   * @param ownerId the owner's {@link Principal#id()}; not blank
   * @param command the executable and its arguments; copied, at least one element, none blank
   * @param env extra environment variables; copied, names non-empty without {@code =} or NUL
   * @param workingDir directory to start in, or {@code null}; not blank when given
   * @param status current status
   * @param createdAt when it was created
   * @param updatedAt when it last changed; not before {@code createdAt}
   * @throws NullPointerException if a component other than {@code workingDir} is null, or {@code
   *     command} or {@code env} holds a null
   * @throws IllegalArgumentException if the name is blank or too long, the owner id is blank, the
   *     command is empty or has a blank element, an env name is empty or holds {@code =} or NUL,
   *     the working directory is blank, or {@code updatedAt} is before {@code createdAt}
   */
  public Deployment {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(ownerId, "ownerId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(updatedAt, "updatedAt");
    if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException(
          "name must be 1-" + MAX_NAME_LENGTH + " characters and not blank");
    }
    if (ownerId.isBlank()) {
      throw new IllegalArgumentException("ownerId must not be blank");
    }
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("command must have at least one element");
    }
    for (String part : command) {
      if (part.isBlank()) {
        throw new IllegalArgumentException("command elements must not be blank");
      }
    }
    env = Map.copyOf(env);
    for (String key : env.keySet()) {
      if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0) {
        throw new IllegalArgumentException("env names must be non-empty without '=' or NUL");
      }
    }
    if (workingDir != null && workingDir.isBlank()) {
      throw new IllegalArgumentException("workingDir must not be blank when given");
    }
    if (updatedAt.isBefore(createdAt)) {
      throw new IllegalArgumentException("updatedAt must not be before createdAt");
    }
  }

  /**
   * The same deployment in status {@code next}.
   *
   * @param next the status to move to
   * @param at when the change happens; becomes {@link #updatedAt()}, so it must not be before
   *     {@link #createdAt()}
   * @return a new instance; this one is unchanged
   * @throws IllegalStateException if the lifecycle does not allow the change
   */
  public Deployment withStatus(DeploymentStatus next, Instant at) {
    if (!status.canTransitionTo(next)) {
      throw new IllegalStateException(
          "deployment " + id + " cannot go from " + status.wireName() + " to " + next.wireName());
    }
    return new Deployment(id, name, ownerId, command, env, workingDir, next, createdAt, at);
  }

  /**
   * Whether {@code principal} owns this deployment, by comparing its {@link Principal#id()} with
   * {@link #ownerId()}. Roles are not considered; an admin who is not the owner gets {@code false}.
   *
   * @param principal who asks
   * @return {@code true} if the principal is the owner
   */
  public boolean isOwnedBy(Principal principal) {
    return ownerId.equals(principal.id());
  }
}
