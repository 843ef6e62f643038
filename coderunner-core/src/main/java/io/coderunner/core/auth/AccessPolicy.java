package io.coderunner.core.auth;

import io.coderunner.core.AccessDeniedException;
import io.coderunner.core.Deployment;
import io.coderunner.core.Principal;

/**
 * Decides which principal may see or change which deployment. Every path (REST, WebSocket
 * subscribe, history, stats) asks the same policy, so isolation holds everywhere or nowhere.
 *
 * <p>Use {@link #ownerOrAdmin()}: the owner of a deployment, or a principal with role {@value
 * Principal#ADMIN}, may read and manage it. Implementations must be thread-safe and fast: they are
 * asked on every request and every subscribe, and must not do I/O.
 */
public interface AccessPolicy {

  /** Whether {@code principal} may see {@code deployment}: its details, log, history and stats. */
  boolean canRead(Principal principal, Deployment deployment);

  /** Whether {@code principal} may change {@code deployment}: replace, delete, start, stop. */
  boolean canManage(Principal principal, Deployment deployment);

  /** Whether {@code principal} may list and read every deployment, not only its own. */
  boolean canReadAll(Principal principal);

  /**
   * Returns normally if {@code principal} may read {@code deployment}.
   *
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
   * @throws AccessDeniedException otherwise; its message names the deployment, not its owner
   */
  default void requireManage(Principal principal, Deployment deployment) {
    if (!canManage(principal, deployment)) {
      throw new AccessDeniedException(
          deployment.id(), "not allowed to manage deployment " + deployment.id());
    }
  }

  /**
   * The policy CodeRunner uses everywhere: the owner or a principal with role {@value
   * Principal#ADMIN} may read and manage a deployment; only an admin may read all. Stateless and
   * shared.
   */
  static AccessPolicy ownerOrAdmin() {
    return OwnerOrAdminPolicy.INSTANCE;
  }
}
