package io.coderunner.server.internal;

import io.coderunner.core.deploy.DeploymentRunner;
import io.coderunner.core.deploy.LocalProcessRunner;
import io.coderunner.server.ServerConfig;

/** Where the server gets the runner that starts deployments' commands. */
public final class Runners {
  private Runners() {}

  /**
   * The local process runner as configured, cutting output lines where the log store would: one
   * line limit, {@code retention.maxLineBytes}, for ingested and printed lines alike.
   */
  public static DeploymentRunner processRunner(ServerConfig config) {
    return LocalProcessRunner.create(
        config.runner().toBuilder().maxLineBytes(config.retention().maxLineBytes()).build());
  }
}
