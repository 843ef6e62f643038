package io.coderunner.storage.internal;

import io.coderunner.storage.StorageException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The data directory: its lock, held while the database is open so that two servers never write one
 * directory, and the SQLite database {@value #FILE} in WAL mode, migrated to the current schema
 * when opened. Connections come from {@link #connect}; each is used by one thread at a time.
 */
public final class Database implements AutoCloseable {
  /** The database's file in the data directory. */
  public static final String FILE = "coderunner.db";

  /** The lock's file in the data directory. */
  public static final String LOCK = "coderunner.lock";

  /** How durable a connection's commits are. */
  public enum Sync {
    /** Each commit fsyncs the write-ahead log. */
    FULL,
    /** Commits are written to the operating system, not fsynced. */
    OFF
  }

  private final Path dir;
  private final FileChannel lockFile;
  private final FileLock lock;
  private final List<Connection> connections = new ArrayList<>();

  private Database(Path dir, FileChannel lockFile, FileLock lock) {
    this.dir = dir;
    this.lockFile = lockFile;
    this.lock = lock;
  }

  /**
   * Locks {@code dir} (creating it if missing), opens its database and migrates it.
   *
   * @throws StorageException if the directory cannot be created or written, another process holds
   *     its lock, or its schema is newer than this build knows
   */
  public static Database open(Path dir, Clock clock) {
    Path abs = dir.toAbsolutePath();
    FileChannel channel;
    try {
      Files.createDirectories(abs);
      channel =
          FileChannel.open(abs.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new StorageException("cannot use the data directory " + abs + ": " + e, e);
    }
    @Nullable FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (IOException | OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      close(channel);
      throw new StorageException(
          "the data directory "
              + abs
              + " is in use by another CodeRunner server ("
              + LOCK
              + " is locked)");
    }
    Database db = new Database(abs, channel, lock);
    try {
      Connection c = db.connect(Sync.FULL);
      Migrations.apply(c, abs, clock);
    } catch (SQLException | RuntimeException e) {
      db.close();
      if (e instanceof StorageException se) {
        throw se;
      }
      throw new StorageException("cannot open the database in " + abs + ": " + e.getMessage(), e);
    }
    return db;
  }

  /** The data directory, absolute. */
  public Path dir() {
    return dir;
  }

  /**
   * A new connection to the database, closed with it.
   *
   * @param sync how durable its commits are
   */
  public synchronized Connection connect(Sync sync) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(FILE));
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode=WAL");
      s.execute("PRAGMA synchronous=" + sync.name());
      s.execute("PRAGMA busy_timeout=10000");
    } catch (SQLException e) {
      c.close();
      throw e;
    }
    connections.add(c);
    return c;
  }

  /** Closes every connection and releases the lock. Idempotent. */
  @Override
  public synchronized void close() {
    for (Connection c : connections) {
      try {
        c.close();
      } catch (SQLException e) {
        // closing: nothing more to do with it
      }
    }
    connections.clear();
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException e) {
      // the channel's close below releases it too
    }
    close(lockFile);
  }

  private static void close(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing held any more
    }
  }
}
