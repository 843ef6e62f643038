package io.coderunner.client.examples;

import io.coderunner.client.CodeRunnerClient;
import io.coderunner.client.ConflictException;
import io.coderunner.core.Deployment;
import io.coderunner.core.deploy.DeploymentSpec;
import java.util.List;
import java.util.Map;

/** docs/client.md, "Create and start a deployment". */
public final class CreateAndStartExample {
  private CreateAndStartExample() {}

  static Deployment run(CodeRunnerClient client) {
    // example:start
    Deployment d =
        client.create(
            new DeploymentSpec(
                "hello",
                List.of("sh", "-c", "echo hello; sleep 30"),
                Map.of("MODE", "demo"),
                null));
    Deployment started = client.start(d.id()); // 202: starting, then running
    try {
      client.start(d.id());
    } catch (ConflictException e) {
      System.out.println("already started: " + e.problem().detail());
    }
    // example:end
    return started;
  }
}
