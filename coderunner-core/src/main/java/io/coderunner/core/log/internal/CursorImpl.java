package io.coderunner.core.log.internal;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogLine;
import io.coderunner.core.log.CursorBatch;
import io.coderunner.core.log.CursorLag;
import io.coderunner.core.log.CursorListener;
import io.coderunner.core.log.CursorOpening;
import io.coderunner.core.log.EndReason;
import io.coderunner.core.log.LogCursor;
import io.coderunner.core.log.LogFilter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A position in a {@link LogBuffer} plus a filter. Reading is lock-free; the only shared state
 * besides the position is {@link #waiting}, the flag that hands wake-ups between the owner and
 * appenders without losing one.
 */
public final class CursorImpl implements LogCursor {
  private static final Logger log = LoggerFactory.getLogger(CursorImpl.class);
  private static final VarHandle WAITING;

  /** A filtered poll scans at most this many lines per line it may return. */
  private static final int SCAN_FACTOR = 16;

  static {
    try {
      WAITING = MethodHandles.lookup().findVarHandle(CursorImpl.class, "waiting", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final LogBuffer buffer;
  private final LogFilter filter;
  private final CursorListener listener;
  private final CursorOpening opening;
  private final @Nullable LongAdder gapCounter;

  private volatile long position; // written only by the polling thread
  private volatile @Nullable EndReason ended;

  /** True while the owner waits for a signal: set by an empty poll, cleared by whoever signals. */
  @SuppressWarnings("UnusedVariable") // accessed through WAITING
  private volatile boolean waiting;

  CursorImpl(
      LogBuffer buffer,
      LogFilter filter,
      CursorListener listener,
      long position,
      CursorOpening opening,
      @Nullable LongAdder gapCounter) {
    this.buffer = buffer;
    this.filter = filter;
    this.listener = listener;
    this.position = position;
    this.opening = opening;
    this.gapCounter = gapCounter;
  }

  @Override
  public DeploymentId deploymentId() {
    return buffer.id();
  }

  @Override
  public CursorOpening opening() {
    return opening;
  }

  @Override
  public LogFilter filter() {
    return filter;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public @Nullable EndReason endReason() {
    return ended;
  }

  @Override
  public CursorBatch poll(int maxLines, long maxBytes) {
    if (maxLines < 1) {
      throw new IllegalArgumentException("maxLines must be >= 1, was " + maxLines);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
    }
    while (true) {
      EndReason reason = ended;
      if (reason != null) {
        return new CursorBatch.Ended(reason);
      }
      long last = buffer.lastSeq();
      LogBuffer.Directory dir = buffer.directory();
      long first = buffer.firstSeq();
      long pos = position;
      if (pos < first) {
        position = first;
        if (gapCounter != null) {
          gapCounter.increment();
        }
        return new CursorBatch.Gap(pos, first - 1);
      }
      if (pos > last) {
        WAITING.setVolatile(this, true);
        // Re-check after announcing that we wait: an append that published before our flag was
        // visible did not signal us, so we must see its lastSeq here.
        if (buffer.lastSeq() < pos && ended == null) {
          return new CursorBatch.Idle(pos);
        }
        if (!WAITING.compareAndSet(this, true, false)) {
          return new CursorBatch.Idle(pos); // a signal is already on its way to the owner
        }
        continue;
      }
      if (dir.line(pos) == null) {
        long lostTo = buffer.lostUntil(pos);
        if (lostTo > 0) { // lost in an unclean stop before a restore: a gap, as retention's
          position = lostTo + 1;
          if (gapCounter != null) {
            gapCounter.increment();
          }
          return new CursorBatch.Gap(pos, lostTo);
        }
      }
      CursorBatch batch = read(dir, pos, last, maxLines, maxBytes);
      if (batch != null) {
        return batch;
      }
      // The first line was dropped while we read it: loop, which reports the gap.
    }
  }

  private CursorBatch.@Nullable Lines read(
      LogBuffer.Directory dir, long pos, long last, int maxLines, long maxBytes) {
    LogBuffer.Chunk firstChunk = dir.chunkOf(pos);
    if (firstChunk == null) {
      return null; // dropped under us
    }
    long appendedAt = firstChunk.appendedAt[(int) ((pos - 1) & LogBuffer.CHUNK_MASK)];
    boolean all = filter.isAll();
    long scanLimit = all ? maxLines : (long) maxLines * SCAN_FACTOR;
    LogLine[] out = new LogLine[(int) Math.min(maxLines, last - pos + 1)];
    int count = 0;
    long bytes = 0;
    long seq = pos;
    long scanned = 0;
    while (seq <= last && count < maxLines && scanned < scanLimit) {
      LogLine line = dir.line(seq);
      if (line == null) {
        break; // dropped under us; the next poll reports the gap
      }
      if (all || filter.test(line)) {
        long size = LogBuffer.sizeOf(line);
        if (count > 0 && bytes + size > maxBytes) {
          break;
        }
        bytes += size;
        out[count++] = line;
      }
      seq++;
      scanned++;
    }
    if (seq == pos) {
      return null;
    }
    position = seq;
    List<LogLine> lines =
        count == 0
            ? List.of()
            : Collections.unmodifiableList(
                Arrays.asList(count == out.length ? out : Arrays.copyOf(out, count)));
    return new CursorBatch.Lines(lines, seq, LogBuffer.instantOfMicros(appendedAt));
  }

  @Override
  public CursorLag lag() {
    long last = buffer.lastSeq();
    LogBuffer.Directory dir = buffer.directory();
    long first = buffer.firstSeq();
    long pos = position;
    if (pos > last) {
      return CursorLag.NONE;
    }
    long lines = last - pos + 1;
    long from = Math.max(pos, first);
    LogBuffer.Chunk lastChunk = dir.chunkOf(last);
    LogBuffer.Chunk fromChunk = dir.chunkOf(from);
    if (from > last || lastChunk == null || fromChunk == null) {
      return new CursorLag(lines, 0, Duration.ZERO);
    }
    int fromOffset = (int) ((from - 1) & LogBuffer.CHUNK_MASK);
    LogLine fromLine = fromChunk.lines[fromOffset];
    long fromStart =
        fromChunk.endBytes[fromOffset] - (fromLine == null ? 0 : LogBuffer.sizeOf(fromLine));
    long bytes = lastChunk.endBytes[(int) ((last - 1) & LogBuffer.CHUNK_MASK)] - fromStart;
    long ageMicros =
        LogBuffer.epochMicros(buffer.clock().instant()) - fromChunk.appendedAt[fromOffset];
    return new CursorLag(
        lines, Math.max(0, bytes), Duration.ofNanos(Math.max(0, ageMicros) * 1_000));
  }

  /** Called by appenders after they published new lines. */
  void signal() {
    if ((boolean) WAITING.getVolatile(this) && WAITING.compareAndSet(this, true, false)) {
      notifyListener();
    }
  }

  /** Ends the cursor and wakes its owner so it sees the end. */
  void end(EndReason reason) {
    if (ended != null) {
      return;
    }
    ended = reason;
    VarHandle.fullFence();
    if (WAITING.compareAndSet(this, true, false)) {
      notifyListener();
    }
  }

  private void notifyListener() {
    try {
      listener.onSignal(this);
    } catch (RuntimeException e) {
      log.warn("cursor listener for deployment {} failed", buffer.id(), e);
    }
  }

  @Override
  public void close() {
    if (ended != null) {
      return;
    }
    buffer.detach(this);
    end(EndReason.CLOSED);
  }
}
