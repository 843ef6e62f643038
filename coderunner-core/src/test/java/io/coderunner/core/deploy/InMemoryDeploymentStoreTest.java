package io.coderunner.core.deploy;

/** The in-memory store against {@link DeploymentStoreContract}. */
class InMemoryDeploymentStoreTest extends DeploymentStoreContract {
  @Override
  protected DeploymentStore newStore() {
    return new InMemoryDeploymentStore();
  }
}
