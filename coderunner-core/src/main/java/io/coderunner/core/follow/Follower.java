package io.coderunner.core.follow;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentNotFoundException;
import io.coderunner.core.delivery.ResumeOutcome;
import io.coderunner.core.log.CursorLag;
import io.coderunner.core.log.CursorListener;
import io.coderunner.core.log.CursorOpening;
import io.coderunner.core.log.LogCursor;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.LogInfo;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.StartPosition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/**
 * One connection's subscriptions, followed onto its transport: the policy WebSocket and Server-Sent
 * Events share. The transport only turns the {@link FollowEvent}s this hands out into bytes and
 * writes them.
 *
 * <ul>
 *   <li><b>Batching.</b> Each subscription is a cursor into the shared log. A read takes at most
 *       {@link FollowConfig#maxBatchLines()} lines and {@link FollowConfig#maxBatchBytes()}; a
 *       subscriber that fell behind catches up in larger batches from the shared log, never from
 *       memory of its own.
 *   <li><b>Filters and status.</b> The cursor reads every line and the subscription's filter is
 *       applied here, so a status change always comes through as a {@link FollowEvent.Status},
 *       right after the batch that holds its line. A filtered {@linkplain StartPosition.Tail tail}
 *       is found by searching backwards in slices, then read forwards.
 *   <li><b>Turns.</b> Lines read in one turn of the connection's thread, whether they pass the
 *       filter or not, are bounded by {@link FollowConfig#maxScanLinesPerTurn()} and {@link
 *       FollowConfig#maxScanBytesPerTurn()}; then {@link #next()} returns {@code null} and the
 *       follower asks for a new turn itself. So one connection's filtered replay of a whole log
 *       goes in slices and never holds the thread its neighbours share. Subscriptions take turns
 *       round-robin.
 *   <li><b>Signals.</b> Every cursor's signal, and every new turn asked for, becomes at most one
 *       pending task on the owner's thread, which runs {@code onReady}; a turn cut short asks for
 *       its next one only after the thread has served its pending I/O ({@link
 *       OwnerThread#executeAfterIo}).
 *   <li><b>Bounds.</b> {@link #check(Instant)} says whether the token has expired or a subscription
 *       stays behind past {@link FollowConfig#maxLagTime()} or {@link FollowConfig#maxLagBytes()},
 *       measured with the injected clock. Replaying history is not lagging: until a subscription
 *       passes the head its log had when it opened, only the time the replay takes counts.
 * </ul>
 *
 * <h2>Use</h2>
 *
 * <pre>{@code
 * Follower follower = Follower.create(config, store, clock, ownerThread, this::drain);
 * follower.open(id, StartPosition.tail(100), filter);
 *
 * void drain() {                       // on the owner's thread
 *   follower.beginTurn();
 *   while (socketAcceptsMore()) {
 *     FollowEvent event = follower.next();
 *     if (event == null) {
 *       break;                         // onReady runs again when there is more
 *     }
 *     write(event);
 *   }
 * }
 * }</pre>
 *
 * <h2>Threads</h2>
 *
 * <p>One owner thread, the connection's, calls {@link #open}, {@link #close(DeploymentId)}, {@link
 * #beginTurn()}, {@link #next()}, {@link #isCaughtUp()} and {@link #close()}; the {@link
 * OwnerThread} runs {@code onReady} on that thread. {@link #check(Instant)} is called by one thread
 * at a time (a housekeeping thread, or the owner), concurrently with the owner. {@link
 * #isFollowing}, {@link #size()}, {@link #follows()} and {@link #expireAt} may be called from any
 * thread.
 */
public final class Follower implements AutoCloseable {
  private static final Follow[] NONE = new Follow[0];

  private final FollowConfig config;
  private final LogStore store;
  private final Clock clock;
  private final OwnerThread owner;
  private final Runnable wakeTask;
  private final AtomicBoolean wakeScheduled = new AtomicBoolean();
  private final CursorListener listener = cursor -> wake();

  /** Copy-on-write: replaced by the owner only, read by any thread. */
  private volatile Follow[] follows = NONE;

  /** When the connection's token stops being valid, or null. */
  private volatile @Nullable Instant expiry;

  // Owner thread only.
  private int current;
  private long linesLeft;
  private long bytesLeft;
  private boolean caughtUp = true;
  private boolean closed;

  private Follower(
      FollowConfig config, LogStore store, Clock clock, OwnerThread owner, Runnable onReady) {
    this.config = config;
    this.store = store;
    this.clock = clock;
    this.owner = owner;
    this.wakeTask =
        () -> {
          wakeScheduled.set(false);
          beginTurn(); // a task of its own is a new turn, whatever the transport does
          onReady.run();
        };
    beginTurn();
  }

  /**
   * A follower with no subscriptions.
   *
   * @param config batch sizes, turn budgets and lag bounds
   * @param store the logs to follow
   * @param clock measures how long a replay takes and when a subscription opened, for {@link
   *     #check}
   * @param owner runs {@code onReady} on the owner's thread: soon when a subscription has something
   *     to send, after the thread's pending I/O when a turn was cut short
   * @param onReady the owner's drain
   * @return a new follower
   * @throws NullPointerException if any argument is null
   */
  public static Follower create(
      FollowConfig config, LogStore store, Clock clock, OwnerThread owner, Runnable onReady) {
    return new Follower(
        Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(store, "store"),
        Objects.requireNonNull(clock, "clock"),
        Objects.requireNonNull(owner, "owner"),
        Objects.requireNonNull(onReady, "onReady"));
  }

  FollowConfig config() {
    return config;
  }

  // ------------------------------------------------------------------ subscriptions (owner)

  /**
   * Follows {@code id} from {@code start}; its first event is {@link FollowEvent.Opened}. The
   * caller checks access first.
   *
   * @param id the deployment whose log to follow
   * @param start where to start: after a seq (a resume), a tail of history, or live
   * @param filter the lines to hand out; status changes come through whatever it is
   * @throws DeploymentNotFoundException if the store has no log for {@code id}
   * @throws IllegalStateException if already following {@code id}, or closed
   */
  public void open(DeploymentId id, StartPosition start, LogFilter filter) {
    if (closed) {
      throw new IllegalStateException("the follower is closed");
    }
    if (isFollowing(id)) {
      throw new IllegalStateException("already following " + id);
    }
    LogInfo info = store.info(id).orElseThrow(() -> new DeploymentNotFoundException(id));
    Instant now = clock.instant();
    Follow follow;
    if (start instanceof StartPosition.Tail tail && tail.lines() > 0 && !filter.isAll()) {
      follow =
          Follow.seeking(
              id, filter, info.lastSeq(), now, new TailSeek(store, filter, tail.lines(), info));
    } else {
      LogCursor cursor = store.subscribe(id, start, LogFilter.all(), listener);
      follow = Follow.reading(id, filter, info.lastSeq(), now, cursor);
      follow.ready.add(
          new FollowEvent.Opened(id, cursor.opening(), resumeOutcome(start, cursor.opening())));
    }
    Follow[] fs = follows;
    Follow[] grown = Arrays.copyOf(fs, fs.length + 1);
    grown[fs.length] = follow;
    follows = grown;
    caughtUp = false;
    wake();
  }

  private static @Nullable ResumeOutcome resumeOutcome(StartPosition start, CursorOpening o) {
    if (!(start instanceof StartPosition.After after)) {
      return null;
    }
    if (o.reset()) {
      return ResumeOutcome.RESET;
    }
    return after.next() < o.firstAvailable() ? ResumeOutcome.GAP : ResumeOutcome.CONTINUED;
  }

  /**
   * Stops following {@code id}; nothing more of it is handed out, not even what was read already.
   *
   * @param id the deployment to stop following
   * @return whether it was followed
   */
  public boolean close(DeploymentId id) {
    Follow[] fs = follows;
    for (int i = 0; i < fs.length; i++) {
      if (fs[i].id.equals(id)) {
        remove(i);
        fs[i].close();
        return true;
      }
    }
    return false;
  }

  private void remove(int index) {
    Follow[] fs = follows;
    Follow[] shrunk = new Follow[fs.length - 1];
    System.arraycopy(fs, 0, shrunk, 0, index);
    System.arraycopy(fs, index + 1, shrunk, index, fs.length - index - 1);
    follows = shrunk;
    if (index < current) {
      current--;
    }
    if (current >= shrunk.length) {
      current = 0;
    }
  }

  /** Closes every subscription; the follower hands out nothing more. Idempotent. */
  @Override
  public void close() {
    closed = true;
    Follow[] fs = follows;
    follows = NONE;
    for (Follow f : fs) {
      f.close();
    }
  }

  // ------------------------------------------------------------------ turns (owner)

  /** Starts a turn: the budget of lines and bytes read is full again. */
  public void beginTurn() {
    linesLeft = config.maxScanLinesPerTurn();
    bytesLeft = config.maxScanBytesPerTurn();
  }

  /**
   * The next event to send, or {@code null} when there is none now: either every subscription is
   * idle ({@link #isCaughtUp()}), and {@code onReady} runs when one has more; or this turn's budget
   * is spent, and {@code onReady} runs in a new turn.
   *
   * @return the next event, or {@code null} for now
   */
  public @Nullable FollowEvent next() {
    Follow[] fs = follows;
    int n = fs.length;
    for (int k = 0; k < n; k++) {
      int i = (current + k) % n;
      Follow f = fs[i];
      while (true) {
        FollowEvent ready = f.ready.poll();
        if (ready != null) {
          current = f.ready.isEmpty() ? (i + 1) % n : i; // one read's events go out together
          caughtUp = false;
          return ready;
        }
        if (!hasBudget()) {
          current = (i + 1) % n; // the next turn starts with the next subscription
          caughtUp = false;
          wakeAfterIo();
          return null;
        }
        Follow.Step step = f.advance(this);
        if (step == Follow.Step.ENDED) {
          FollowEvent ended = f.ready.poll();
          remove(i);
          f.close();
          caughtUp = false;
          return ended;
        }
        if (step == Follow.Step.IDLE) {
          break;
        }
      }
    }
    caughtUp = true;
    return null;
  }

  /**
   * Whether the last {@link #next()} found every subscription idle: nothing is waiting to be sent.
   * False after a turn was cut short.
   *
   * @return {@code true} if nothing is waiting to be sent
   */
  public boolean isCaughtUp() {
    return caughtUp;
  }

  boolean hasBudget() {
    return linesLeft > 0 && bytesLeft > 0;
  }

  long linesLeft() {
    return linesLeft;
  }

  long bytesLeft() {
    return bytesLeft;
  }

  void charge(long lines, long bytes) {
    linesLeft -= lines;
    bytesLeft -= bytes;
  }

  LogStore store() {
    return store;
  }

  CursorListener listener() {
    return listener;
  }

  /** Asks for {@code onReady} on the owner's thread soon; at most one such task is pending. */
  private void wake() {
    if (wakeScheduled.compareAndSet(false, true)) {
      owner.execute(wakeTask);
    }
  }

  /**
   * Asks for {@code onReady} once the owner's thread has served its I/O: the turn was cut short, so
   * every other connection on the thread, and every socket, goes first.
   */
  private void wakeAfterIo() {
    if (wakeScheduled.compareAndSet(false, true)) {
      owner.executeAfterIo(wakeTask);
    }
  }

  // ------------------------------------------------------------------ bounds (checking thread)

  /**
   * Sets when the connection's token stops being valid ({@code null}: never), for {@link #check}.
   * Any thread.
   *
   * @param validUntil the first instant the token no longer verifies, or {@code null} for never
   */
  public void expireAt(@Nullable Instant validUntil) {
    this.expiry = validUntil;
  }

  /**
   * Whether the connection may go on at {@code now} (the injected clock's time): its token is still
   * valid, and no subscription stays behind past its bound. A replaying subscription (one that has
   * not yet passed the head its log had when it opened) is too far behind when the replay has taken
   * longer than {@link FollowConfig#maxLagTime()}; a live one when its oldest line not taken is
   * older than that, or it has stayed more than {@link FollowConfig#maxLagBytes()} behind for
   * {@link FollowConfig#lagBytesGrace()}.
   *
   * <p>One thread at a time; it may run concurrently with the owner.
   *
   * @param now the current time by the injected clock
   * @return {@link FollowCheck#EXPIRED}, a {@link FollowCheck.TooFarBehind} naming the first
   *     subscription past its bound, or {@link FollowCheck#BEHIND} or {@link FollowCheck#CAUGHT_UP}
   *     when the connection may go on
   */
  public FollowCheck check(Instant now) {
    Instant validUntil = expiry;
    if (validUntil != null && !now.isBefore(validUntil)) {
      return FollowCheck.EXPIRED;
    }
    boolean behind = false;
    for (Follow f : follows) {
      LogCursor c = f.cursor;
      if (c == null || c.position() <= f.replayEnd) {
        behind = true;
        if (Duration.between(f.since, now).compareTo(config.maxLagTime()) > 0) {
          return new FollowCheck.TooFarBehind(f.id);
        }
        continue;
      }
      // Past the replay every unread line was appended after the subscriber had caught up, so the
      // age of the oldest and the bytes behind measure exactly how far behind it fell.
      CursorLag lag = c.lag();
      behind |= lag.isBehind();
      if (lag.age().compareTo(config.maxLagTime()) > 0) {
        return new FollowCheck.TooFarBehind(f.id);
      }
      if (lag.bytes() <= config.maxLagBytes()) {
        f.overBytesSince = null;
        continue;
      }
      // A burst may put a healthy reader far behind for a moment: it must stay over the bound.
      Instant over = f.overBytesSince;
      if (over == null) {
        over = now;
        f.overBytesSince = now;
      }
      if (Duration.between(over, now).compareTo(config.lagBytesGrace()) >= 0) {
        return new FollowCheck.TooFarBehind(f.id);
      }
    }
    return behind ? FollowCheck.BEHIND : FollowCheck.CAUGHT_UP;
  }

  // ------------------------------------------------------------------ views (any thread)

  /**
   * Whether {@code id} is followed.
   *
   * @param id the deployment
   * @return {@code true} from {@link #open} until the subscription is closed or has ended
   */
  public boolean isFollowing(DeploymentId id) {
    for (Follow f : follows) {
      if (f.id.equals(id)) {
        return true;
      }
    }
    return false;
  }

  /**
   * How many deployments are followed.
   *
   * @return the number of open subscriptions
   */
  public int size() {
    return follows.length;
  }

  /**
   * The subscriptions, in the order they were opened.
   *
   * @return a snapshot of each subscription's position and lag; a new list on every call
   */
  public List<FollowInfo> follows() {
    Follow[] fs = follows;
    List<FollowInfo> out = new ArrayList<>(fs.length);
    for (Follow f : fs) {
      LogCursor c = f.cursor;
      out.add(new FollowInfo(f.id, f.position(), c == null ? CursorLag.NONE : c.lag()));
    }
    return out;
  }

  @Override
  public String toString() {
    return "Follower" + follows().stream().map(FollowInfo::deploymentId).toList();
  }
}
