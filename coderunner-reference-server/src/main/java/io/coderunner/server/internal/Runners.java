package io.coderunner.server.internal;

import io.coderunner.core.deploy.DeploymentRunner;
import io.coderunner.core.deploy.LocalProcessRunner;
import io.coderunner.core.deploy.LocalRunnerConfig;
import io.coderunner.server.ServerConfig;

/** Where the server gets the runner that starts deployments' commands. */
public final class Runners {
  private Runners() {}

  /** The local process runner, limited to the configured allowlist and stop grace. */
  public static DeploymentRunner processRunner(ServerConfig config) {
    return LocalProcessRunner.create(
        LocalRunnerConfig.builder()
            .allowedCommands(config.allowedCommands())
            .stopGrace(config.stopGrace())
            .build());
  }
}
