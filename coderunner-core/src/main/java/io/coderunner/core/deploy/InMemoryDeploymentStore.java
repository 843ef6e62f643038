package io.coderunner.core.deploy;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/** A {@link DeploymentStore} in this JVM's heap; lost when the process ends. Thread-safe. */
public final class InMemoryDeploymentStore implements DeploymentStore {
  private final ConcurrentSkipListMap<DeploymentId, ProcessRecord> processes =
      new ConcurrentSkipListMap<>();
  private final ConcurrentSkipListMap<DeploymentId, Deployment> deployments =
      new ConcurrentSkipListMap<>();

  @Override
  public Optional<Deployment> find(DeploymentId id) {
    return Optional.ofNullable(deployments.get(id));
  }

  @Override
  public DeploymentPage list(@Nullable String ownerId, int limit, @Nullable String cursor) {
    if (limit < 1 || limit > 1000) {
      throw new IllegalArgumentException("limit must be between 1 and 1000, was " + limit);
    }
    Map<DeploymentId, Deployment> view =
        cursor == null ? deployments : deployments.tailMap(DeploymentId.of(cursor), false);
    List<Deployment> items = new ArrayList<>();
    boolean more = false;
    for (Deployment d : view.values()) {
      if (ownerId != null && !ownerId.equals(d.ownerId())) {
        continue;
      }
      if (items.size() == limit) {
        more = true;
        break;
      }
      items.add(d);
    }
    String next = more ? items.get(items.size() - 1).id().value() : null;
    return new DeploymentPage(items, next);
  }

  @Override
  public void insert(Deployment deployment) {
    if (deployments.putIfAbsent(deployment.id(), deployment) != null) {
      throw new IllegalStateException("deployment " + deployment.id() + " exists");
    }
  }

  @Override
  public Optional<Deployment> update(DeploymentId id, UnaryOperator<Deployment> change) {
    return Optional.ofNullable(deployments.computeIfPresent(id, (k, v) -> change.apply(v)));
  }

  @Override
  public boolean delete(DeploymentId id) {
    return deployments.remove(id) != null;
  }

  /** Kept for a service created again on this store in the same JVM. */
  @Override
  public void processStarted(ProcessRecord process) {
    processes.put(process.deploymentId(), process);
  }

  @Override
  public void processEnded(DeploymentId id) {
    processes.remove(id);
  }

  @Override
  public List<ProcessRecord> processes() {
    return List.copyOf(processes.values());
  }
}
