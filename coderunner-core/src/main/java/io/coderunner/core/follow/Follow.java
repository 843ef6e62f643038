package io.coderunner.core.follow;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentNotFoundException;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogLine;
import io.coderunner.core.log.CursorBatch;
import io.coderunner.core.log.EndReason;
import io.coderunner.core.log.LogCursor;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.core.log.StartPosition;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One subscription of a {@link Follower}: its cursor (or first the search for a filtered tail), its
 * filter, and the events of its last read that are waiting to be sent.
 *
 * <p>The cursor reads every line; the filter is applied here, so that a status change reaches the
 * client whatever it filters, and so that the lines scanned, not only those sent, count against the
 * turn's budget.
 */
final class Follow {
  /** What one {@link #advance} did. */
  enum Step {
    /** Events are ready. */
    PRODUCED,
    /** Lines were read but none is to be sent; read on while the budget lasts. */
    EMPTY,
    /** Nothing to read; the cursor signals when there is. */
    IDLE,
    /** The subscription ended; its {@link FollowEvent.Ended} is ready. */
    ENDED
  }

  final DeploymentId id;
  final LogFilter filter;
  final boolean unfiltered;

  /** The head of the log when the subscription opened: reading up to it is replaying. */
  final long replayEnd;

  /** When the subscription opened, by the follower's clock. */
  final Instant since;

  /** Events of the last read, in order; owner thread. */
  final ArrayDeque<FollowEvent> ready = new ArrayDeque<>(4);

  /** Null while a filtered tail is being found; written by the owner, read by the checker. */
  volatile @Nullable LogCursor cursor;

  private @Nullable TailSeek seek;
  private String epoch;

  /** When the byte lag was first seen over its bound, or null; the checking thread only. */
  @Nullable Instant overBytesSince;

  private Follow(
      DeploymentId id,
      LogFilter filter,
      long replayEnd,
      Instant since,
      @Nullable LogCursor cursor,
      @Nullable TailSeek seek,
      String epoch) {
    this.id = id;
    this.filter = filter;
    this.unfiltered = filter.isAll();
    this.replayEnd = replayEnd;
    this.since = since;
    this.cursor = cursor;
    this.seek = seek;
    this.epoch = epoch;
  }

  static Follow reading(
      DeploymentId id, LogFilter filter, long replayEnd, Instant since, LogCursor cursor) {
    return new Follow(id, filter, replayEnd, since, cursor, null, cursor.opening().epoch());
  }

  static Follow seeking(
      DeploymentId id, LogFilter filter, long replayEnd, Instant since, TailSeek seek) {
    return new Follow(id, filter, replayEnd, since, null, seek, seek.epoch);
  }

  /** Reads once (a slice of the tail search, or one cursor poll) within the follower's budget. */
  Step advance(Follower follower) {
    LogCursor c = cursor;
    if (c == null) {
      return seek(follower);
    }
    long before = c.position();
    CursorBatch batch =
        c.poll(
            (int) Math.min(follower.config().maxBatchLines(), follower.linesLeft()),
            Math.min(follower.config().maxBatchBytes(), follower.bytesLeft()));
    if (batch instanceof CursorBatch.Lines l) {
      long bytes = split(l);
      follower.charge(Math.max(1, l.next() - before), bytes);
      return ready.isEmpty() ? Step.EMPTY : Step.PRODUCED;
    }
    if (batch instanceof CursorBatch.Gap g) {
      ready.add(new FollowEvent.Gap(id, epoch, g.from(), g.to()));
      return Step.PRODUCED;
    }
    if (batch instanceof CursorBatch.Ended e) {
      return end(e.reason());
    }
    return Step.IDLE;
  }

  /**
   * Turns the lines of one poll into events: the lines that pass the filter, cut after every status
   * line, each cut followed by its {@link FollowEvent.Status}. Returns the bytes read.
   */
  private long split(CursorBatch.Lines batch) {
    List<LogLine> read = batch.lines();
    long bytes = 0;
    boolean statuses = false;
    for (int i = 0; i < read.size(); i++) {
      LogLine line = read.get(i);
      bytes += RetentionConfig.sizeOf(line);
      statuses |= line.status() != null;
    }
    if (unfiltered && !statuses) {
      if (!read.isEmpty()) {
        ready.add(lines(read, batch.appendedAt()));
      }
      return bytes;
    }
    List<LogLine> run = null;
    for (int i = 0; i < read.size(); i++) {
      LogLine line = read.get(i);
      boolean passes = unfiltered || filter.test(line);
      if (passes) {
        if (run == null) {
          run = new ArrayList<>(Math.min(read.size() - i, 64));
        }
        run.add(line);
      }
      DeploymentStatus status = line.status();
      if (status != null) {
        if (run != null) {
          ready.add(lines(Collections.unmodifiableList(run), batch.appendedAt()));
          run = null;
        }
        ready.add(new FollowEvent.Status(id, epoch, line.seq(), status, line.timestamp(), passes));
      }
    }
    if (run != null) {
      ready.add(lines(Collections.unmodifiableList(run), batch.appendedAt()));
    }
    return bytes;
  }

  private FollowEvent.Lines lines(List<LogLine> lines, Instant appendedAt) {
    boolean live = lines.get(0).seq() > replayEnd;
    return new FollowEvent.Lines(id, epoch, lines, unfiltered, live, appendedAt);
  }

  private Step seek(Follower follower) {
    TailSeek s = seek;
    if (s == null) {
      return Step.IDLE;
    }
    try {
      if (!s.advance(follower)) {
        return Step.EMPTY;
      }
      LogCursor c =
          follower
              .store()
              .subscribe(
                  id,
                  StartPosition.after(s.epoch, s.start() - 1),
                  LogFilter.all(),
                  follower.listener());
      seek = null;
      epoch = c.opening().epoch();
      cursor = c;
      ready.add(new FollowEvent.Opened(id, c.opening(), null));
      return Step.PRODUCED;
    } catch (DeploymentNotFoundException e) {
      return end(EndReason.DELETED);
    } catch (IllegalStateException e) {
      return end(EndReason.STORE_CLOSED); // the store is closed
    }
  }

  private Step end(EndReason reason) {
    seek = null;
    ready.add(new FollowEvent.Ended(id, reason));
    return Step.ENDED;
  }

  /** Where the subscription is, for admin views. */
  long position() {
    LogCursor c = cursor;
    return c == null ? replayEnd + 1 : c.position();
  }

  /** Ends the subscription and drops what was waiting. Owner thread. */
  void close() {
    seek = null;
    ready.clear();
    LogCursor c = cursor;
    if (c != null) {
      c.close();
    }
  }
}
