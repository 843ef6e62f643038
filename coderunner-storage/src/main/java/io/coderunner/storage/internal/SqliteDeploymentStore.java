package io.coderunner.storage.internal;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.deploy.DeploymentPage;
import io.coderunner.core.deploy.DeploymentStore;
import io.coderunner.core.deploy.InMemoryDeploymentStore;
import io.coderunner.core.deploy.ProcessRecord;
import io.coderunner.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Deployments in the {@code deployments} table, every write committed and fsynced before it
 * returns. All of them are also held in memory (an {@link InMemoryDeploymentStore}, loaded when the
 * store opens), which answers every read: a deployment platform reads its deployments on every
 * request and writes them on a status change. Writes take one lock, write the row, then the memory;
 * a write the database refuses changes neither. The process each running deployment has is kept in
 * {@code processes} the same way, so that a server started after a crash can stop what is left of
 * it.
 */
public final class SqliteDeploymentStore implements DeploymentStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<String>> COMMAND = new TypeReference<>() {};
  private static final TypeReference<Map<String, String>> ENV = new TypeReference<>() {};

  private final Database db;
  private final Connection connection;
  private final InMemoryDeploymentStore memory = new InMemoryDeploymentStore();
  private final ReentrantLock writes = new ReentrantLock();

  /** Opens the store on {@code db} and loads every deployment. */
  public SqliteDeploymentStore(Database db) {
    this.db = db;
    try {
      this.connection = db.connect(Database.Sync.FULL);
      try (Statement s = connection.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT id, owner_id, name, command, env, working_dir, status, created_at,"
                      + " updated_at FROM deployments")) {
        while (r.next()) {
          memory.insert(read(r));
        }
      }
      try (Statement s = connection.createStatement();
          ResultSet r =
              s.executeQuery(
                  "SELECT deployment_id, pid, started_at, process_group FROM processes")) {
        while (r.next()) {
          memory.processStarted(
              new ProcessRecord(
                  DeploymentId.of(r.getString(1)),
                  r.getLong(2),
                  Instant.parse(r.getString(3)),
                  r.getInt(4) != 0));
        }
      }
    } catch (SQLException | IOException e) {
      throw failed("read the deployments", e);
    }
  }

  private static Deployment read(ResultSet r) throws SQLException, IOException {
    return new Deployment(
        DeploymentId.of(r.getString(1)),
        r.getString(3),
        r.getString(2),
        JSON.readValue(r.getString(4), COMMAND),
        JSON.readValue(r.getString(5), ENV),
        r.getString(6),
        DeploymentStatus.fromWire(r.getString(7)),
        Instant.parse(r.getString(8)),
        Instant.parse(r.getString(9)));
  }

  private StorageException failed(String what, Exception e) {
    return new StorageException(
        "cannot " + what + " in " + db.dir().resolve(Database.FILE) + ": " + e.getMessage(), e);
  }

  @Override
  public Optional<Deployment> find(DeploymentId id) {
    return memory.find(id);
  }

  @Override
  public DeploymentPage list(@Nullable String ownerId, int limit, @Nullable String cursor) {
    return memory.list(ownerId, limit, cursor);
  }

  @Override
  public void insert(Deployment deployment) {
    writes.lock();
    try {
      if (memory.find(deployment.id()).isPresent()) {
        throw new IllegalStateException("deployment " + deployment.id() + " exists");
      }
      write(
          "INSERT INTO deployments (owner_id, name, command, env, working_dir, status,"
              + " created_at, updated_at, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          deployment);
      memory.insert(deployment);
    } finally {
      writes.unlock();
    }
  }

  @Override
  public Optional<Deployment> update(DeploymentId id, UnaryOperator<Deployment> change) {
    writes.lock();
    try {
      Optional<Deployment> current = memory.find(id);
      if (current.isEmpty()) {
        return Optional.empty();
      }
      Deployment next = change.apply(current.get());
      write(
          "UPDATE deployments SET owner_id = ?, name = ?, command = ?, env = ?, working_dir = ?,"
              + " status = ?, created_at = ?, updated_at = ? WHERE id = ?",
          next);
      return memory.update(id, d -> next);
    } finally {
      writes.unlock();
    }
  }

  @Override
  public boolean delete(DeploymentId id) {
    writes.lock();
    try {
      if (memory.find(id).isEmpty()) {
        return false;
      }
      try (PreparedStatement p =
          connection.prepareStatement("DELETE FROM deployments WHERE id = ?")) {
        p.setString(1, id.value());
        p.executeUpdate();
      } catch (SQLException e) {
        throw failed("delete deployment " + id, e);
      }
      return memory.delete(id);
    } finally {
      writes.unlock();
    }
  }

  @Override
  public void processStarted(ProcessRecord process) {
    writes.lock();
    try (PreparedStatement p =
        connection.prepareStatement(
            "INSERT OR REPLACE INTO processes (deployment_id, pid, started_at, process_group)"
                + " VALUES (?, ?, ?, ?)")) {
      p.setString(1, process.deploymentId().value());
      p.setLong(2, process.pid());
      p.setString(3, process.startedAt().toString());
      p.setInt(4, process.processGroup() ? 1 : 0);
      p.executeUpdate();
      memory.processStarted(process);
    } catch (SQLException e) {
      throw failed("record the process of " + process.deploymentId(), e);
    } finally {
      writes.unlock();
    }
  }

  @Override
  public void processEnded(DeploymentId id) {
    writes.lock();
    try (PreparedStatement p =
        connection.prepareStatement("DELETE FROM processes WHERE deployment_id = ?")) {
      p.setString(1, id.value());
      p.executeUpdate();
      memory.processEnded(id);
    } catch (SQLException e) {
      throw failed("forget the process of " + id, e);
    } finally {
      writes.unlock();
    }
  }

  @Override
  public List<ProcessRecord> processes() {
    return memory.processes();
  }

  @Override
  public long countOwnedBy(String ownerId) {
    return memory.countOwnedBy(ownerId);
  }

  @Override
  public List<Deployment> all() {
    return memory.all();
  }

  /** Runs {@code sql} with {@code d}'s columns in the order both statements name them. */
  private void write(String sql, Deployment d) {
    try (PreparedStatement p = connection.prepareStatement(sql)) {
      p.setString(1, d.ownerId());
      p.setString(2, d.name());
      p.setString(3, JSON.writeValueAsString(d.command()));
      p.setString(4, JSON.writeValueAsString(d.env()));
      p.setString(5, d.workingDir());
      p.setString(6, d.status().wireName());
      p.setString(7, d.createdAt().toString());
      p.setString(8, d.updatedAt().toString());
      p.setString(9, d.id().value());
      p.executeUpdate();
    } catch (SQLException e) {
      throw failed("write deployment " + d.id(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
