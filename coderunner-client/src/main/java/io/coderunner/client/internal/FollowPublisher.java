package io.coderunner.client.internal;

import io.coderunner.client.ClientException;
import io.coderunner.client.ConnectionState;
import io.coderunner.client.FollowEvent;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A follow as a {@link Flow.Publisher} with real demand: it holds at most the events of one
 * received frame, hands them out as the subscriber requests, and reads the next frame only when
 * they are all taken. A subscriber that requests slowly leaves the rest on the server, where the
 * follow falls behind (catch-up, then 4008 and a resume). One subscriber per publisher.
 */
public final class FollowPublisher implements Flow.Publisher<FollowEvent> {
  private final Function<Sink, Follower> follow;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  public FollowPublisher(Function<Sink, Follower> follow) {
    this.follow = follow;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super FollowEvent> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(
          new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
      subscriber.onError(new IllegalStateException("a follow publisher has one subscriber"));
      return;
    }
    Demand d = new Demand(subscriber);
    Follower f = follow.apply(d);
    d.follower = f;
    subscriber.onSubscribe(d);
    f.start();
  }

  /** The subscription: the demand, the one frame's events, and the terminal signal. */
  private static final class Demand implements Flow.Subscription, Sink {
    private final Flow.Subscriber<? super FollowEvent> subscriber;
    private volatile @Nullable Follower follower;
    // guarded by this
    private final ArrayDeque<FollowEvent> held = new ArrayDeque<>();
    private @Nullable Runnable whenTaken;
    private long demand;
    private boolean draining;
    private boolean done;
    private ConnectionState.@Nullable Closed closed;

    Demand(Flow.Subscriber<? super FollowEvent> subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        cancel();
        signalError(new IllegalArgumentException("request must be positive, was " + n));
        return;
      }
      synchronized (this) {
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      }
      drain();
    }

    @Override
    public void cancel() {
      synchronized (this) {
        done = true;
        held.clear();
      }
      Follower f = follower;
      if (f != null) {
        f.close();
      }
    }

    @Override
    public void accept(List<FollowEvent> events, Runnable consumed) {
      synchronized (this) {
        held.addAll(events);
        whenTaken = consumed;
      }
      drain();
    }

    @Override
    public void state(ConnectionState state) {
      if (state instanceof ConnectionState.Closed c) {
        synchronized (this) {
          closed = c;
        }
        drain();
      }
    }

    /** Hands out what demand allows, one drainer at a time; then the terminal signal, if due. */
    private void drain() {
      while (true) {
        FollowEvent next = null;
        Runnable taken = null;
        ConnectionState.@Nullable Closed end = null;
        synchronized (this) {
          if (draining || done) {
            return;
          }
          if (demand > 0 && !held.isEmpty()) {
            next = held.poll();
            demand--;
          } else if (held.isEmpty() && whenTaken != null) {
            taken = whenTaken;
            whenTaken = null;
          } else if (held.isEmpty() && closed != null) {
            end = closed;
            done = true;
          } else {
            return;
          }
          draining = true;
        }
        try {
          if (next != null) {
            subscriber.onNext(next);
          } else if (taken != null) {
            taken.run();
          } else if (end != null) {
            terminate(end);
          }
        } finally {
          synchronized (this) {
            draining = false;
          }
        }
      }
    }

    private void terminate(ConnectionState.Closed end) {
      switch (end.reason()) {
        case CLOSED, DELETED -> subscriber.onComplete();
        default ->
            subscriber.onError(
                new ClientException("the follow ended: " + end.reason() + ": " + end.detail()));
      }
    }

    private void signalError(Throwable t) {
      subscriber.onError(t);
    }
  }
}
