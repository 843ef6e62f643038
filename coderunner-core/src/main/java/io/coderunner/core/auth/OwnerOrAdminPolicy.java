package io.coderunner.core.auth;

import io.coderunner.core.Deployment;
import io.coderunner.core.Principal;

/** {@link AccessPolicy#ownerOrAdmin()}. */
enum OwnerOrAdminPolicy implements AccessPolicy {
  INSTANCE;

  @Override
  public boolean canRead(Principal principal, Deployment deployment) {
    return principal.isAdmin() || deployment.isOwnedBy(principal);
  }

  @Override
  public boolean canManage(Principal principal, Deployment deployment) {
    return principal.isAdmin()
        || (deployment.isOwnedBy(principal) && principal.hasRole(Principal.DEPLOYER));
  }

  @Override
  public boolean canDeploy(Principal principal) {
    return principal.isAdmin() || principal.hasRole(Principal.DEPLOYER);
  }

  @Override
  public boolean canReadAll(Principal principal) {
    return principal.isAdmin();
  }

  @Override
  public String toString() {
    return "AccessPolicy.ownerOrAdmin()";
  }
}
