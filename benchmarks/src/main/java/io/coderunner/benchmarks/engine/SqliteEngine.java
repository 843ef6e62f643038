package io.coderunner.benchmarks.engine;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * SQLite through {@code org.xerial:sqlite-jdbc}: WAL journal, one connection, lines in a {@code
 * WITHOUT ROWID} table clustered on (log, seq); {@code synchronous=FULL} fsyncs the WAL on each
 * commit, {@code OFF} leaves it to the operating system.
 */
final class SqliteEngine implements Engine {
  private final Connection db;
  private final PreparedStatement insert;
  private final PreparedStatement select;
  private final PreparedStatement delete;

  SqliteEngine(Path file, Sync sync) throws Exception {
    db = DriverManager.getConnection("jdbc:sqlite:" + file);
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=" + (sync == Sync.ALWAYS ? "FULL" : "OFF"));
      s.execute(
          "CREATE TABLE IF NOT EXISTS lines (log INTEGER NOT NULL, seq INTEGER NOT NULL,"
              + " data BLOB NOT NULL, PRIMARY KEY (log, seq)) WITHOUT ROWID");
    }
    db.setAutoCommit(false);
    insert = db.prepareStatement("INSERT INTO lines (log, seq, data) VALUES (?, ?, ?)");
    select =
        db.prepareStatement(
            "SELECT data FROM lines WHERE log = ? AND seq > ? ORDER BY seq LIMIT ?");
    delete = db.prepareStatement("DELETE FROM lines WHERE log = ? AND seq < ?");
  }

  @Override
  public void append(long log, long firstSeq, List<byte[]> lines) throws Exception {
    long seq = firstSeq;
    for (byte[] line : lines) {
      insert.setLong(1, log);
      insert.setLong(2, seq++);
      insert.setBytes(3, line);
      insert.addBatch();
    }
    insert.executeBatch();
    db.commit();
  }

  @Override
  public List<byte[]> read(long log, long after, int limit) throws Exception {
    select.setLong(1, log);
    select.setLong(2, after);
    select.setInt(3, limit);
    List<byte[]> out = new ArrayList<>(limit);
    try (ResultSet r = select.executeQuery()) {
      while (r.next()) {
        out.add(r.getBytes(1));
      }
    }
    db.commit();
    return out;
  }

  @Override
  public void dropBefore(long log, long before) throws Exception {
    delete.setLong(1, log);
    delete.setLong(2, before);
    delete.executeUpdate();
    db.commit();
  }

  @Override
  public void close() throws SQLException {
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    db.close();
  }
}
