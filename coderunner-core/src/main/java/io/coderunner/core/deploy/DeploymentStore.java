package io.coderunner.core.deploy;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentLookup;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Where deployments live: the SPI a host replaces to keep them in its own database. Thread-safe.
 * The in-memory default is {@link InMemoryDeploymentStore}.
 */
public interface DeploymentStore extends DeploymentLookup {

  @Override
  Optional<Deployment> find(DeploymentId id);

  /**
   * Deployments ordered by id, after {@code cursor}.
   *
   * @param ownerId only this owner's deployments, or {@code null} for all
   * @param limit 1 to 1,000
   * @param cursor from a previous page's {@link DeploymentPage#nextCursor()}, or {@code null}
   */
  DeploymentPage list(@Nullable String ownerId, int limit, @Nullable String cursor);

  /**
   * Stores a new deployment.
   *
   * @throws IllegalStateException if one with its id exists
   */
  void insert(Deployment deployment);

  /**
   * Replaces a deployment atomically with {@code change} applied to its current value.
   *
   * @return the new value, or empty if no deployment has this id
   */
  Optional<Deployment> update(DeploymentId id, UnaryOperator<Deployment> change);

  /** Removes a deployment; whether it existed. */
  boolean delete(DeploymentId id);

  /** How many deployments {@code ownerId} has. The default pages through {@link #list}. */
  default long countOwnedBy(String ownerId) {
    long n = 0;
    String cursor = null;
    do {
      DeploymentPage page = list(ownerId, 1000, cursor);
      n += page.items().size();
      cursor = page.nextCursor();
    } while (cursor != null);
    return n;
  }
}
