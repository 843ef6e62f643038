package io.coderunner.core.deploy;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a client asks for when it creates or replaces a deployment: everything but its id, owner,
 * status and times. Validated like {@link io.coderunner.core.Deployment}.
 *
 * @param name display name, 1 to 128 characters
 * @param command the executable and its arguments
 * @param env extra environment variables
 * @param workingDir directory to start in, or {@code null}
 */
public record DeploymentSpec(
    String name, List<String> command, Map<String, String> env, @Nullable String workingDir) {
  /**
   * Copies {@code command} and {@code env} into unmodifiable collections; the remaining checks
   * happen when a {@link io.coderunner.core.Deployment} is made from the spec.
   *
   * @param name display name
   * @param command the executable and its arguments
   * @param env extra environment variables
   * @param workingDir directory to start in, or {@code null}
   * @throws NullPointerException if {@code name}, {@code command} or {@code env} is null, or either
   *     collection holds a null
   */
  public DeploymentSpec {
    Objects.requireNonNull(name, "name");
    command = List.copyOf(command);
    env = Map.copyOf(env);
  }
}
