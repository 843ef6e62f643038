package io.coderunner.core.follow;

import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * The thread a {@link Follower}'s connection lives on (an I/O thread, say), as the follower needs
 * it: to run the owner's drain soon when a subscription has something to send, and later, once the
 * thread has served the I/O waiting for it, when the follower cut its turn short.
 *
 * <p>The two differ on a thread that runs all its queued tasks before it looks at its sockets again
 * (Undertow's XNIO I/O threads do): a connection that gave its turn back by queueing a task would
 * run again before any socket is read, and one busy connection would starve every other
 * connection's reads. Neither method may throw: an owner whose thread is gone closes the connection
 * instead.
 */
public interface OwnerThread {
  /**
   * Runs {@code task} on the owner's thread, soon.
   *
   * @param task what to run; typically the follower's drain
   */
  void execute(Runnable task);

  /**
   * Runs {@code task} on the owner's thread after it has served its pending I/O (for an XNIO
   * thread: after its next select, with {@code executeAfter} and the shortest delay).
   *
   * @param task what to run; typically the follower's drain after it gave its turn back
   */
  void executeAfterIo(Runnable task);

  /**
   * An owner thread from its two ways of running a task.
   *
   * @param soon runs a task on the owner's thread soon; backs {@link #execute}
   * @param afterIo runs a task on the owner's thread after its pending I/O; backs {@link
   *     #executeAfterIo}
   * @return an owner thread delegating to the two executors
   * @throws NullPointerException if either executor is null
   */
  static OwnerThread of(Executor soon, Executor afterIo) {
    Objects.requireNonNull(soon, "soon");
    Objects.requireNonNull(afterIo, "afterIo");
    return new OwnerThread() {
      @Override
      public void execute(Runnable task) {
        soon.execute(task);
      }

      @Override
      public void executeAfterIo(Runnable task) {
        afterIo.execute(task);
      }
    };
  }
}
