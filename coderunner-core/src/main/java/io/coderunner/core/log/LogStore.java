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

  /** Creates the log of {@code id} with a new epoch, or returns the existing one's info. */
  LogInfo create(DeploymentId id);

  /**
   * As {@link #create(DeploymentId)}, for a deployment of {@code ownerId}: a store that shares a
   * budget between logs may use the owner to share it fairly. The default ignores the owner.
   */
  default LogInfo create(DeploymentId id, String ownerId) {
    return create(id);
  }

  /** The log's current state, if it exists. */
  Optional<LogInfo> info(DeploymentId id);

  /** Appends one line and returns it with its seq and timestamp. */
  LogLine append(DeploymentId id, LogEntry entry);

  /**
   * Appends lines as one contiguous run of seqs; no other line lands between them.
   *
   * @throws IllegalArgumentException if {@code entries} is empty
   */
  AppendResult append(DeploymentId id, List<LogEntry> entries);

  /** Records a status change as a {@code system} line with {@code message}. */
  LogLine appendStatus(DeploymentId id, DeploymentStatus status, String message);

  /**
   * Up to {@code limit} lines with {@code seq > after} that pass {@code filter}.
   *
   * @param after 0 for the beginning
   * @param limit 1 to 10,000
   */
  LogPage read(DeploymentId id, long after, int limit, LogFilter filter);

  /** The last {@code n} lines that pass {@code filter}, in seq order ({@code n} 0 to 10,000). */
  LogPage tail(DeploymentId id, int n, LogFilter filter);

  /**
   * Opens a cursor on the log. See {@link LogCursor} for how to read it.
   *
   * @param listener signalled when the cursor has something to read
   */
  LogCursor subscribe(
      DeploymentId id, StartPosition start, LogFilter filter, CursorListener listener);

  /**
   * The store's current totals, for metrics. Cheap enough to call once per scrape; a snapshot, not
   * an atomic view (see {@link LogStoreStats}).
   */
  LogStoreStats stats();

  /** Deletes the log; its cursors end with {@link EndReason#DELETED}. */
  boolean delete(DeploymentId id);

  /** Ends every cursor ({@link EndReason#STORE_CLOSED}) and releases the logs. Idempotent. */
  @Override
  void close();
}
