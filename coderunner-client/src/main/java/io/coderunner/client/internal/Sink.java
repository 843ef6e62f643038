package io.coderunner.client.internal;

import io.coderunner.client.ConnectionState;
import io.coderunner.client.FollowEvent;
import java.util.List;

/**
 * Where a follow's deliveries go: a listener, or a publisher's subscriber. The follow asks the
 * socket for its next frame only once {@code consumed} has run, so a sink that holds a frame until
 * its consumer wants it makes the server, not the client, hold what comes next.
 */
public interface Sink {
  /** One received frame's worth of events, in order; runs {@code consumed} once they are taken. */
  void accept(List<FollowEvent> events, Runnable consumed);

  /** The connection's state changed; a {@link ConnectionState.Closed} is the last call. */
  void state(ConnectionState state);
}
