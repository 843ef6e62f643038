package io.coderunner.core.log.internal;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentNotFoundException;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLine;
import io.coderunner.core.log.AppendResult;
import io.coderunner.core.log.CursorListener;
import io.coderunner.core.log.CursorOpening;
import io.coderunner.core.log.EndReason;
import io.coderunner.core.log.IdempotencyKeyReusedException;
import io.coderunner.core.log.IdempotencyKeys;
import io.coderunner.core.log.IdempotencyRecord;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.LogInfo;
import io.coderunner.core.log.LogJournal;
import io.coderunner.core.log.LogPage;
import io.coderunner.core.log.RestoredLine;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.core.log.StartPosition;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * One deployment's log: an append-only run of lines indexed by seq, kept in fixed-size chunks so
 * that {@code seq -> line} is two array loads and retention frees whole chunks.
 *
 * <h2>Concurrency</h2>
 *
 * <ul>
 *   <li>Writers (append, evict, subscribe, close) take {@link #lock}. An append assigns the seq,
 *       stores the line, evicts what retention no longer allows and publishes the new {@link
 *       #lastSeq} with a release store; it then leaves the lock and signals cursors. No subscriber
 *       code and no I/O runs under the lock.
 *   <li>Readers take no lock. They read {@link #lastSeq} first (acquire), then {@link #directory},
 *       then {@link #firstSeq}. A new chunk is published in the directory before any line in it, so
 *       every seq up to the {@code lastSeq} a reader saw is reachable through the directory it
 *       reads next. Eviction may clear a slot a reader is about to load: a {@code null} line means
 *       "already dropped", and the reader reports a gap instead.
 * </ul>
 */
public final class LogBuffer {
  static final int CHUNK_SHIFT = 10;
  static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;
  static final int CHUNK_MASK = CHUNK_SIZE - 1;

  /** Maximum lines a filtered history read scans before it returns a (possibly short) page. */
  static final int MAX_SCAN = 1 << 17;

  private static final VarHandle LAST_SEQ;
  private static final VarHandle FIRST_SEQ;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      LAST_SEQ = lookup.findVarHandle(LogBuffer.class, "lastSeq", long.class);
      FIRST_SEQ = lookup.findVarHandle(LogBuffer.class, "firstSeq", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Lines and running byte totals of {@link #CHUNK_SIZE} consecutive seqs. */
  static final class Chunk {
    final @Nullable LogLine[] lines = new LogLine[CHUNK_SIZE];

    /** Bytes appended to the log up to and including each line. */
    final long[] endBytes = new long[CHUNK_SIZE];

    /**
     * When each line was appended, in epoch microseconds of the store's clock: fine enough to time
     * delivery, which takes well under a millisecond.
     */
    final long[] appendedAt = new long[CHUNK_SIZE];
  }

  /** Immutable list of live chunks; {@code chunks[0]} holds chunk number {@code base}. */
  static final class Directory {
    static final Directory EMPTY = new Directory(new Chunk[0], 0);

    final Chunk[] chunks;
    final long base;

    Directory(Chunk[] chunks, long base) {
      this.chunks = chunks;
      this.base = base;
    }

    @Nullable Chunk chunkOf(long seq) {
      long index = ((seq - 1) >>> CHUNK_SHIFT) - base;
      return index < 0 || index >= chunks.length ? null : chunks[(int) index];
    }

    @Nullable LogLine line(long seq) {
      Chunk c = chunkOf(seq);
      return c == null ? null : c.lines[(int) ((seq - 1) & CHUNK_MASK)];
    }
  }

  /** Told how many bytes this log's retained size changed by. */
  public interface SizeListener {
    void retainedBytesChanged(long delta);
  }

  private static final CursorImpl[] NO_CURSORS = new CursorImpl[0];
  private static final long[] NO_LOST = new long[0];

  private final DeploymentId id;
  private final String epoch;
  private final RetentionConfig config;
  private final Clock clock;
  private final SizeListener sizeListener;
  private final @Nullable LogJournal journal;
  private final ReentrantLock lock = new ReentrantLock();

  // The last seq the journal reserved; guarded by lock. No journal: nothing to reserve.
  private long reserved;

  // Seqs a restore found missing (lost in an unclean stop), as sorted {from, to} pairs inside the
  // retained range: their slots are empty, and readers report them as a gap. Set by restore only.
  private volatile long[] lost = NO_LOST;

  // Idempotency keys of recent appends, oldest (lowest seqs) first; guarded by lock. Created by
  // the first keyed append, so a log that never sees a key pays nothing.
  private @Nullable LinkedHashMap<String, IdempotencyRecord> keys;

  private long retainedBytes; // guarded by lock
  private long appendedBytes; // guarded by lock
  private @Nullable EndReason closed; // guarded by lock

  @SuppressWarnings("UnusedVariable") // accessed through LAST_SEQ
  private volatile long lastSeq; // written under lock; 0 before the first append

  @SuppressWarnings("UnusedVariable") // accessed through FIRST_SEQ
  private volatile long firstSeq = 1; // written under lock; lastSeq + 1 when nothing is retained

  private volatile Directory directory = Directory.EMPTY; // replaced under lock
  private volatile CursorImpl[] cursors = NO_CURSORS; // replaced under lock

  public LogBuffer(
      DeploymentId id,
      String epoch,
      RetentionConfig config,
      Clock clock,
      SizeListener sizeListener,
      @Nullable LogJournal journal) {
    this.id = id;
    this.epoch = epoch;
    this.config = config;
    this.clock = clock;
    this.sizeListener = sizeListener;
    this.journal = journal;
    this.reserved = journal == null ? Long.MAX_VALUE : 0;
  }

  /**
   * Rebuilds a log from durable storage: {@code lines} in seq order, up to {@code lastSeq}. Every
   * seq from the first line's to {@code lastSeq} without a line is lost, and served as a gap. The
   * journal is told nothing of what is restored; its next reservation is asked for {@code lastSeq +
   * 1}. Retention applies at once, as to an append (the limits may have changed since), and to the
   * restored idempotency keys too: those it forgets, the journal is told of.
   */
  public void restore(
      List<RestoredLine> lines, long lastSeq, List<IdempotencyRecord> restoredKeys) {
    long delta;
    lock.lock();
    try {
      for (IdempotencyRecord k : restoredKeys) {
        if (k.lastSeq() > lastSeq) {
          throw new IllegalArgumentException(
              "key " + k.key() + " names seqs past lastSeq " + lastSeq + " of " + id);
        }
        keyMap().put(k.key(), k);
      }
      forgetKeys(epochMicros(clock.instant()));
      if (!lines.isEmpty()) {
        FIRST_SEQ.setRelease(this, lines.get(0).line().seq());
      } else {
        FIRST_SEQ.setRelease(this, lastSeq + 1);
      }
      long[] gaps = new long[8];
      int pairs = 0;
      long expected = lines.isEmpty() ? lastSeq + 1 : lines.get(0).line().seq();
      long appendedAt = 0;
      for (RestoredLine r : lines) {
        LogLine line = r.line();
        long seq = line.seq();
        if (seq < expected) {
          throw new IllegalArgumentException("restored lines must be in seq order, at " + seq);
        }
        if (seq > expected) {
          gaps = addPair(gaps, pairs++, expected, seq - 1);
          fillLost(expected, seq - 1, appendedAt);
        }
        appendedAt = epochMicros(r.appendedAt());
        store(line, appendedAt);
        expected = seq + 1;
      }
      if (lastSeq >= expected) {
        gaps = addPair(gaps, pairs++, expected, lastSeq);
        fillLost(expected, lastSeq, appendedAt);
      }
      lost = Arrays.copyOf(gaps, pairs * 2);
      long last = Math.max(lastSeq, expected - 1);
      LAST_SEQ.setRelease(this, last);
      reserved = journal == null ? Long.MAX_VALUE : last;
      long firstBefore = (long) FIRST_SEQ.get(this);
      delta = retainedBytes - evictForRetention(last);
      journalDropped(firstBefore);
    } finally {
      lock.unlock();
    }
    sizeListener.retainedBytesChanged(delta);
  }

  private static long[] addPair(long[] pairs, int index, long from, long to) {
    long[] out = pairs.length < (index + 1) * 2 ? Arrays.copyOf(pairs, pairs.length * 2) : pairs;
    out[index * 2] = from;
    out[index * 2 + 1] = to;
    return out;
  }

  /** Opens the slots of lost seqs {@code from..to}, empty, so that later seqs find their chunk. */
  private void fillLost(long from, long to, long appendedAt) {
    for (long seq = from; seq <= to; seq++) {
      Chunk chunk = chunkFor(seq);
      int offset = (int) ((seq - 1) & CHUNK_MASK);
      chunk.endBytes[offset] = appendedBytes;
      chunk.appendedAt[offset] = appendedAt;
    }
  }

  /**
   * The last seq of the lost range holding {@code seq}, or 0 if {@code seq} is not lost. Readers
   * ask only when they find an empty slot.
   */
  long lostUntil(long seq) {
    return lostEdge(seq, 1);
  }

  /** The first seq of the lost range holding {@code seq}, or 0 if {@code seq} is not lost. */
  private long lostFrom(long seq) {
    return lostEdge(seq, 0);
  }

  /** Edge {@code side} (0 first, 1 last) of the lost range holding {@code seq}, or 0. */
  private long lostEdge(long seq, int side) {
    long[] ranges = lost;
    for (int i = 0; i < ranges.length; i += 2) {
      if (seq >= ranges[i] && seq <= ranges[i + 1]) {
        return ranges[i + side];
      }
    }
    return 0;
  }

  /** Lost seqs in {@code first..last}. */
  private long lostBetween(long first, long last) {
    long[] ranges = lost;
    long n = 0;
    for (int i = 0; i < ranges.length; i += 2) {
      long from = Math.max(first, ranges[i]);
      long to = Math.min(last, ranges[i + 1]);
      if (from <= to) {
        n += to - from + 1;
      }
    }
    return n;
  }

  /** Asks the journal for seqs up to {@code seq} when they are not reserved yet; under lock. */
  private void reserveUpTo(long seq) {
    LogJournal j = journal;
    if (j != null && seq > reserved) {
      long got = j.reserve(id, seq);
      if (got < seq) {
        throw new IllegalStateException(
            "the journal reserved seqs up to " + got + ", below " + seq + " of " + id);
      }
      reserved = got;
    }
  }

  private Map<String, IdempotencyRecord> keyMap() {
    LinkedHashMap<String, IdempotencyRecord> k = keys;
    if (k == null) {
      k = new LinkedHashMap<>();
      keys = k;
    }
    return k;
  }

  /**
   * Forgets the keys whose window passed, and the oldest past the most a log keeps, and tells the
   * journal; under lock. Keys are held in seq order, so the forgotten ones are a prefix.
   */
  private void forgetKeys(long nowMicros) {
    LinkedHashMap<String, IdempotencyRecord> k = keys;
    if (k == null || k.isEmpty()) {
      return;
    }
    long windowMicros = config.idempotencyWindow().toNanos() / 1000;
    long forgotUpTo = 0;
    Iterator<IdempotencyRecord> it = k.values().iterator();
    while (it.hasNext()) {
      IdempotencyRecord r = it.next();
      if (k.size() <= config.maxIdempotencyKeys()
          && epochMicros(r.createdAt()) > nowMicros - windowMicros) {
        break;
      }
      it.remove();
      forgotUpTo = r.lastSeq();
    }
    LogJournal j = journal;
    if (j != null && forgotUpTo > 0) {
      j.forgotKeys(id, forgotUpTo + 1);
    }
  }

  /** Tells the journal that retention moved the first seq, if it did since {@code before}. */
  private void journalDropped(long before) {
    LogJournal j = journal;
    long first = (long) FIRST_SEQ.get(this);
    if (j != null && first != before) {
      j.dropped(id, first);
    }
  }

  public DeploymentId id() {
    return id;
  }

  public String epoch() {
    return epoch;
  }

  Clock clock() {
    return clock;
  }

  /** Approximate heap a line holds, as {@link RetentionConfig} counts it. */
  static long sizeOf(LogLine line) {
    return RetentionConfig.sizeOf(line);
  }

  long lastSeq() {
    return (long) LAST_SEQ.getAcquire(this);
  }

  long firstSeq() {
    return (long) FIRST_SEQ.getAcquire(this);
  }

  Directory directory() {
    return directory;
  }

  // ---------------------------------------------------------------- appending

  public LogLine append(LogEntry entry, @Nullable DeploymentStatus status) {
    String message = Truncation.truncate(entry.message(), config.maxLineBytes());
    Instant given = entry.timestamp();
    long now;
    Instant ts;
    if (given == null) {
      ts = clock.instant();
      now = epochMicros(ts);
    } else {
      ts = given;
      now = epochMicros(clock.instant());
    }
    LogLine line;
    long delta;
    lock.lock();
    try {
      ensureOpen();
      long seq = (long) LAST_SEQ.get(this) + 1;
      reserveUpTo(seq);
      line = new LogLine(seq, ts, entry.stream(), entry.level(), message, status);
      long firstBefore = (long) FIRST_SEQ.get(this);
      delta = store(line, now);
      if (journal != null) {
        journal.appended(id, List.of(line), now, null);
      }
      delta -= evictForRetention(seq);
      if (((seq - 1) & CHUNK_MASK) == 0) {
        delta -= evictExpiredLocked(seq, now); // age is checked once per chunk on this path
      }
      LAST_SEQ.setRelease(this, seq);
      journalDropped(firstBefore);
    } finally {
      lock.unlock();
    }
    sizeListener.retainedBytesChanged(delta);
    signalCursors();
    return line;
  }

  /**
   * Appends {@code entries} as one run of seqs. With a {@code key}, an earlier append with the same
   * key and the same lines is answered again instead (nothing is appended), and one with other
   * lines is refused.
   */
  public AppendResult append(List<LogEntry> entries, @Nullable String key) {
    int n = entries.size();
    if (n == 0) {
      throw new IllegalArgumentException("entries must not be empty");
    }
    String fingerprint = key == null ? null : IdempotencyKeys.fingerprint(entries);
    // Everything that can be done without the lock is done before it.
    String[] messages = new String[n];
    Instant[] stamps = new Instant[n];
    Instant stampNow = clock.instant();
    long now = epochMicros(stampNow);
    for (int i = 0; i < n; i++) {
      LogEntry e = Objects.requireNonNull(entries.get(i), "entry");
      messages[i] = Truncation.truncate(e.message(), config.maxLineBytes());
      Instant given = e.timestamp();
      stamps[i] = given == null ? stampNow : given;
    }
    long first;
    long last;
    long delta = 0;
    IdempotencyRecord record = null;
    lock.lock();
    try {
      ensureOpen();
      if (key != null && fingerprint != null) {
        forgetKeys(now);
        IdempotencyRecord seen = keys == null ? null : keys.get(key);
        if (seen != null) {
          if (!seen.fingerprint().equals(fingerprint)) {
            throw new IdempotencyKeyReusedException(seen.firstSeq(), seen.lastSeq());
          }
          return seen.replay();
        }
      }
      first = (long) LAST_SEQ.get(this) + 1;
      last = first + n - 1;
      reserveUpTo(last);
      if (key != null && fingerprint != null) {
        record = new IdempotencyRecord(key, fingerprint, first, last, stampNow);
        keyMap().put(key, record);
      }
      long firstBefore = (long) FIRST_SEQ.get(this);
      LogLine[] stored = journal == null ? null : new LogLine[n];
      for (int i = 0; i < n; i++) {
        LogEntry e = entries.get(i);
        LogLine line = new LogLine(first + i, stamps[i], e.stream(), e.level(), messages[i]);
        delta += store(line, now);
        if (stored != null) {
          stored[i] = line;
        }
      }
      if (journal != null && stored != null) {
        journal.appended(id, Arrays.asList(stored), now, record);
      }
      delta -= evictForRetention(last);
      if (((first - 1) >>> CHUNK_SHIFT) != ((last - 1) >>> CHUNK_SHIFT)
          || ((first - 1) & CHUNK_MASK) == 0) {
        delta -= evictExpiredLocked(last, now); // a chunk was opened: check age
      }
      LAST_SEQ.setRelease(this, last);
      journalDropped(firstBefore);
    } finally {
      lock.unlock();
    }
    sizeListener.retainedBytesChanged(delta);
    signalCursors();
    return new AppendResult(first, last);
  }

  /** Stores a line at its seq; guarded by lock. Returns the bytes it added. */
  private long store(LogLine line, long now) {
    long seq = line.seq();
    int offset = (int) ((seq - 1) & CHUNK_MASK);
    Chunk chunk = chunkFor(seq);
    long size = sizeOf(line);
    appendedBytes += size;
    retainedBytes += size;
    chunk.endBytes[offset] = appendedBytes;
    chunk.appendedAt[offset] = now;
    chunk.lines[offset] = line;
    return size;
  }

  /**
   * The chunk of {@code seq}, the next seq of the log: a new one, published in the directory before
   * any line in it, when {@code seq} starts a chunk (or when the log has none yet, as a restore
   * starting mid-chunk does); guarded by lock.
   */
  private Chunk chunkFor(long seq) {
    Directory dir = directory;
    if (((seq - 1) & CHUNK_MASK) != 0 && dir.chunks.length > 0) {
      return dir.chunks[dir.chunks.length - 1];
    }
    Chunk chunk = new Chunk();
    Chunk[] grown = Arrays.copyOf(dir.chunks, dir.chunks.length + 1);
    grown[grown.length - 1] = chunk;
    long base = dir.chunks.length == 0 ? (seq - 1) >>> CHUNK_SHIFT : dir.base;
    directory = new Directory(grown, base);
    return chunk;
  }

  /** Drops the oldest lines until the log is within its line and byte limits; guarded by lock. */
  private long evictForRetention(long last) {
    long freed = 0;
    long first = (long) FIRST_SEQ.get(this);
    long maxLines = config.maxLines();
    long maxBytes = config.maxBytes();
    while (last - first + 1 > maxLines || retainedBytes > maxBytes) {
      freed += evictFirst(first);
      first++;
    }
    return freed;
  }

  /** Removes line {@code seq}, which must be the first retained one; guarded by lock. */
  private long evictFirst(long seq) {
    Directory dir = directory;
    Chunk chunk = dir.chunks[0];
    int offset = (int) ((seq - 1) & CHUNK_MASK);
    LogLine line = chunk.lines[offset]; // empty for a seq a restore found lost
    long size = line == null ? 0 : sizeOf(line);
    chunk.lines[offset] = null;
    retainedBytes -= size;
    FIRST_SEQ.setRelease(this, seq + 1);
    if (offset == CHUNK_MASK) {
      directory = new Directory(Arrays.copyOfRange(dir.chunks, 1, dir.chunks.length), dir.base + 1);
    }
    return size;
  }

  /** Drops lines appended before {@code now - maxAge}, up to {@code last}; guarded by lock. */
  private long evictExpiredLocked(long last, long now) {
    long cutoff = now - micros(config.maxAge());
    long first = (long) FIRST_SEQ.get(this);
    long freed = 0;
    while (first <= last) {
      Chunk chunk = directory.chunks[0];
      if (chunk.appendedAt[(int) ((first - 1) & CHUNK_MASK)] >= cutoff) {
        break;
      }
      freed += evictFirst(first);
      first++;
    }
    return freed;
  }

  /** Drops lines older than the maximum age. Returns the bytes freed. */
  public long evictExpired() {
    long freed;
    lock.lock();
    try {
      if (closed != null) {
        return 0;
      }
      long firstBefore = (long) FIRST_SEQ.get(this);
      long now = epochMicros(clock.instant());
      freed = evictExpiredLocked((long) LAST_SEQ.get(this), now);
      journalDropped(firstBefore);
      forgetKeys(now);
    } finally {
      lock.unlock();
    }
    if (freed > 0) {
      sizeListener.retainedBytesChanged(-freed);
      signalCursors();
    }
    return freed;
  }

  /**
   * Drops up to {@code maxLines} of the oldest lines, stopping once {@code bytesToFree} are freed.
   * Used to keep the store within its global budget. Returns the bytes freed.
   */
  public long evictOldest(long bytesToFree, int maxLines) {
    long freed = 0;
    lock.lock();
    try {
      if (closed != null) {
        return 0;
      }
      long firstBefore = (long) FIRST_SEQ.get(this);
      long first = firstBefore;
      long last = (long) LAST_SEQ.get(this);
      for (int i = 0; i < maxLines && first <= last && freed < bytesToFree; i++) {
        freed += evictFirst(first);
        first++;
      }
      journalDropped(firstBefore);
    } finally {
      lock.unlock();
    }
    if (freed > 0) {
      sizeListener.retainedBytesChanged(-freed);
      signalCursors();
    }
    return freed;
  }

  /** Bytes of the lines retained now. Takes the log's lock: for eviction, not the append path. */
  public long retainedBytes() {
    lock.lock();
    try {
      return retainedBytes;
    } finally {
      lock.unlock();
    }
  }

  /** Append time (epoch µs) of the first retained line, or {@link Long#MAX_VALUE} if none. */
  public long oldestAppendTime() {
    long last = lastSeq();
    Directory dir = directory;
    long first = firstSeq();
    if (first > last) {
      return Long.MAX_VALUE;
    }
    Chunk chunk = dir.chunkOf(first);
    return chunk == null ? Long.MIN_VALUE : chunk.appendedAt[(int) ((first - 1) & CHUNK_MASK)];
  }

  /** {@code d} in microseconds, at most {@link Long#MAX_VALUE}. */
  static long micros(Duration d) {
    if (d.getSeconds() >= Long.MAX_VALUE / 1_000_000L - 1) {
      return Long.MAX_VALUE;
    }
    return d.getSeconds() * 1_000_000L + d.getNano() / 1_000;
  }

  /** The instant {@code epochMicros} microseconds after the epoch. */
  static Instant instantOfMicros(long epochMicros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1_000);
  }

  /** {@code t} in microseconds since the epoch. */
  static long epochMicros(Instant t) {
    return t.getEpochSecond() * 1_000_000L + t.getNano() / 1_000;
  }

  private void ensureOpen() {
    if (closed != null) {
      throw new DeploymentNotFoundException(id);
    }
  }

  private void signalCursors() {
    CursorImpl[] current = cursors;
    if (current.length == 0) {
      return;
    }
    // Pairs with the fence in CursorImpl.poll: either this thread sees the cursor waiting, or the
    // cursor sees the new lastSeq. No wake-up is lost.
    VarHandle.fullFence();
    for (CursorImpl cursor : current) {
      cursor.signal();
    }
  }

  // ---------------------------------------------------------------- reading

  public LogInfo info() {
    lock.lock();
    try {
      long first = (long) FIRST_SEQ.get(this);
      long last = (long) LAST_SEQ.get(this);
      long lines = last - first + 1 - lostBetween(first, last);
      return new LogInfo(id, epoch, first, last, lines, retainedBytes);
    } finally {
      lock.unlock();
    }
  }

  /** {appended bytes, retained bytes}, read together under the lock. */
  public long[] stats() {
    lock.lock();
    try {
      return new long[] {appendedBytes, retainedBytes};
    } finally {
      lock.unlock();
    }
  }

  public LogPage read(long after, int limit, LogFilter filter) {
    long last = lastSeq();
    Directory dir = directory;
    long first = firstSeq();
    long from = StartPosition.seqAfter(after);
    long lost = from < first ? first - from : 0;
    long seq = Math.max(from, first);
    List<LogLine> lines = new ArrayList<>(Math.min(limit, 256));
    long scanned = 0;
    while (seq <= last && lines.size() < limit && scanned < MAX_SCAN) {
      LogLine line = dir.line(seq);
      long lostTo = line == null ? lostUntil(seq) : 0;
      if (lostTo > 0) {
        lost += lostTo - seq + 1; // lost in an unclean stop: counted as dropped, and skipped
        seq = lostTo + 1;
        continue;
      }
      if (line == null) {
        // Dropped while we read; eviction is in seq order, so everything up to seq is gone too.
        if (!lines.isEmpty()) {
          break; // the page ends here; the next read reports the loss
        }
        long newFirst = Math.max(firstSeq(), seq + 1);
        lost += newFirst - seq;
        first = newFirst;
        seq = newFirst;
        dir = directory;
        continue;
      }
      if (filter.test(line)) {
        lines.add(line);
      }
      scanned++;
      seq++;
    }
    return new LogPage(lines, first, seq, lost);
  }

  public LogPage tail(int n, LogFilter filter) {
    long last = lastSeq();
    LogPage page = before(last + 1, n, filter);
    return new LogPage(page.lines(), page.firstAvailable(), last + 1, 0);
  }

  /**
   * Up to {@code n} lines with {@code seq < before} that pass {@code filter}, newest last; the
   * page's {@code next} is the oldest seq it looked at (pass it as {@code before} for the page
   * preceding this one), or the first retained seq once nothing older is left.
   */
  public LogPage before(long before, int n, LogFilter filter) {
    Directory dir = directory;
    long first = firstSeq();
    long from = Math.min(before - 1, lastSeq());
    LogLine[] found = new LogLine[n];
    int count = 0;
    long scanned = 0;
    long seq = from;
    for (; seq >= first && count < n && scanned < MAX_SCAN; seq--, scanned++) {
      LogLine line = dir.line(seq);
      if (line == null) {
        long lostFrom = lostFrom(seq);
        if (lostFrom > 0) {
          seq = lostFrom; // the loop's seq-- goes on below the lost range
          continue;
        }
        break; // everything older is being dropped
      }
      if (filter.test(line)) {
        found[n - 1 - count] = line;
        count++;
      }
    }
    List<LogLine> lines = new ArrayList<>(count);
    for (int i = n - count; i < n; i++) {
      lines.add(Objects.requireNonNull(found[i]));
    }
    return new LogPage(lines, first, Math.max(first, seq + 1), 0);
  }

  /** Seq at which a tail of {@code n} lines passing {@code filter} starts. */
  private long tailStart(int n, LogFilter filter) {
    long last = lastSeq();
    Directory dir = directory;
    long first = firstSeq();
    if (n == 0) {
      return last + 1;
    }
    if (filter.isAll()) {
      return Math.max(first, last - n + 1);
    }
    int count = 0;
    long seq = last;
    long scanned = 0;
    for (; seq >= first && scanned < MAX_SCAN; seq--, scanned++) {
      LogLine line = dir.line(seq);
      if (line == null) {
        long lostFrom = lostFrom(seq);
        if (lostFrom > 0) {
          seq = lostFrom;
          continue;
        }
        return seq + 1;
      }
      if (filter.test(line) && ++count == n) {
        return seq;
      }
    }
    return seq + 1;
  }

  // ---------------------------------------------------------------- cursors

  public CursorImpl subscribe(
      StartPosition start,
      LogFilter filter,
      CursorListener listener,
      @Nullable LongAdder gapCounter) {
    // The position is only a number: the cursor reads every line from it on, including lines
    // appended while it is being registered, so it needs no lock to be exact.
    boolean reset = false;
    long position;
    if (start instanceof StartPosition.After after) {
      String wanted = after.epoch();
      if (wanted != null && !wanted.equals(epoch)) {
        reset = true;
        position = firstSeq();
      } else {
        position = after.next();
      }
    } else if (start instanceof StartPosition.Tail tail) {
      position = tailStart(tail.lines(), filter);
    } else {
      position = lastSeq() + 1;
    }
    CursorOpening opening = new CursorOpening(epoch, firstSeq(), position, reset);
    CursorImpl cursor = new CursorImpl(this, filter, listener, position, opening, gapCounter);
    lock.lock();
    try {
      ensureOpen();
      CursorImpl[] current = cursors;
      CursorImpl[] grown = Arrays.copyOf(current, current.length + 1);
      grown[current.length] = cursor;
      cursors = grown;
    } finally {
      lock.unlock();
    }
    return cursor;
  }

  void detach(CursorImpl cursor) {
    lock.lock();
    try {
      CursorImpl[] current = cursors;
      for (int i = 0; i < current.length; i++) {
        if (current[i] == cursor) {
          CursorImpl[] shrunk = new CursorImpl[current.length - 1];
          System.arraycopy(current, 0, shrunk, 0, i);
          System.arraycopy(current, i + 1, shrunk, i, current.length - i - 1);
          cursors = shrunk;
          return;
        }
      }
    } finally {
      lock.unlock();
    }
  }

  public int cursorCount() {
    return cursors.length;
  }

  /**
   * Closes the log: later appends fail, its cursors end with {@code reason}. Returns the bytes it
   * held.
   */
  public long close(EndReason reason) {
    CursorImpl[] ended;
    long freed;
    lock.lock();
    try {
      if (closed != null) {
        return 0;
      }
      closed = reason;
      ended = cursors;
      cursors = NO_CURSORS;
      freed = retainedBytes;
      retainedBytes = 0;
    } finally {
      lock.unlock();
    }
    for (CursorImpl cursor : ended) {
      cursor.end(reason);
    }
    return freed;
  }
}
