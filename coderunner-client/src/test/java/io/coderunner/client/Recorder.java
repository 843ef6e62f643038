package io.coderunner.client;

import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogLine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A listener that keeps what a follow told, per epoch, and notes every break of the promise: a seq
 * that does not grow, or one that skips without a gap.
 */
class Recorder implements FollowListener {
  final List<ConnectionState> states = new CopyOnWriteArrayList<>();
  final List<String> violations = new CopyOnWriteArrayList<>();
  final List<long[]> gaps = new CopyOnWriteArrayList<>();
  final List<String> resets = new CopyOnWriteArrayList<>();
  final List<DeploymentStatus> statuses = new CopyOnWriteArrayList<>();
  private final List<List<Long>> epochs = new ArrayList<>();
  private long last;
  private volatile long count;

  Recorder() {
    epochs.add(new ArrayList<>());
  }

  @Override
  public synchronized void onLines(List<LogLine> lines) {
    List<Long> current = epochs.get(epochs.size() - 1);
    for (LogLine l : lines) {
      if (l.seq() <= last) {
        violations.add("seq " + l.seq() + " after " + last);
      } else if (last > 0 && l.seq() != last + 1) {
        violations.add("seq " + l.seq() + " after " + last + " without a gap");
      }
      last = l.seq();
      current.add(l.seq());
    }
    count += lines.size();
  }

  @Override
  public synchronized void onGap(long from, long to) {
    if (last > 0 && from != last + 1) {
      violations.add("gap from " + from + " after " + last);
    }
    gaps.add(new long[] {from, to});
    last = to;
  }

  @Override
  public synchronized void onReset(String epoch, long firstAvailable) {
    resets.add(epoch);
    epochs.add(new ArrayList<>());
    last = firstAvailable - 1;
  }

  @Override
  public void onStatus(DeploymentStatus status, Instant at) {
    statuses.add(status);
  }

  @Override
  public void onState(ConnectionState state) {
    states.add(state);
  }

  synchronized long last() {
    return last;
  }

  long count() {
    return count;
  }

  synchronized List<Long> epoch(int i) {
    return List.copyOf(epochs.get(i));
  }

  /** The causes of every reconnect, in order. */
  List<String> dropCauses() {
    List<String> out = new ArrayList<>();
    for (ConnectionState s : states) {
      if (s instanceof ConnectionState.Reconnecting r) {
        out.add(r.cause());
      }
    }
    return out;
  }

  boolean isLive() {
    return !states.isEmpty() && states.get(states.size() - 1) instanceof ConnectionState.Live;
  }
}
