package io.coderunner.storage.internal;

import io.coderunner.storage.StorageException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;

/**
 * The database's schema, as numbered migrations applied in order. The schema's version is SQLite's
 * {@code user_version}; each migration runs in one transaction with the version bump, and {@code
 * schema_history} records when each was applied. A database of a newer version than this build
 * knows is refused, never changed.
 */
final class Migrations {
  /** One step of the schema. */
  record Migration(int version, String description, List<String> statements) {}

  static final List<Migration> ALL =
      List.of(
          new Migration(
              1,
              "deployments",
              List.of(
                  "CREATE TABLE schema_history (version INTEGER PRIMARY KEY,"
                      + " description TEXT NOT NULL, applied_at TEXT NOT NULL)",
                  "CREATE TABLE deployments (id TEXT PRIMARY KEY, owner_id TEXT NOT NULL,"
                      + " name TEXT NOT NULL, command TEXT NOT NULL, env TEXT NOT NULL,"
                      + " working_dir TEXT, status TEXT NOT NULL, created_at TEXT NOT NULL,"
                      + " updated_at TEXT NOT NULL) WITHOUT ROWID")),
          new Migration(
              2,
              "logs",
              List.of(
                  // One row per log: its epoch and the high-water mark, the last seq reserved
                  // ahead of appends (the last seq handed out, after a clean stop).
                  "CREATE TABLE logs (log_id INTEGER PRIMARY KEY, deployment_id TEXT NOT NULL"
                      + " UNIQUE, owner_id TEXT NOT NULL, epoch TEXT NOT NULL,"
                      + " high_water INTEGER NOT NULL, created_at TEXT NOT NULL)",
                  // Lines clustered by (log, seq). Times in epoch nanoseconds (ts) and
                  // microseconds (appended_at); stream and level as the codes in LineCodes.
                  "CREATE TABLE lines (log_id INTEGER NOT NULL, seq INTEGER NOT NULL,"
                      + " ts INTEGER NOT NULL, appended_at INTEGER NOT NULL,"
                      + " stream INTEGER NOT NULL, level INTEGER NOT NULL, status TEXT,"
                      + " message TEXT NOT NULL, PRIMARY KEY (log_id, seq)) WITHOUT ROWID")),
          new Migration(
              3,
              "idempotency keys",
              List.of(
                  // The key of an append, written in the transaction of its lines; created_at in
                  // epoch microseconds. Forgotten by seq: keys are made in seq order per log.
                  "CREATE TABLE ingest_keys (log_id INTEGER NOT NULL, key TEXT NOT NULL,"
                      + " fingerprint TEXT NOT NULL, first_seq INTEGER NOT NULL,"
                      + " last_seq INTEGER NOT NULL, created_at INTEGER NOT NULL,"
                      + " PRIMARY KEY (log_id, key)) WITHOUT ROWID",
                  "CREATE INDEX ingest_keys_by_seq ON ingest_keys (log_id, first_seq)")),
          new Migration(
              4,
              "processes",
              List.of(
                  // The process a runner started for a deployment, while it runs: found again by
                  // pid and start time (ISO-8601) after a crash, and stopped.
                  "CREATE TABLE processes (deployment_id TEXT PRIMARY KEY, pid INTEGER NOT NULL,"
                      + " started_at TEXT NOT NULL, process_group INTEGER NOT NULL) WITHOUT ROWID")));

  private Migrations() {}

  /** The newest version this build knows. */
  static int latest() {
    return ALL.get(ALL.size() - 1).version();
  }

  /**
   * Brings the database on {@code db} to {@link #latest()}.
   *
   * @return the version it had before
   * @throws StorageException if it is newer than this build knows, or a migration failed
   */
  static int apply(Connection db, Path dir, Clock clock) throws SQLException {
    int found = version(db);
    if (found > latest()) {
      throw new StorageException(
          "the data directory "
              + dir
              + " holds schema version "
              + found
              + ", newer than this build knows ("
              + latest()
              + "): run a CodeRunner at least as new as the one that wrote it");
    }
    boolean auto = db.getAutoCommit();
    db.setAutoCommit(false);
    try {
      for (Migration m : ALL) {
        if (m.version() <= found) {
          continue;
        }
        try (Statement s = db.createStatement()) {
          for (String sql : m.statements()) {
            s.execute(sql);
          }
          s.execute("PRAGMA user_version = " + m.version());
        }
        try (PreparedStatement p =
            db.prepareStatement(
                "INSERT INTO schema_history (version, description, applied_at) VALUES (?, ?, ?)")) {
          p.setInt(1, m.version());
          p.setString(2, m.description());
          p.setString(3, clock.instant().toString());
          p.executeUpdate();
        }
        db.commit();
      }
    } catch (SQLException e) {
      db.rollback();
      throw e;
    } finally {
      db.setAutoCommit(auto);
    }
    return found;
  }

  static int version(Connection db) throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet r = s.executeQuery("PRAGMA user_version")) {
      return r.next() ? r.getInt(1) : 0;
    }
  }
}
