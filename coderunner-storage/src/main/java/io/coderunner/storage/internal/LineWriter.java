package io.coderunner.storage.internal;

import io.coderunner.core.LogLine;
import io.coderunner.core.log.IdempotencyRecord;
import io.coderunner.storage.FsyncPolicy;
import io.coderunner.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes lines behind the in-memory store: it takes what appends queued, in the
 * order they queued it, and commits it in one transaction per round. Under {@link
 * FsyncPolicy#ALWAYS} a round starts as soon as something is queued and every commit is fsynced;
 * under {@link FsyncPolicy#BATCH} a round starts every batch interval and is fsynced; under {@link
 * FsyncPolicy#NONE} likewise, without fsync. A round the database refuses (a full or read-only
 * disk) is kept and tried again, a little later each time up to a second, so nothing queued is lost
 * while the process lives; {@link #failure()} says why it is failing.
 */
final class LineWriter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LineWriter.class);
  private static final long MAX_BACKOFF_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** What a round writes, in queue order. */
  sealed interface Op {}

  /** Lines of one log, in seq order, and the idempotency key they were appended with, if any. */
  record Lines(
      long logId, List<LogLine> lines, long appendedAtMicros, @Nullable IdempotencyRecord key)
      implements Op {}

  /** The log forgot the keys of appends that started below {@code firstSeq}. */
  record ForgetKeys(long logId, long firstSeq) implements Op {}

  /** Retention dropped the log's lines below {@code firstSeq}. */
  record Drop(long logId, long firstSeq) implements Op {}

  /** The log was deleted: its lines and its row go. */
  record DeleteLog(long logId) implements Op {}

  /** The log's high-water mark, set as a clean stop leaves it. */
  record HighWater(long logId, long seq) implements Op {}

  /** Opens the writer's connection. */
  @FunctionalInterface
  interface Connector {
    Connection connect() throws SQLException;
  }

  private final Connector connector;
  private Connection db; // the writer thread's, after the constructor
  private final FsyncPolicy policy;
  private final long intervalNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Op> queue = new ArrayDeque<>(); // guarded by lock
  private final Map<Long, Long> written = new HashMap<>(); // guarded by lock: last seq written
  private long enqueued; // guarded by lock: ops queued so far
  // Lines queued and not yet written: written under lock, read without it by every append.
  private final AtomicLong pendingLines = new AtomicLong();
  private long done; // guarded by lock: ops written so far
  private long flushUpTo; // guarded by lock: ops a flush waits for, written without delay
  // Written under lock; read without it by every append (checkWritable), so volatile.
  private volatile @Nullable SQLException failure;
  private boolean closing; // guarded by lock
  private boolean abandoned; // guarded by lock: closing while failing; what is queued is dropped
  private long linesWritten; // guarded by lock
  private long rounds; // guarded by lock
  private final Thread thread;

  LineWriter(Connector connector, FsyncPolicy policy, Duration interval) throws SQLException {
    this.connector = connector;
    this.db = connector.connect();
    this.policy = policy;
    this.intervalNanos = interval.toNanos();
    db.setAutoCommit(false);
    this.thread = new Thread(this::run, "coderunner-storage-writer");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues {@code op}; quick, never blocks on the disk. */
  void enqueue(Op op) {
    lock.lock();
    try {
      boolean wasEmpty = queue.isEmpty();
      queue.add(op);
      enqueued++;
      if (op instanceof Lines l) {
        pendingLines.addAndGet(l.lines().size());
      }
      // The writer sleeps while nothing is queued: the first op wakes it to start its interval.
      if (wasEmpty || policy == FsyncPolicy.ALWAYS || op instanceof DeleteLog) {
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until line {@code seq} of {@code logId} is committed (and, under {@code always} and
   * {@code batch}, fsynced).
   *
   * @throws StorageException if the writer is failing, or {@code timeout} passed
   */
  void awaitWritten(long logId, long seq, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (written.getOrDefault(logId, 0L) < seq) {
        SQLException f = failure;
        if (f != null) {
          throw new StorageException("cannot write the log: " + f.getMessage(), f);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new StorageException("the log was not written within " + timeout);
        }
        changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until fewer than {@code maxLines} lines are queued: an appender faster than the disk is
   * held to the disk's pace instead of growing the queue without bound.
   *
   * @throws StorageException if the writer is failing, or {@code timeout} passed
   */
  void awaitRoom(long maxLines, Duration timeout) throws InterruptedException {
    if (pendingLines.get() < maxLines) {
      return; // the append path's usual case, without the lock
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (pendingLines.get() >= maxLines) {
        SQLException f = failure;
        if (f != null) {
          throw new StorageException("cannot write the log: " + f.getMessage(), f);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new StorageException(
              "the log writer is behind: " + pendingLines.get() + " lines queued for " + timeout);
        }
        flushUpTo = Math.max(flushUpTo, enqueued); // no need to wait out the batch interval
        changed.signalAll();
        changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Lines queued and not yet written. */
  long pendingLines() {
    return pendingLines.get();
  }

  /**
   * Waits until everything queued before this call is written.
   *
   * @throws StorageException if it was not within {@code timeout} (the writer is failing, say)
   */
  void flush(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      long target = enqueued;
      flushUpTo = Math.max(flushUpTo, target);
      changed.signalAll();
      while (done < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          SQLException f = failure;
          throw new StorageException(
              "the log writer did not catch up within "
                  + timeout
                  + (f == null ? "" : ": " + f.getMessage()),
              f);
        }
        changed.awaitNanos(left);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Line {@code seq} of {@code logId} is on the disk already: a restore read it back. */
  void restored(long logId, long seq) {
    lock.lock();
    try {
      written.merge(logId, seq, Math::max);
    } finally {
      lock.unlock();
    }
  }

  /** Why the last round failed, or {@code null} while rounds succeed. */
  @Nullable SQLException failure() {
    return failure;
  }

  /** Ops queued and not yet written. */
  long pending() {
    lock.lock();
    try {
      return enqueued - done;
    } finally {
      lock.unlock();
    }
  }

  /** {lines written, rounds committed}. */
  long[] totals() {
    lock.lock();
    try {
      return new long[] {linesWritten, rounds};
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    long backoff = 0;
    long lastRound = System.nanoTime();
    while (true) {
      List<Op> round;
      lock.lock();
      try {
        while (true) {
          if (closing && (queue.isEmpty() || abandoned)) {
            if (!queue.isEmpty()) {
              log.error("the log writer stops with {} operations it could not write", queue.size());
            }
            return;
          }
          long now = System.nanoTime();
          long wait;
          if (backoff > 0) {
            wait = lastRound + backoff - now;
          } else if (queue.isEmpty()) {
            wait = Long.MAX_VALUE;
          } else if (policy == FsyncPolicy.ALWAYS || closing || done < flushUpTo) {
            wait = 0;
          } else {
            wait = lastRound + intervalNanos - now;
          }
          if (wait <= 0 && !queue.isEmpty()) {
            break;
          }
          if (wait == Long.MAX_VALUE) {
            changed.await();
          } else if (wait > 0) {
            changed.awaitNanos(wait);
          }
        }
        round = new ArrayList<>(queue);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        lock.unlock();
      }
      lastRound = System.nanoTime();
      try {
        Map<Long, Long> last = write(round);
        lock.lock();
        try {
          for (int i = 0; i < round.size(); i++) {
            if (queue.poll() instanceof Lines l) {
              pendingLines.addAndGet(-l.lines().size());
            }
          }
          done += round.size();
          last.forEach((k, v) -> written.merge(k, v, Math::max));
          if (failure != null) {
            log.info("the log writer recovered: {} queued operations written", round.size());
          }
          failure = null;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
        backoff = 0;
      } catch (SQLException e) {
        reconnect();
        lock.lock();
        try {
          if (failure == null) {
            log.error(
                "the log writer cannot write ({}); retrying, nothing queued is dropped",
                e.getMessage());
          }
          failure = e;
          changed.signalAll();
        } finally {
          lock.unlock();
        }
        backoff =
            backoff == 0
                ? TimeUnit.MILLISECONDS.toNanos(10)
                : Math.min(MAX_BACKOFF_NANOS, backoff * 2);
      }
    }
  }

  /**
   * Starts the next try on a fresh connection: after some failures (a full disk) the engine rolls
   * the transaction back on its own, and the old connection's idea of its transaction is wrong.
   */
  private void reconnect() {
    try {
      db.rollback();
    } catch (SQLException e) {
      // rolled back already, or the connection is broken: it is replaced below
    }
    try {
      db.close();
    } catch (SQLException e) {
      // replaced below
    }
    try {
      db = connector.connect();
      db.setAutoCommit(false);
    } catch (SQLException e) {
      log.warn("the log writer cannot reconnect ({}); trying again", e.getMessage());
    }
  }

  /** Writes one round in one transaction; returns the last seq written per log. */
  private Map<Long, Long> write(List<Op> round) throws SQLException {
    Map<Long, Long> last = new HashMap<>();
    long lines = 0;
    try (PreparedStatement insert =
            db.prepareStatement(
                // A round may be tried again after a failure the engine half rolled back (a full
                // disk): every op is idempotent, so a line written twice is the same line.
                "INSERT OR REPLACE INTO lines"
                    + " (log_id, seq, ts, appended_at, stream, level, status, message)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
        PreparedStatement drop =
            db.prepareStatement("DELETE FROM lines WHERE log_id = ? AND seq < ?");
        PreparedStatement deleteLines = db.prepareStatement("DELETE FROM lines WHERE log_id = ?");
        PreparedStatement deleteLog = db.prepareStatement("DELETE FROM logs WHERE log_id = ?");
        PreparedStatement insertKey =
            db.prepareStatement(
                "INSERT OR REPLACE INTO ingest_keys"
                    + " (log_id, key, fingerprint, first_seq, last_seq, created_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?)");
        PreparedStatement forgetKeys =
            db.prepareStatement("DELETE FROM ingest_keys WHERE log_id = ? AND first_seq < ?");
        PreparedStatement deleteKeys =
            db.prepareStatement("DELETE FROM ingest_keys WHERE log_id = ?");
        PreparedStatement highWater =
            db.prepareStatement("UPDATE logs SET high_water = ? WHERE log_id = ?")) {
      for (Op op : round) {
        if (op instanceof Lines l) {
          for (LogLine line : l.lines()) {
            insert.setLong(1, l.logId());
            insert.setLong(2, line.seq());
            insert.setLong(3, LineCodes.nanos(line.timestamp()));
            insert.setLong(4, l.appendedAtMicros());
            insert.setInt(5, LineCodes.stream(line.stream()));
            insert.setInt(6, LineCodes.level(line.level()));
            insert.setString(7, line.status() == null ? null : line.status().wireName());
            insert.setString(8, line.message());
            insert.addBatch();
            lines++;
          }
          insert.executeBatch();
          IdempotencyRecord k = l.key();
          if (k != null) {
            insertKey.setLong(1, l.logId());
            insertKey.setString(2, k.key());
            insertKey.setString(3, k.fingerprint());
            insertKey.setLong(4, k.firstSeq());
            insertKey.setLong(5, k.lastSeq());
            insertKey.setLong(6, LineCodes.micros(k.createdAt()));
            insertKey.executeUpdate();
          }
          last.put(l.logId(), l.lines().get(l.lines().size() - 1).seq());
        } else if (op instanceof ForgetKeys f) {
          forgetKeys.setLong(1, f.logId());
          forgetKeys.setLong(2, f.firstSeq());
          forgetKeys.executeUpdate();
        } else if (op instanceof Drop d) {
          drop.setLong(1, d.logId());
          drop.setLong(2, d.firstSeq());
          drop.executeUpdate();
        } else if (op instanceof DeleteLog d) {
          deleteLines.setLong(1, d.logId());
          deleteLines.executeUpdate();
          deleteKeys.setLong(1, d.logId());
          deleteKeys.executeUpdate();
          deleteLog.setLong(1, d.logId());
          deleteLog.executeUpdate();
        } else if (op instanceof HighWater h) {
          highWater.setLong(1, h.seq());
          highWater.setLong(2, h.logId());
          highWater.executeUpdate();
        }
      }
      db.commit();
    }
    lock.lock();
    try {
      linesWritten += lines;
      rounds++;
    } finally {
      lock.unlock();
    }
    return last;
  }

  /**
   * Writes what is queued, then stops the thread. A writer that is failing (the disk refuses
   * writes) is given up on: what it could not write is dropped, and it was never acknowledged.
   */
  @Override
  public void close() {
    lock.lock();
    try {
      closing = true;
      abandoned = failure != null;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
