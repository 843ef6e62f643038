package io.coderunner.core.log;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentNotFoundException;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.StreamKind;
import io.coderunner.core.log.internal.LogBuffer;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * A {@link LogStore} that keeps every log in this JVM's heap, within a {@link RetentionConfig}.
 *
 * <p>Create one per application with {@link #create(RetentionConfig, Clock)} and share it; it is
 * thread-safe and starts no threads. Lines older than {@link RetentionConfig#maxAge()} are dropped
 * as appends pass chunk boundaries (every 1,024 lines of a log) and whenever the host calls {@link
 * #evictExpired()}, which it should schedule (say, once a second). When all logs together exceed
 * {@link RetentionConfig#globalMaxBytes()}, lines are dropped until they are about 1/64 under it
 * (so that a store at its budget does not search on every append): first the oldest lines of the
 * owner that holds the most bytes, which is the owner furthest over its fair share (the budget
 * divided by the owners with lines). A noisy owner flooding many logs thus pays for its own flood,
 * and a quiet owner's recent history survives it. Logs created without an owner share one.
 *
 * <p>A log's epoch is random and new each time the log is created: a restarted process or a deleted
 * and re-created deployment never hands out positions that could be confused with old ones. {@link
 * #close()} ends every cursor with {@link EndReason#STORE_CLOSED}; later calls throw {@link
 * IllegalStateException}.
 */
public final class InMemoryLogStore implements LogStore {
  private static final int GLOBAL_EVICTION_BATCH = 1024;
  private static final String NO_OWNER = "";

  private final RetentionConfig config;
  private final Clock clock;
  private final @Nullable LogJournal journal;
  private final ConcurrentHashMap<DeploymentId, LogBuffer> logs = new ConcurrentHashMap<>();
  // Keyed by the buffer itself, so a log deleted and created again never sees the old owner.
  private final ConcurrentHashMap<LogBuffer, String> owners = new ConcurrentHashMap<>();
  private final AtomicLong globalBytes = new AtomicLong();
  private final ReentrantLock globalEviction = new ReentrantLock();
  private final LongAdder gapsServed = new LongAdder();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final SecureRandom random = new SecureRandom();
  private final LogBuffer.SizeListener sizeListener = this::retainedBytesChanged;

  // Totals of deleted logs, so that stats stay monotonic.
  private final LongAdder deletedAppendedLines = new LongAdder();
  private final LongAdder deletedAppendedBytes = new LongAdder();
  private final LongAdder deletedEvictedLines = new LongAdder();

  private InMemoryLogStore(RetentionConfig config, Clock clock, @Nullable LogJournal journal) {
    this.config = Objects.requireNonNull(config, "config");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.journal = journal;
  }

  /**
   * A store with {@code config}, stamping lines with {@code clock}.
   *
   * @param config how much of each log, and of all logs, is kept
   * @param clock stamps lines appended without a timestamp and decides their age
   * @return a new, empty store
   * @throws NullPointerException if {@code config} or {@code clock} is null
   */
  public static InMemoryLogStore create(RetentionConfig config, Clock clock) {
    return new InMemoryLogStore(config, clock, null);
  }

  /**
   * A store with {@code config} whose changes a durable store records through {@code journal}: the
   * memory stays the hot path, and the journal writes behind it (see {@link LogJournal}).
   *
   * @param config how much of each log, and of all logs, is kept
   * @param clock stamps lines appended without a timestamp and decides their age
   * @param journal told of every append, reservation and drop, under the log's lock
   * @return a new, empty store
   * @throws NullPointerException if an argument is null
   */
  public static InMemoryLogStore create(RetentionConfig config, Clock clock, LogJournal journal) {
    return new InMemoryLogStore(config, clock, Objects.requireNonNull(journal, "journal"));
  }

  /**
   * A store with {@link RetentionConfig#defaults()} and the UTC system clock.
   *
   * @return a new, empty store
   */
  public static InMemoryLogStore create() {
    return new InMemoryLogStore(RetentionConfig.defaults(), Clock.systemUTC(), null);
  }

  /**
   * The retention the store was created with.
   *
   * @return its config
   */
  public RetentionConfig config() {
    return config;
  }

  @Override
  public LogInfo create(DeploymentId id) {
    return create(id, NO_OWNER);
  }

  @Override
  public LogInfo create(DeploymentId id, String ownerId) {
    Objects.requireNonNull(ownerId, "ownerId");
    ensureOpen();
    LogBuffer buffer =
        logs.computeIfAbsent(
            id,
            key -> {
              LogBuffer created =
                  new LogBuffer(key, newEpoch(), config, clock, sizeListener, journal);
              owners.put(created, ownerId);
              return created;
            });
    return buffer.info();
  }

  /**
   * Rebuilds a log read back from durable storage, with its epoch and seqs: {@code lines} in seq
   * order and the last seq the log handed out (or reserved) before it was stored. Seqs from the
   * first line's to {@code lastSeq} that have no line were lost (an unclean stop under a
   * write-behind policy) and are served as a gap, to cursors and history alike; the next append
   * gets {@code lastSeq + 1}. Retention applies at once. The journal is told nothing of what is
   * restored.
   *
   * @param id the deployment
   * @param ownerId the deployment owner's {@link io.coderunner.core.Principal#id()}
   * @param epoch the log's epoch, as it was
   * @param lines its retained lines, in seq order
   * @param lastSeq the last seq handed out or reserved; at least the last line's
   * @return the log's state
   * @throws IllegalStateException if a log of {@code id} exists
   * @throws IllegalArgumentException if {@code lines} are out of order or past {@code lastSeq}
   */
  public LogInfo restore(
      DeploymentId id, String ownerId, String epoch, List<RestoredLine> lines, long lastSeq) {
    return restore(id, ownerId, epoch, lines, lastSeq, List.of());
  }

  /**
   * As {@link #restore(DeploymentId, String, String, List, long)}, with the idempotency keys the
   * log remembered: a retry of one of those appends is answered with its seqs, as before the
   * restart. Keys past the window or the most a log keeps are forgotten at once.
   *
   * @param id the deployment
   * @param ownerId the deployment owner's {@link io.coderunner.core.Principal#id()}
   * @param epoch the log's epoch, as it was
   * @param lines its retained lines, in seq order
   * @param lastSeq the last seq handed out or reserved; at least the last line's
   * @param keys the remembered keys, in seq order
   * @return the log's state
   * @throws IllegalStateException if a log of {@code id} exists
   * @throws IllegalArgumentException if {@code lines} are out of order or past {@code lastSeq}, or
   *     a key names seqs past it
   */
  public LogInfo restore(
      DeploymentId id,
      String ownerId,
      String epoch,
      List<RestoredLine> lines,
      long lastSeq,
      List<IdempotencyRecord> keys) {
    Objects.requireNonNull(ownerId, "ownerId");
    Objects.requireNonNull(epoch, "epoch");
    ensureOpen();
    if (!lines.isEmpty() && lines.get(lines.size() - 1).line().seq() > lastSeq) {
      throw new IllegalArgumentException(
          "lastSeq " + lastSeq + " is below the last restored line's seq of " + id);
    }
    LogBuffer buffer = new LogBuffer(id, epoch, config, clock, sizeListener, journal);
    LogBuffer[] existing = {null};
    logs.compute(
        id,
        (key, current) -> {
          if (current != null) {
            existing[0] = current;
            return current;
          }
          owners.put(buffer, ownerId);
          return buffer;
        });
    if (existing[0] != null) {
      throw new IllegalStateException("a log of " + id + " exists");
    }
    buffer.restore(lines, lastSeq, keys); // before the store is in use: nothing appends to it yet
    return buffer.info();
  }

  private String newEpoch() {
    byte[] bytes = new byte[12];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public Optional<LogInfo> info(DeploymentId id) {
    LogBuffer buffer = logs.get(id);
    return buffer == null ? Optional.empty() : Optional.of(buffer.info());
  }

  @Override
  public LogLine append(DeploymentId id, LogEntry entry) {
    return buffer(id).append(entry, null);
  }

  @Override
  public AppendResult append(DeploymentId id, List<LogEntry> entries) {
    return buffer(id).append(entries, null);
  }

  @Override
  public AppendResult append(DeploymentId id, List<LogEntry> entries, String idempotencyKey) {
    IdempotencyKeys.check(Objects.requireNonNull(idempotencyKey, "idempotencyKey"));
    return buffer(id).append(entries, idempotencyKey);
  }

  @Override
  public LogLine appendStatus(DeploymentId id, DeploymentStatus status, String message) {
    LogLevel level = status == DeploymentStatus.FAILED ? LogLevel.ERROR : LogLevel.INFO;
    return buffer(id).append(new LogEntry(null, StreamKind.SYSTEM, level, message), status);
  }

  @Override
  public LogPage read(DeploymentId id, long after, int limit, LogFilter filter) {
    if (after < 0) {
      throw new IllegalArgumentException("after must be >= 0, was " + after);
    }
    checkLimit(limit);
    return buffer(id).read(after, limit, filter);
  }

  private static void checkLimit(int limit) {
    if (limit < 1 || limit > 10_000) {
      throw new IllegalArgumentException("limit must be between 1 and 10000, was " + limit);
    }
  }

  @Override
  public LogPage tail(DeploymentId id, int n, LogFilter filter) {
    if (n < 0 || n > 10_000) {
      throw new IllegalArgumentException("n must be between 0 and 10000, was " + n);
    }
    return buffer(id).tail(n, filter);
  }

  @Override
  public LogPage readBefore(DeploymentId id, long before, int limit, LogFilter filter) {
    if (before < 1) {
      throw new IllegalArgumentException("before must be >= 1, was " + before);
    }
    checkLimit(limit);
    return buffer(id).before(before, limit, filter);
  }

  @Override
  public LogCursor subscribe(
      DeploymentId id, StartPosition start, LogFilter filter, CursorListener listener) {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(listener, "listener");
    return buffer(id).subscribe(start, filter, listener, gapsServed);
  }

  @Override
  public boolean delete(DeploymentId id) {
    LogBuffer buffer = logs.remove(id);
    if (buffer == null) {
      return false;
    }
    retire(buffer, EndReason.DELETED);
    return true;
  }

  private void retire(LogBuffer buffer, EndReason reason) {
    owners.remove(buffer);
    LogInfo info = buffer.info();
    long[] totals = buffer.stats();
    long freed = buffer.close(reason);
    globalBytes.addAndGet(-freed);
    deletedAppendedLines.add(info.lastSeq());
    deletedAppendedBytes.add(totals[0]);
    deletedEvictedLines.add(info.firstAvailable() - 1);
  }

  /**
   * Drops lines older than the maximum age from every log. Safe to call from a scheduler thread
   * while others append.
   *
   * @return the bytes freed, as {@link RetentionConfig} counts them; 0 if nothing was due
   */
  @Override
  public long evictExpired() {
    long freed = 0;
    for (LogBuffer buffer : logs.values()) {
      freed += buffer.evictExpired();
    }
    return freed;
  }

  /** Bytes the store counts against its global budget. */
  long globalBytes() {
    return globalBytes.get();
  }

  /** Current totals. */
  @Override
  public LogStoreStats stats() {
    long cursors = 0;
    long retainedLines = 0;
    long retainedBytes = 0;
    long appendedLines = deletedAppendedLines.sum();
    long appendedBytes = deletedAppendedBytes.sum();
    long evicted = deletedEvictedLines.sum();
    long count = 0;
    for (LogBuffer buffer : logs.values()) {
      LogInfo info = buffer.info();
      long[] totals = buffer.stats();
      count++;
      cursors += buffer.cursorCount();
      retainedLines += info.retainedLines();
      retainedBytes += info.retainedBytes();
      appendedLines += info.lastSeq();
      appendedBytes += totals[0];
      evicted += info.firstAvailable() - 1;
    }
    return new LogStoreStats(
        count,
        cursors,
        retainedLines,
        retainedBytes,
        appendedLines,
        appendedBytes,
        evicted,
        gapsServed.sum(),
        config.globalMaxBytes());
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (DeploymentId id : List.copyOf(logs.keySet())) {
      LogBuffer buffer = logs.remove(id);
      if (buffer != null) {
        retire(buffer, EndReason.STORE_CLOSED);
      }
    }
  }

  private LogBuffer buffer(DeploymentId id) {
    Objects.requireNonNull(id, "id");
    ensureOpen();
    LogBuffer buffer = logs.get(id);
    if (buffer == null) {
      throw new DeploymentNotFoundException(id);
    }
    return buffer;
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("log store is closed");
    }
  }

  private void retainedBytesChanged(long delta) {
    long total = globalBytes.addAndGet(delta);
    if (delta > 0 && total > config.globalMaxBytes()) {
      enforceGlobalBudget();
    }
  }

  /**
   * Drops lines until the total is under the budget by a margin: each round, the oldest lines of
   * the owner holding the most bytes, down towards the next heaviest owner. Runs on an appending
   * thread after it released its log's lock, so it never holds two log locks.
   */
  private void enforceGlobalBudget() {
    long max = config.globalMaxBytes();
    long target = max - max / 64;
    globalEviction.lock();
    try {
      while (globalBytes.get() > target) {
        Map<String, Long> bytesByOwner = new HashMap<>();
        for (Map.Entry<DeploymentId, LogBuffer> e : logs.entrySet()) {
          long bytes = e.getValue().retainedBytes();
          if (bytes > 0) {
            bytesByOwner.merge(owners.getOrDefault(e.getValue(), NO_OWNER), bytes, Long::sum);
          }
        }
        String heaviest = null;
        long most = 0;
        long next = 0;
        for (Map.Entry<String, Long> e : bytesByOwner.entrySet()) {
          long bytes = e.getValue();
          if (bytes > most) {
            next = most;
            most = bytes;
            heaviest = e.getKey();
          } else if (bytes > next) {
            next = bytes;
          }
        }
        if (heaviest == null) {
          return;
        }
        LogBuffer oldest = null;
        long oldestTime = Long.MAX_VALUE;
        for (Map.Entry<DeploymentId, LogBuffer> e : logs.entrySet()) {
          if (heaviest.equals(owners.getOrDefault(e.getValue(), NO_OWNER))) {
            long t = e.getValue().oldestAppendTime();
            if (t < oldestTime) {
              oldestTime = t;
              oldest = e.getValue();
            }
          }
        }
        if (oldest == null) {
          return;
        }
        long excess = globalBytes.get() - target;
        // Down to the next heaviest owner, but in steps of at least an equal share of the excess,
        // so that owners of equal weight do not take turns a line at a time.
        long share = Math.max(most - next, excess / bytesByOwner.size() + 1);
        // evictOldest reports the freed bytes back through the size listener (negative delta).
        if (oldest.evictOldest(Math.min(excess, share), GLOBAL_EVICTION_BATCH) == 0) {
          return;
        }
      }
    } finally {
      globalEviction.unlock();
    }
  }
}
