package io.coderunner.client.examples;

import io.coderunner.client.CodeRunnerClient;
import io.coderunner.client.ConnectionState;
import io.coderunner.client.FollowListener;
import io.coderunner.client.FollowOptions;
import io.coderunner.client.LogFollow;
import io.coderunner.client.Position;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogLine;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/** docs/client.md, "Follow a log, and resume later". */
public final class FollowExample {
  private FollowExample() {}

  /** Follows from {@code from} (or the start) until {@code stop} opens; the position then. */
  static Optional<Position> run(
      CodeRunnerClient client,
      DeploymentId id,
      Optional<Position> from,
      Consumer<LogLine> onLine,
      CountDownLatch stop)
      throws InterruptedException {
    // example:start
    FollowOptions options = from.map(FollowOptions::after).orElse(FollowOptions.fromStart());
    FollowListener listener =
        new FollowListener() {
          @Override
          public void onLines(List<LogLine> lines) {
            lines.forEach(onLine); // each line once, in order, across reconnects
          }

          @Override
          public void onGap(long fromSeq, long toSeq) {
            System.out.println("retention dropped " + fromSeq + ".." + toSeq);
          }

          @Override
          public void onReset(String epoch, long firstAvailable) {
            System.out.println("the log restarted (epoch " + epoch + "): what follows is new");
          }

          @Override
          public void onState(ConnectionState state) {
            System.err.println(state);
          }
        };
    try (LogFollow follow = client.follow(id, options, listener)) {
      stop.await(); // the application's work goes on meanwhile
      return follow.position(); // keep it, and pass it to FollowOptions.after next time
    }
    // example:end
  }
}
