package io.coderunner.client.internal;

import io.coderunner.client.ConnectionState;
import io.coderunner.client.FollowEvent;
import io.coderunner.client.FollowListener;
import io.coderunner.core.LogLine;
import java.util.ArrayList;
import java.util.List;

/** Hands a follow's events to a {@link FollowListener}; the next frame is read once it returns. */
public final class ListenerSink implements Sink {
  private final FollowListener listener;

  public ListenerSink(FollowListener listener) {
    this.listener = listener;
  }

  @Override
  public void accept(List<FollowEvent> events, Runnable consumed) {
    List<LogLine> lines = new ArrayList<>();
    for (FollowEvent e : events) {
      if (e instanceof FollowEvent.Line l) {
        lines.add(l.line());
        continue;
      }
      flush(lines);
      if (e instanceof FollowEvent.Gap g) {
        listener.onGap(g.from(), g.to());
      } else if (e instanceof FollowEvent.Reset r) {
        listener.onReset(r.epoch(), r.firstAvailable());
      } else if (e instanceof FollowEvent.Status s) {
        listener.onStatus(s.status(), s.at());
      }
    }
    flush(lines);
    consumed.run();
  }

  private void flush(List<LogLine> lines) {
    if (!lines.isEmpty()) {
      listener.onLines(List.copyOf(lines));
      lines.clear();
    }
  }

  @Override
  public void state(ConnectionState state) {
    listener.onState(state);
  }
}
