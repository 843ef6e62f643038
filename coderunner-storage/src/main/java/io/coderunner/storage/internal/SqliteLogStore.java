package io.coderunner.storage.internal;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentNotFoundException;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLine;
import io.coderunner.core.log.AppendResult;
import io.coderunner.core.log.CursorListener;
import io.coderunner.core.log.IdempotencyRecord;
import io.coderunner.core.log.InMemoryLogStore;
import io.coderunner.core.log.LogCursor;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.LogInfo;
import io.coderunner.core.log.LogJournal;
import io.coderunner.core.log.LogPage;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.LogStoreStats;
import io.coderunner.core.log.RestoredLine;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.core.log.StartPosition;
import io.coderunner.storage.FsyncPolicy;
import io.coderunner.storage.StorageConfig;
import io.coderunner.storage.StorageException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs kept in SQLite behind an {@link InMemoryLogStore}, which stays the hot path: appends,
 * cursors and history are the in-memory store's, and every change it journals goes to the disk
 * through one {@link LineWriter}. Seqs are reserved ahead of appends in blocks of {@value
 * #RESERVE_BLOCK}, each reservation fsynced before a seq of it is handed out, the next block in the
 * background while the current one is used; a clean close lowers each log's mark to its last seq,
 * so only an unclean stop leaves reserved seqs unwritten, and the restart serves them as a gap.
 * Opening restores every retained line into memory.
 */
public final class SqliteLogStore implements LogStore {
  private static final Logger log = LoggerFactory.getLogger(SqliteLogStore.class);

  /** Seqs reserved per high-water write. */
  static final int RESERVE_BLOCK = 4096;

  private static final Duration ALWAYS_TIMEOUT = Duration.ofSeconds(30);

  /** Lines queued for the writer past which appends wait for it: about a second of its work. */
  public static final int MAX_QUEUED_LINES = 200_000;

  private static final Duration CLOSE_WHILE_FAILING = Duration.ofSeconds(3);

  private final Database db;
  private final StorageConfig config;
  private final Connection meta; // creates and reservations; guarded by metaLock
  // Taken last: under this store's monitor (create, delete) or a log's lock (reserve), never
  // the other way round.
  private final Object metaLock = new Object();
  private final LineWriter writer;
  private final InMemoryLogStore memory;
  private final Map<DeploymentId, Long> logIds = new ConcurrentHashMap<>();
  private final Map<Long, Reservation> reservations = new ConcurrentHashMap<>();
  private final ScheduledThreadPoolExecutor reserver = reserver();
  private final AtomicBoolean closed = new AtomicBoolean();
  // The last reservation's failure, until one succeeds: appends are refused meanwhile too.
  private volatile @Nullable SQLException reserveFailure;
  // A failed reservation is tried again every second, so that the failure clears once the disk
  // takes writes again even if no append asks for seqs.
  private final AtomicBoolean retryingReservation = new AtomicBoolean();

  private static ScheduledThreadPoolExecutor reserver() {
    ScheduledThreadPoolExecutor e =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "coderunner-storage-reserve");
              t.setDaemon(true);
              return t;
            });
    e.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    return e;
  }

  /** Opens the logs of {@code db} and restores every retained line. */
  public SqliteLogStore(Database db, StorageConfig config, RetentionConfig retention, Clock clock) {
    this.db = db;
    this.config = config;
    try {
      this.meta = db.connect(Database.Sync.FULL);
      this.writer =
          new LineWriter(
              () ->
                  db.connect(
                      config.fsync() == FsyncPolicy.NONE ? Database.Sync.OFF : Database.Sync.FULL),
              config.fsync(),
              config.batchInterval());
    } catch (SQLException e) {
      throw failed("open the logs", e);
    }
    this.memory = InMemoryLogStore.create(retention, clock, new Journal());
    try {
      restore();
    } catch (SQLException | RuntimeException e) {
      writer.close();
      memory.close();
      throw e instanceof StorageException se ? se : failed("read the logs", e);
    }
  }

  private StorageException failed(String what, Exception e) {
    return new StorageException(
        "cannot " + what + " in " + db.dir().resolve(Database.FILE) + ": " + e.getMessage(), e);
  }

  /** A {@code logs} row. */
  private record LogRow(
      long logId, DeploymentId id, String ownerId, String epoch, long highWater) {}

  private void restore() throws SQLException {
    List<LogRow> rows = new ArrayList<>();
    try (Statement s = meta.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT log_id, deployment_id, owner_id, epoch, high_water FROM logs"
                    + " ORDER BY log_id")) {
      while (r.next()) {
        rows.add(
            new LogRow(
                r.getLong(1),
                DeploymentId.of(r.getString(2)),
                r.getString(3),
                r.getString(4),
                r.getLong(5)));
      }
    }
    try (PreparedStatement p =
            meta.prepareStatement(
                "SELECT seq, ts, appended_at, stream, level, status, message FROM lines"
                    + " WHERE log_id = ? ORDER BY seq");
        PreparedStatement k =
            meta.prepareStatement(
                "SELECT key, fingerprint, first_seq, last_seq, created_at FROM ingest_keys"
                    + " WHERE log_id = ? ORDER BY first_seq")) {
      for (LogRow row : rows) {
        long logId = row.logId();
        DeploymentId id = row.id();
        long highWater = row.highWater();
        List<RestoredLine> lines = new ArrayList<>();
        p.setLong(1, logId);
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            String status = r.getString(6);
            LogLine line =
                new LogLine(
                    r.getLong(1),
                    LineCodes.ofNanos(r.getLong(2)),
                    LineCodes.stream(r.getInt(4)),
                    LineCodes.level(r.getInt(5)),
                    r.getString(7),
                    status == null ? null : DeploymentStatus.fromWire(status));
            lines.add(new RestoredLine(line, LineCodes.ofMicros(r.getLong(3))));
          }
        }
        long lastWritten = lines.isEmpty() ? 0 : lines.get(lines.size() - 1).line().seq();
        long last = Math.max(highWater, lastWritten);
        if (last > lastWritten) {
          log.warn(
              "log of {}: seqs {} to {} were reserved but not written before an unclean stop;"
                  + " they are served as a gap",
              id,
              lastWritten + 1,
              last);
        }
        List<IdempotencyRecord> keys = new ArrayList<>();
        k.setLong(1, logId);
        try (ResultSet r = k.executeQuery()) {
          while (r.next()) {
            keys.add(
                new IdempotencyRecord(
                    r.getString(1),
                    r.getString(2),
                    r.getLong(3),
                    r.getLong(4),
                    LineCodes.ofMicros(r.getLong(5))));
          }
        }
        logIds.put(id, logId);
        writer.restored(logId, lastWritten); // a replayed key's lines need no wait
        reservations.put(logId, new Reservation(highWater));
        memory.restore(id, row.ownerId(), row.epoch(), lines, last, keys);
      }
    }
  }

  /** The id of {@code id}'s log row. */
  private long logId(DeploymentId id) {
    Long logId = logIds.get(id);
    if (logId == null) {
      throw new DeploymentNotFoundException(id);
    }
    return logId;
  }

  /**
   * Refuses an append while the writer is failing: nothing is acknowledged that cannot be kept. And
   * holds it while {@value #MAX_QUEUED_LINES} lines wait for the writer, so that appends faster
   * than the disk go at the disk's pace and the queue stays bounded.
   */
  private void checkWritable() {
    SQLException f = writer.failure();
    if (f != null) {
      throw new StorageException(
          "the log cannot be written in " + db.dir() + " (" + f.getMessage() + ")", f);
    }
    try {
      writer.awaitRoom(MAX_QUEUED_LINES, ALWAYS_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while the log writer caught up", e);
    }
  }

  private void awaitDurable(DeploymentId id, long seq) {
    if (config.fsync() != FsyncPolicy.ALWAYS) {
      return;
    }
    try {
      writer.awaitWritten(logId(id), seq, ALWAYS_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while the log was written", e);
    }
  }

  @Override
  public synchronized LogInfo create(DeploymentId id) {
    return create(id, "");
  }

  @Override
  public synchronized LogInfo create(DeploymentId id, String ownerId) {
    LogInfo info = memory.create(id, ownerId);
    if (logIds.containsKey(id)) {
      return info;
    }
    synchronized (metaLock) {
      insertLog(id, ownerId, info);
    }
    return info;
  }

  private void insertLog(DeploymentId id, String ownerId, LogInfo info) {
    try (PreparedStatement p =
        meta.prepareStatement(
            "INSERT INTO logs (deployment_id, owner_id, epoch, high_water, created_at)"
                + " VALUES (?, ?, ?, 0, ?)",
            Statement.RETURN_GENERATED_KEYS)) {
      p.setString(1, id.value());
      p.setString(2, ownerId);
      p.setString(3, info.epoch());
      p.setString(4, java.time.Instant.now().toString());
      p.executeUpdate();
      try (ResultSet keys = p.getGeneratedKeys()) {
        keys.next();
        logIds.put(id, keys.getLong(1));
      }
    } catch (SQLException e) {
      memory.delete(id);
      throw failed("create the log of " + id, e);
    }
  }

  @Override
  public Optional<LogInfo> info(DeploymentId id) {
    return memory.info(id);
  }

  @Override
  public LogLine append(DeploymentId id, LogEntry entry) {
    checkWritable();
    LogLine line = memory.append(id, entry);
    awaitDurable(id, line.seq());
    return line;
  }

  @Override
  public AppendResult append(DeploymentId id, List<LogEntry> entries) {
    checkWritable();
    AppendResult r = memory.append(id, entries);
    awaitDurable(id, r.lastSeq());
    return r;
  }

  @Override
  public AppendResult append(DeploymentId id, List<LogEntry> entries, String idempotencyKey) {
    checkWritable();
    AppendResult r = memory.append(id, entries, idempotencyKey);
    awaitDurable(id, r.lastSeq()); // a replay too: the first append may still be on its way
    return r;
  }

  @Override
  public LogLine appendStatus(DeploymentId id, DeploymentStatus status, String message) {
    LogLine line = memory.appendStatus(id, status, message);
    awaitDurable(id, line.seq());
    return line;
  }

  @Override
  public LogPage read(DeploymentId id, long after, int limit, LogFilter filter) {
    return memory.read(id, after, limit, filter);
  }

  @Override
  public LogPage readBefore(DeploymentId id, long before, int limit, LogFilter filter) {
    return memory.readBefore(id, before, limit, filter);
  }

  @Override
  public LogPage tail(DeploymentId id, int n, LogFilter filter) {
    return memory.tail(id, n, filter);
  }

  @Override
  public LogCursor subscribe(
      DeploymentId id, StartPosition start, LogFilter filter, CursorListener listener) {
    return memory.subscribe(id, start, filter, listener);
  }

  @Override
  public long evictExpired() {
    return memory.evictExpired();
  }

  @Override
  public LogStoreStats stats() {
    return memory.stats();
  }

  @Override
  public synchronized boolean delete(DeploymentId id) {
    Long logId = logIds.remove(id);
    boolean existed = memory.delete(id);
    if (logId != null) {
      writer.enqueue(new LineWriter.DeleteLog(logId));
      if (writer.failure() == null) {
        flush();
      } // else it is written once the disk takes writes again, with what is queued before it
    }
    return existed;
  }

  /** Waits until everything appended so far is written. */
  void flush() {
    try {
      writer.flush(ALWAYS_TIMEOUT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while the log was written", e);
    }
  }

  /** Changes queued for the writer and not yet committed. */
  public long pendingWrites() {
    return writer.pending();
  }

  /** Lines queued for the writer and not yet committed. */
  public long queuedLines() {
    return writer.pendingLines();
  }

  /** Lines the writer committed since the store opened. */
  public long linesWritten() {
    return writer.totals()[0];
  }

  /**
   * Why writes are failing (the writer's or a reservation's), or {@code null} while they succeed.
   */
  public @Nullable SQLException writeFailure() {
    SQLException f = writer.failure();
    return f != null ? f : reserveFailure;
  }

  /**
   * Ends every cursor, writes what is queued and lowers each log's high-water mark to its last seq,
   * so that a restart continues without a gap. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    List<long[]> marks = new ArrayList<>();
    for (Map.Entry<DeploymentId, Long> e : logIds.entrySet()) {
      memory.info(e.getKey()).ifPresent(i -> marks.add(new long[] {e.getValue(), i.lastSeq()}));
    }
    memory.close();
    reserver.shutdown();
    try {
      reserver.awaitTermination(ALWAYS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (long[] m : marks) {
      writer.enqueue(new LineWriter.HighWater(m[0], m[1]));
    }
    try {
      // A writer that is failing gets a few more tries, not the full wait.
      writer.flush(writer.failure() == null ? ALWAYS_TIMEOUT : CLOSE_WHILE_FAILING);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (StorageException e) {
      log.error(
          "closing the logs: {}; the restart serves the unwritten seqs as a gap", e.getMessage());
    }
    writer.close();
  }

  /** A log's durably reserved seqs, and the background write of the next block. */
  private static final class Reservation {
    volatile long durable;
    @Nullable CompletableFuture<Void> pending; // guarded by this

    Reservation(long durable) {
      this.durable = durable;
    }
  }

  /** Writes and fsyncs {@code id}'s high-water mark. */
  private void writeMark(DeploymentId id, long logId, long upTo) {
    synchronized (metaLock) {
      try (PreparedStatement p =
          meta.prepareStatement(
              "UPDATE logs SET high_water = ? WHERE log_id = ? AND high_water < ?")) {
        p.setLong(1, upTo);
        p.setLong(2, logId);
        p.setLong(3, upTo);
        p.executeUpdate();
        reserveFailure = null;
      } catch (SQLException e) {
        reserveFailure = e;
        retryReservation(id, logId, upTo);
        throw failed("reserve seqs of " + id, e);
      }
    }
  }

  /** Tries the failed reservation again in a second, and again, until it is written. */
  private void retryReservation(DeploymentId id, long logId, long upTo) {
    if (closed.get() || !retryingReservation.compareAndSet(false, true)) {
      return;
    }
    try {
      var unused =
          reserver.schedule(
              () -> {
                retryingReservation.set(false);
                if (closed.get() || !logIds.containsKey(id)) {
                  return;
                }
                try {
                  writeMark(id, logId, upTo);
                  Reservation r = reservations.get(logId);
                  if (r != null) {
                    r.durable = Math.max(r.durable, upTo);
                  }
                  log.info("seqs of {} can be reserved again", id);
                } catch (StorageException e) {
                  // writeMark scheduled the next try
                }
              },
              1,
              TimeUnit.SECONDS);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      retryingReservation.set(false); // closing
    }
  }

  /** Writes the memory's changes behind it, and reserves seqs ahead of it. */
  private final class Journal implements LogJournal {
    /**
     * Hands out what is already durably reserved and writes the next block in the background, so
     * that an append waits for a reservation only when the background one has not landed yet (the
     * writer is behind, or the disk is failing). The durable mark runs up to two blocks ahead of
     * the seqs handed out.
     */
    @Override
    public long reserve(DeploymentId id, long seq) {
      long logId = logId(id);
      Reservation r = reservations.computeIfAbsent(logId, k -> new Reservation(0));
      CompletableFuture<Void> pending;
      synchronized (r) {
        pending = r.pending;
      }
      if (pending != null && r.durable < seq) {
        try {
          pending.get(ALWAYS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StorageException("interrupted while seqs were reserved", e);
        } catch (ExecutionException | TimeoutException e) {
          // the synchronous write below reports what is wrong
        }
      }
      if (r.durable < seq) {
        writeMark(id, logId, seq + RESERVE_BLOCK - 1);
        r.durable = seq + RESERVE_BLOCK - 1;
      }
      long given = r.durable;
      synchronized (r) {
        if (r.pending == null || r.pending.isDone()) {
          long ahead = given + RESERVE_BLOCK;
          r.pending =
              CompletableFuture.runAsync(
                  () -> {
                    writeMark(id, logId, ahead);
                    r.durable = Math.max(r.durable, ahead);
                  },
                  reserver);
        }
      }
      return given;
    }

    @Override
    public void appended(
        DeploymentId id,
        List<LogLine> lines,
        long appendedAtMicros,
        @Nullable IdempotencyRecord key) {
      writer.enqueue(new LineWriter.Lines(logId(id), lines, appendedAtMicros, key));
    }

    @Override
    public void forgotKeys(DeploymentId id, long firstSeq) {
      Long logId = logIds.get(id);
      if (logId != null) {
        writer.enqueue(new LineWriter.ForgetKeys(logId, firstSeq));
      }
    }

    @Override
    public void dropped(DeploymentId id, long firstSeq) {
      Long logId = logIds.get(id);
      if (logId != null) {
        writer.enqueue(new LineWriter.Drop(logId, firstSeq));
      }
    }
  }
}
