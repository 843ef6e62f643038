package io.coderunner.client.examples;

import io.coderunner.client.CodeRunnerClient;
import io.coderunner.client.Position;
import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogLine;
import io.coderunner.core.Principal;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/** Lets the client's tests run the examples. */
public final class ExamplesAccess {
  private ExamplesAccess() {}

  public static Principal login(URI server, String user, char[] password) {
    return LoginExample.run(server, user, password);
  }

  public static Deployment createAndStart(CodeRunnerClient client) {
    return CreateAndStartExample.run(client);
  }

  public static List<LogLine> history(CodeRunnerClient client, DeploymentId id) {
    return HistoryExample.run(client, id);
  }

  public static Optional<Position> follow(
      CodeRunnerClient client,
      DeploymentId id,
      Optional<Position> from,
      Consumer<LogLine> onLine,
      CountDownLatch stop)
      throws InterruptedException {
    return FollowExample.run(client, id, from, onLine, stop);
  }
}
