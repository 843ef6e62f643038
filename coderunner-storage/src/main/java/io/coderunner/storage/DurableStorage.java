package io.coderunner.storage;

import io.coderunner.core.deploy.DeploymentStore;
import io.coderunner.storage.internal.Database;
import io.coderunner.storage.internal.SqliteDeploymentStore;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * The durable stores of one data directory: one SQLite database ({@code coderunner.db}, WAL mode)
 * that survives a restart, locked ({@code coderunner.lock}) while open so that two servers never
 * share it. Open it once per application, hand its stores to the deployment service, and close it
 * last. It starts no thread of its own until a store needs its writer.
 */
public final class DurableStorage implements AutoCloseable {
  private final StorageConfig config;
  private final Database db;
  private final SqliteDeploymentStore deployments;

  private DurableStorage(StorageConfig config, Database db) {
    this.config = config;
    this.db = db;
    this.deployments = new SqliteDeploymentStore(db);
  }

  /**
   * Opens the data directory of {@code config}, creating it and its database if missing and
   * migrating an older schema.
   *
   * @param config where and how to store
   * @param clock records when migrations were applied
   * @return the open storage
   * @throws StorageException if the directory is locked by another server, cannot be written, or
   *     holds a schema newer than this build knows
   */
  public static DurableStorage open(StorageConfig config, Clock clock) {
    Objects.requireNonNull(config, "config");
    Database db = Database.open(config.dataDir(), clock);
    try {
      return new DurableStorage(config, db);
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

  /** Closes the database and releases the directory's lock. Idempotent. */
  @Override
  public void close() {
    db.close();
  }
}
