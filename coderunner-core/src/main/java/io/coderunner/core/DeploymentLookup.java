package io.coderunner.core;

import java.util.Optional;

/**
 * Finds a deployment by id, so that a transport can ask the {@code AccessPolicy} whether a
 * principal may see it. Implementations are thread-safe and fast (an in-memory map or a cache):
 * transports call it on every subscribe and history read.
 */
@FunctionalInterface
public interface DeploymentLookup {
  /**
   * Finds the deployment with this id.
   *
   * @param id the deployment to find
   * @return the deployment, or empty if none exists with this id
   */
  Optional<Deployment> find(DeploymentId id);
}
