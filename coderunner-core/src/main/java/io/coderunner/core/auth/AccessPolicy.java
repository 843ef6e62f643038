package io.coderunner.core.auth;

import io.coderunner.core.AccessDeniedException;
import io.coderunner.core.Deployment;
import io.coderunner.core.PermissionDeniedException;
import io.coderunner.core.Principal;

/**
 * Decides which principal may create deployments and see or change which deployment. Every path
 * (REST, WebSocket subscribe, Server-Sent Events, history, stats, and a host calling {@link
 * io.coderunner.core.deploy.DeploymentService} directly) asks the same policy, so isolation holds
 * everywhere or nowhere.
 *
 * <p>Use {@link #ownerOrAdmin()}: a principal with role {@value Principal#DEPLOYER} may create
 * deployments and manage its own, anyone may read its own, and a principal with role {@value
 * Principal#ADMIN} may read and manage every one. Implementations must be thread-safe and fast:
 * they are asked on every request and every subscribe, and must not do I/O.
 */
public interface AccessPolicy {

  /**
   * Whether {@code principal} may see {@code deployment}: its details, log, history and stats.
   *
   * @param principal who asks
   * @param deployment the deployment to see
   * @return {@code true} if reading is allowed
   */
  boolean canRead(Principal principal, Deployment deployment);

  /**
   * Whether {@code principal} may change {@code deployment}: replace, delete, start, stop, restart
   * and append lines to its log.
   *
   * @param principal who asks
   * @param deployment the deployment to change
   * @return {@code true} if changing is allowed
   */
  boolean canManage(Principal principal, Deployment deployment);

  /**
   * Whether {@code principal} may create deployments.
   *
   * @param principal who asks
   * @return {@code true} if creating is allowed
   */
  boolean canDeploy(Principal principal);

  /**
   * Whether {@code principal} may list and read every deployment, not only its own.
   *
   * @param principal who asks
   * @return {@code true} if it sees every deployment; {@code false} limits it to its own
   */
  boolean canReadAll(Principal principal);

  /**
   * Returns normally if {@code principal} may read {@code deployment}.
   *
   * @param principal who asks
   * @param deployment the deployment to see
   * @throws AccessDeniedException otherwise; its message names the deployment, not its owner
   */
  default void requireRead(Principal principal, Deployment deployment) {
    if (!canRead(principal, deployment)) {
      throw new AccessDeniedException(
          deployment.id(), "not allowed to read deployment " + deployment.id());
    }
  }

  /**
   * Returns normally if {@code principal} may manage {@code deployment}.
   *
   * @param principal who asks
   * @param deployment the deployment to change
   * @throws AccessDeniedException if it may not even read it (so that REST answers as if it did not
   *     exist); its message names the deployment, not its owner
   * @throws PermissionDeniedException if it may read but not change it
   */
  default void requireManage(Principal principal, Deployment deployment) {
    if (!canManage(principal, deployment)) {
      if (!canRead(principal, deployment)) {
        throw new AccessDeniedException(
            deployment.id(), "not allowed to manage deployment " + deployment.id());
      }
      throw new PermissionDeniedException(
          "not allowed to change deployment " + deployment.id() + ": needs role deployer or admin");
    }
  }

  /**
   * Returns normally if {@code principal} may create deployments.
   *
   * @param principal who asks
   * @throws PermissionDeniedException otherwise
   */
  default void requireDeploy(Principal principal) {
    if (!canDeploy(principal)) {
      throw new PermissionDeniedException(
          "not allowed to create deployments: needs role deployer or admin");
    }
  }

  /**
   * The policy CodeRunner uses everywhere: the owner may read a deployment, and manage it if it has
   * role {@value Principal#DEPLOYER}; a principal with role {@value Principal#ADMIN} may read and
   * manage every deployment and list all; only a deployer or an admin may create one. Stateless and
   * shared.
   *
   * @return the shared policy instance
   */
  static AccessPolicy ownerOrAdmin() {
    return OwnerOrAdminPolicy.INSTANCE;
  }
}
