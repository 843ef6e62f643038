package io.coderunner.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler whose time moves only when a test says: {@code schedule} records the task and its
 * delay, {@link #runNext()} runs the oldest pending one. {@code execute} runs at once.
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {
  /** One scheduled task. */
  static final class Task implements ScheduledFuture<Object> {
    final Duration delay;
    final Runnable body;
    volatile boolean cancelled;
    volatile boolean done;

    Task(Duration delay, Runnable body) {
      this.delay = delay;
      this.body = body;
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed o) {
      return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean cancel(boolean mayInterrupt) {
      cancelled = true;
      return true;
    }

    @Override
    public boolean isCancelled() {
      return cancelled;
    }

    @Override
    public boolean isDone() {
      return done || cancelled;
    }

    @Override
    public Object get() {
      return null;
    }

    @Override
    public Object get(long timeout, TimeUnit unit) {
      return null;
    }
  }

  private final List<Task> pending = new ArrayList<>();
  private final List<Duration> delays = new ArrayList<>();
  private volatile boolean shutdown;

  /** The delays of every task scheduled so far, in order. */
  synchronized List<Duration> delays() {
    return List.copyOf(delays);
  }

  /** How many tasks wait, cancelled ones aside. */
  synchronized int pending() {
    return (int) pending.stream().filter(t -> !t.cancelled).count();
  }

  /** Runs the oldest task that is not cancelled; returns its delay. */
  Duration runNext() {
    Task next;
    synchronized (this) {
      pending.removeIf(t -> t.cancelled);
      if (pending.isEmpty()) {
        throw new IllegalStateException("nothing is scheduled");
      }
      next = pending.remove(0);
    }
    next.done = true;
    next.body.run();
    return next.delay;
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    Task t = new Task(Duration.ofNanos(unit.toNanos(delay)), command);
    synchronized (this) {
      pending.add(t);
      delays.add(t.delay);
    }
    return t;
  }

  @Override
  public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleAtFixedRate(Runnable c, long i, long p, TimeUnit u) {
    throw new UnsupportedOperationException();
  }

  @Override
  public ScheduledFuture<?> scheduleWithFixedDelay(Runnable c, long i, long d, TimeUnit u) {
    throw new UnsupportedOperationException();
  }

  @Override
  public void execute(Runnable command) {
    command.run();
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  @Override
  public List<Runnable> shutdownNow() {
    shutdown = true;
    return List.of();
  }

  @Override
  public boolean isShutdown() {
    return shutdown;
  }

  @Override
  public boolean isTerminated() {
    return shutdown;
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) {
    return true;
  }
}
