package io.coderunner.core.deploy;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
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
   * @return at most {@code limit} deployments, with the cursor of the next page if there are more
   * @throws IllegalArgumentException if {@code limit} is out of range
   */
  DeploymentPage list(@Nullable String ownerId, int limit, @Nullable String cursor);

  /**
   * Stores a new deployment.
   *
   * @param deployment the deployment to store
   * @throws IllegalStateException if one with its id exists
   */
  void insert(Deployment deployment);

  /**
   * Replaces a deployment atomically with {@code change} applied to its current value.
   *
   * @param id the deployment to change
   * @param change maps the current value to the new one; a store may call it more than once, so it
   *     should have no side effects
   * @return the new value, or empty if no deployment has this id
   */
  Optional<Deployment> update(DeploymentId id, UnaryOperator<Deployment> change);

  /**
   * Removes a deployment; whether it existed.
   *
   * @param id the deployment to remove
   * @return {@code true} if it existed and was removed
   */
  boolean delete(DeploymentId id);

  /**
   * Keeps {@code process} as the one running for its deployment, replacing any before it, until
   * {@link #processEnded}. A durable store makes it durable before it returns. The default keeps
   * nothing: a store that does not outlive the process has no use for it.
   *
   * @param process what the runner started
   */
  default void processStarted(ProcessRecord process) {}

  /**
   * Forgets the process of {@code id}: it ended, or what was left of it was stopped.
   *
   * @param id the deployment
   */
  default void processEnded(DeploymentId id) {}

  /**
   * The processes kept and not ended: after a restart, those an earlier service never saw end.
   *
   * @return them, in deployment id order
   */
  default List<ProcessRecord> processes() {
    return List.of();
  }

  /**
   * How many deployments {@code ownerId} has. The default pages through {@link #list}.
   *
   * @param ownerId the owner's {@link io.coderunner.core.Principal#id()}
   * @return the count; 0 for an owner without deployments
   */
  default long countOwnedBy(String ownerId) {
    long[] n = {0};
    eachPage(ownerId, items -> n[0] += items.size());
    return n[0];
  }

  /**
   * Every deployment of every owner. The default pages through {@link #list}.
   *
   * @return a snapshot, in the store's order
   */
  default List<Deployment> all() {
    List<Deployment> all = new ArrayList<>();
    eachPage(null, all::addAll);
    return all;
  }

  /** Hands each page of {@link #list} for {@code ownerId} (null: every owner) to {@code page}. */
  private void eachPage(@Nullable String ownerId, Consumer<List<Deployment>> page) {
    String cursor = null;
    do {
      DeploymentPage p = list(ownerId, 1000, cursor);
      page.accept(p.items());
      cursor = p.nextCursor();
    } while (cursor != null);
  }
}
