package io.coderunner.server;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.deploy.DeploymentRunner;
import io.coderunner.core.deploy.RunListener;
import io.coderunner.core.deploy.RunnerException;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A runner that starts nothing: a start reports the process running at once, a stop reports it
 * exited at once, and a test prints lines with {@link #print}. A command {@code fail} cannot start;
 * a start of command {@code hold} waits until {@link #gate} opens, so a test sees it in flight.
 */
final class FakeRunner implements DeploymentRunner {
  private final ConcurrentHashMap<DeploymentId, RunListener> running = new ConcurrentHashMap<>();
  volatile boolean closed;
  final java.util.concurrent.CountDownLatch gate = new java.util.concurrent.CountDownLatch(1);

  @Override
  public void start(Deployment deployment, RunListener listener) {
    if (deployment.command().get(0).equals("fail")) {
      throw new RunnerException("command 'fail' is not allowed");
    }
    if (deployment.command().get(0).equals("hold")) {
      try {
        if (!gate.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
          throw new RunnerException("the test never opened the gate");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RunnerException("interrupted");
      }
    }
    running.put(deployment.id(), listener);
    listener.started(4242);
  }

  @Override
  public void stop(DeploymentId id, Duration grace) {
    RunListener l = running.remove(id);
    if (l != null) {
      l.exited(143, true);
    }
  }

  @Override
  public boolean isRunning(DeploymentId id) {
    return running.containsKey(id);
  }

  void print(DeploymentId id, LogEntry entry) {
    RunListener l = running.get(id);
    if (l == null) {
      throw new IllegalStateException(id + " is not running");
    }
    l.line(entry);
  }

  @Override
  public void close() {
    closed = true;
    for (DeploymentId id : running.keySet()) {
      stop(id, Duration.ZERO);
    }
  }
}
