package io.coderunner.websocket;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLine;
import io.coderunner.core.log.AppendResult;
import io.coderunner.core.log.CursorBatch;
import io.coderunner.core.log.CursorLag;
import io.coderunner.core.log.CursorListener;
import io.coderunner.core.log.CursorOpening;
import io.coderunner.core.log.EndReason;
import io.coderunner.core.log.LogCursor;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.LogInfo;
import io.coderunner.core.log.LogPage;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.LogStoreStats;
import io.coderunner.core.log.StartPosition;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A real log store whose cursors on one deployment fail when asked for their lag: the failure a
 * broken store implementation would bring into the housekeeping, which a real store never does.
 */
final class LagFailingStore implements LogStore {
  private final LogStore store;
  private final DeploymentId poisoned;

  LagFailingStore(LogStore store, DeploymentId poisoned) {
    this.store = store;
    this.poisoned = poisoned;
  }

  @Override
  public LogCursor subscribe(
      DeploymentId id, StartPosition start, LogFilter filter, CursorListener listener) {
    LogCursor cursor = store.subscribe(id, start, filter, listener);
    return id.equals(poisoned) ? new FailingLag(cursor) : cursor;
  }

  private static final class FailingLag implements LogCursor {
    private final LogCursor cursor;

    FailingLag(LogCursor cursor) {
      this.cursor = cursor;
    }

    @Override
    public CursorLag lag() {
      throw new IllegalStateException("lag is broken");
    }

    @Override
    public DeploymentId deploymentId() {
      return cursor.deploymentId();
    }

    @Override
    public CursorOpening opening() {
      return cursor.opening();
    }

    @Override
    public LogFilter filter() {
      return cursor.filter();
    }

    @Override
    public long position() {
      return cursor.position();
    }

    @Override
    public CursorBatch poll(int maxLines, long maxBytes) {
      return cursor.poll(maxLines, maxBytes);
    }

    @Override
    public @Nullable EndReason endReason() {
      return cursor.endReason();
    }

    @Override
    public void close() {
      cursor.close();
    }
  }

  @Override
  public LogInfo create(DeploymentId id) {
    return store.create(id);
  }

  @Override
  public Optional<LogInfo> info(DeploymentId id) {
    return store.info(id);
  }

  @Override
  public LogLine append(DeploymentId id, LogEntry entry) {
    return store.append(id, entry);
  }

  @Override
  public AppendResult append(DeploymentId id, List<LogEntry> entries) {
    return store.append(id, entries);
  }

  @Override
  public AppendResult append(DeploymentId id, List<LogEntry> entries, String idempotencyKey) {
    return store.append(id, entries, idempotencyKey);
  }

  @Override
  public LogLine appendStatus(DeploymentId id, DeploymentStatus status, String message) {
    return store.appendStatus(id, status, message);
  }

  @Override
  public LogPage read(DeploymentId id, long after, int limit, LogFilter filter) {
    return store.read(id, after, limit, filter);
  }

  @Override
  public LogPage readBefore(DeploymentId id, long before, int limit, LogFilter filter) {
    return store.readBefore(id, before, limit, filter);
  }

  @Override
  public long evictExpired() {
    return store.evictExpired();
  }

  @Override
  public LogPage tail(DeploymentId id, int n, LogFilter filter) {
    return store.tail(id, n, filter);
  }

  @Override
  public LogStoreStats stats() {
    return store.stats();
  }

  @Override
  public boolean delete(DeploymentId id) {
    return store.delete(id);
  }

  @Override
  public void close() {
    store.close();
  }
}
