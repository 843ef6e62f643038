package io.coderunner.core.log;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentNotFoundException;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLine;
import java.util.List;
import java.util.Optional;

/**
 * Where deployments' logs live: the SPI the in-memory store and the Redis store both meet.
 *
 * <p>Each deployment has one log, created explicitly with {@link #create}. Every appended line gets
 * the next {@code seq} of that log (1, 2, 3, ... without holes); a status change is appended as a
 * {@link io.coderunner.core.StreamKind#SYSTEM} line carrying the new status. Readers either page
 * through history ({@link #read}, {@link #tail}) or {@linkplain #subscribe follow} with a cursor.
 *
 * <p>Implementations are thread-safe. Appends never wait for readers and never run subscriber code
 * other than a {@link CursorListener}'s signal. Operations on a log that does not exist throw
 * {@link DeploymentNotFoundException}.
 */
public interface LogStore extends AutoCloseable {

  /**
   * Creates the log of {@code id} with a new epoch, or returns the existing one's info.
   *
   * @param id the deployment the log belongs to
   * @return the log's state: a fresh log has {@code lastSeq} 0
   */
  LogInfo create(DeploymentId id);

  /**
   * As {@link #create(DeploymentId)}, for a deployment of {@code ownerId}: a store that shares a
   * budget between logs may use the owner to share it fairly. The default ignores the owner.
   *
   * @param id the deployment the log belongs to
   * @param ownerId the deployment owner's {@link io.coderunner.core.Principal#id()}
   * @return the log's state, as {@link #create(DeploymentId)} returns it
   */
  default LogInfo create(DeploymentId id, String ownerId) {
    return create(id);
  }

  /**
   * The log's current state, if it exists.
   *
   * @param id the deployment
   * @return a snapshot of its log, or empty if there is none
   */
  Optional<LogInfo> info(DeploymentId id);

  /**
   * Appends one line and returns it with its seq and timestamp. A message longer than the store's
   * line limit is truncated; an entry without a timestamp is stamped with the store's clock.
   *
   * @param id the deployment
   * @param entry the line to append
   * @return the stored line
   * @throws DeploymentNotFoundException if the log does not exist
   */
  LogLine append(DeploymentId id, LogEntry entry);

  /**
   * Appends lines as one contiguous run of seqs; no other line lands between them.
   *
   * @param id the deployment
   * @param entries the lines to append, in order; at least one
   * @return the seqs they took
   * @throws IllegalArgumentException if {@code entries} is empty
   * @throws DeploymentNotFoundException if the log does not exist
   */
  AppendResult append(DeploymentId id, List<LogEntry> entries);

  /**
   * As {@link #append(DeploymentId, List)}, at most once per key: when the log remembers an append
   * with {@code idempotencyKey} and the same lines (same messages, levels, streams and timestamps),
   * nothing is appended and that append's seqs are returned, {@linkplain AppendResult#replayed()
   * marked replayed}; so a client that timed out may send the same lines again with the same key. A
   * store remembers a key for {@link RetentionConfig#idempotencyWindow()}, and at most {@link
   * RetentionConfig#maxIdempotencyKeys()} keys per log; a durable store keeps the key with the
   * lines, so a restart forgets neither without the other. Concurrent appends with one key append
   * once; a store that waits for the disk before an append returns waits for it on a replay too.
   *
   * @param id the deployment
   * @param entries the lines to append, in order; at least one
   * @param idempotencyKey the client's key for these lines, as {@link IdempotencyKeys#check}
   *     accepts
   * @return the seqs the lines took, now or when they were first appended
   * @throws IllegalArgumentException if {@code entries} is empty or the key is malformed
   * @throws IdempotencyKeyReusedException if the key was used for other lines; nothing is appended
   * @throws DeploymentNotFoundException if the log does not exist
   */
  AppendResult append(DeploymentId id, List<LogEntry> entries, String idempotencyKey);

  /**
   * Records a status change as a {@code system} line with {@code message}.
   *
   * @param id the deployment
   * @param status the new status, carried by the line
   * @param message the line's text, such as {@code stopping}
   * @return the stored line
   * @throws DeploymentNotFoundException if the log does not exist
   */
  LogLine appendStatus(DeploymentId id, DeploymentStatus status, String message);

  /**
   * Up to {@code limit} lines with {@code seq > after} that pass {@code filter}.
   *
   * @param id the deployment
   * @param after the last seq the reader already has; 0 for the beginning
   * @param limit 1 to 10,000
   * @param filter the lines wanted; {@link LogFilter#all()} for every line
   * @return the page, with where to continue and how many lines retention had dropped
   * @throws IllegalArgumentException if {@code after} is negative or {@code limit} out of range
   * @throws DeploymentNotFoundException if the log does not exist
   */
  LogPage read(DeploymentId id, long after, int limit, LogFilter filter);

  /**
   * Up to {@code limit} lines with {@code seq < before} that pass {@code filter}, newest last: the
   * page before one the reader already has. A store may look at a bounded number of lines per call,
   * so a filter that matches little can give a short page that is not the end.
   *
   * @param id the deployment
   * @param before the oldest seq the reader already has; the head's seq + 1 for the newest lines
   * @param limit 1 to 10,000
   * @param filter the lines wanted; {@link LogFilter#all()} for every line
   * @return the page; its {@link LogPage#next()} is the oldest seq it looked at, to pass as {@code
   *     before} for the page preceding this one: when it is at or below {@link
   *     LogPage#firstAvailable()}, nothing older is retained
   * @throws IllegalArgumentException if {@code before} is below 1 or {@code limit} out of range
   * @throws DeploymentNotFoundException if the log does not exist
   */
  LogPage readBefore(DeploymentId id, long before, int limit, LogFilter filter);

  /**
   * The last {@code n} lines that pass {@code filter}, in seq order ({@code n} 0 to 10,000).
   *
   * @param id the deployment
   * @param n how many lines at most
   * @param filter the lines wanted; {@link LogFilter#all()} for every line
   * @return the page
   * @throws IllegalArgumentException if {@code n} is out of range
   * @throws DeploymentNotFoundException if the log does not exist
   */
  LogPage tail(DeploymentId id, int n, LogFilter filter);

  /**
   * Opens a cursor on the log. See {@link LogCursor} for how to read it.
   *
   * @param id the deployment
   * @param start where the cursor starts reading
   * @param filter the lines the cursor returns; {@link LogFilter#all()} for every line
   * @param listener signalled when the cursor has something to read
   * @return an open cursor; close it when done
   * @throws DeploymentNotFoundException if the log does not exist
   */
  LogCursor subscribe(
      DeploymentId id, StartPosition start, LogFilter filter, CursorListener listener);

  /**
   * Drops lines older than the retention's maximum age from every log. The host schedules it (say,
   * once a second); a store that also checks age as it appends still needs it for logs that went
   * quiet.
   *
   * @return the bytes freed, as the store counts retained bytes; 0 if nothing was due
   */
  long evictExpired();

  /**
   * The store's current totals, for metrics. Cheap enough to call once per scrape; a snapshot, not
   * an atomic view (see {@link LogStoreStats}).
   *
   * @return the totals
   */
  LogStoreStats stats();

  /**
   * Deletes the log; its cursors end with {@link EndReason#DELETED}.
   *
   * @param id the deployment
   * @return {@code true} if a log existed and was deleted
   */
  boolean delete(DeploymentId id);

  /** Ends every cursor ({@link EndReason#STORE_CLOSED}) and releases the logs. Idempotent. */
  @Override
  void close();
}
