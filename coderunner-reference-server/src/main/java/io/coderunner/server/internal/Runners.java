package io.coderunner.server.internal;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.deploy.DeploymentRunner;
import io.coderunner.core.deploy.RunListener;
import io.coderunner.core.deploy.RunnerException;
import io.coderunner.server.ServerConfig;
import java.time.Duration;
import java.util.Set;

/** Where the server gets the runner that starts deployments' commands. */
public final class Runners {
  private Runners() {}

  /**
   * The process runner for {@code config}.
   *
   * <p>LOCAL-PROCESS-RUNNER: once {@code io.coderunner.core.deploy.LocalProcessRunner} is merged,
   * this body becomes the one line
   *
   * <pre>{@code
   * return new LocalProcessRunner(LocalRunnerConfig.builder()
   *     .allowedCommands(config.allowedCommands()).stopGrace(config.stopGrace()).build());
   * }</pre>
   *
   * (or its factory method), and {@link NotAvailable} goes away.
   */
  public static DeploymentRunner processRunner(ServerConfig config) {
    return new NotAvailable(config.allowedCommands());
  }

  /** Stands in for the local process runner until it is merged: every start is refused. */
  static final class NotAvailable implements DeploymentRunner {
    private final Set<String> allowed;

    NotAvailable(Set<String> allowed) {
      this.allowed = Set.copyOf(allowed);
    }

    @Override
    public void start(Deployment deployment, RunListener listener) {
      String executable = deployment.command().get(0);
      if (!allowed.contains(executable)) {
        throw new RunnerException(
            "command '" + executable + "' is not allowed (see CODERUNNER_ALLOWED_COMMANDS)");
      }
      throw new RunnerException("this build cannot run local processes yet");
    }

    @Override
    public void stop(DeploymentId id, Duration grace) {}

    @Override
    public boolean isRunning(DeploymentId id) {
      return false;
    }

    @Override
    public void close() {}
  }
}
