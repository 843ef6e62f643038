package io.coderunner.core;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where a transport learns which deployments exist and of every change to them, so that a client
 * can watch the deployments it may see without polling. {@code DeploymentService} is one.
 * Implementations are thread-safe.
 */
public interface DeploymentFeed {
  /**
   * Every deployment now, of every owner; the caller filters by its access policy.
   *
   * @return a snapshot, in no particular order
   */
  List<Deployment> all();

  /**
   * Calls {@code listener} with every change from now on until the returned watch is closed. For
   * one deployment the calls come in the order of its changes, on the thread that made the change,
   * after the change is visible through {@link #all()}; the listener must return quickly and not
   * block. An exception it throws is logged and dropped.
   *
   * @param listener what to call
   * @return the registration; closing it stops the calls
   */
  Watch watch(Consumer<DeploymentEvent> listener);

  /** A listener's registration with a {@link DeploymentFeed}. */
  interface Watch extends AutoCloseable {
    /** Stops the calls; idempotent. */
    @Override
    void close();
  }
}
