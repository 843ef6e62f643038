package io.coderunner.storage;

import io.coderunner.core.deploy.DeploymentStore;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.storage.internal.Database;
import io.coderunner.storage.internal.SqliteDeploymentStore;
import io.coderunner.storage.internal.SqliteLogStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * The durable stores of one data directory: one SQLite database ({@code coderunner.db}, WAL mode)
 * that survives a restart, locked ({@code coderunner.lock}) while open so that two servers never
 * share it. Open it once per application, hand its stores to the deployment service, and close it
 * last. It runs one thread, the log writer ({@code coderunner-storage-writer}), until it is closed.
 */
public final class DurableStorage implements AutoCloseable {
  private final StorageConfig config;
  private final Database db;
  private final SqliteDeploymentStore deployments;
  private final SqliteLogStore logs;

  private DurableStorage(
      StorageConfig config, Database db, RetentionConfig retention, Clock clock) {
    this.config = config;
    this.db = db;
    this.deployments = new SqliteDeploymentStore(db);
    this.logs = new SqliteLogStore(db, config, retention, clock);
  }

  /**
   * Opens the data directory of {@code config}, creating it and its database if missing and
   * migrating an older schema.
   *
   * @param config where and how to store
   * @param retention how much of each log, and of all logs, is kept, on disk as in memory
   * @param clock stamps lines and decides their age
   * @return the open storage
   * @throws StorageException if the directory is locked by another server, cannot be written, or
   *     holds a schema newer than this build knows
   */
  public static DurableStorage open(StorageConfig config, RetentionConfig retention, Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(retention, "retention");
    Database db = Database.open(config.dataDir(), clock);
    try {
      return new DurableStorage(config, db, retention, clock);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  /**
   * The deployments, each write fsynced before it returns.
   *
   * @return the store
   */
  public DeploymentStore deployments() {
    return deployments;
  }

  /**
   * The logs: the in-memory store's hot path, written behind it under the fsync policy; every
   * retained line and each log's epoch and seqs survive a restart.
   *
   * @return the store
   */
  public LogStore logs() {
    return logs;
  }

  /**
   * What the storage takes and has left now, and whether its writes succeed. Reads the file system:
   * call it per health check or scrape, not per request.
   *
   * @return the stats
   */
  public StorageStats stats() {
    Path dir = db.dir();
    long database = 0;
    for (String name :
        new String[] {Database.FILE, Database.FILE + "-wal", Database.FILE + "-shm"}) {
      database += dir.resolve(name).toFile().length();
    }
    java.io.File volume = dir.toFile();
    java.sql.SQLException failure = logs.writeFailure();
    return new StorageStats(
        dir,
        database,
        volume.getUsableSpace(),
        volume.getTotalSpace(),
        logs.pendingWrites(),
        logs.linesWritten(),
        failure == null ? null : String.valueOf(failure.getMessage()));
  }

  /**
   * The data directory.
   *
   * @return its absolute path
   */
  public Path dataDir() {
    return db.dir();
  }

  /**
   * What it was opened with.
   *
   * @return the config
   */
  public StorageConfig config() {
    return config;
  }

  /**
   * Closes the logs (their cursors end, what is queued is written), then the database, and releases
   * the directory's lock. Idempotent.
   */
  @Override
  public void close() {
    try {
      logs.close();
    } finally {
      db.close();
    }
  }
}
