package io.coderunner.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLine;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.RetentionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableStorageTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-12-07T10:00:00Z"), ZoneOffset.UTC);

  @TempDir Path dir;

  @Test
  void aNewDataDirectoryGetsTheDatabaseTheLockAndTheSchemaHistory() throws Exception {
    Path data = dir.resolve("nested/data");
    try (DurableStorage s =
        DurableStorage.open(StorageConfig.of(data), RetentionConfig.defaults(), CLOCK)) {
      assertThat(s.dataDir()).isEqualTo(data.toAbsolutePath());
      assertThat(s.config().fsync()).isEqualTo(FsyncPolicy.BATCH);
    }
    assertThat(data.resolve("coderunner.db")).isRegularFile();
    assertThat(data.resolve("coderunner.lock")).isRegularFile();
    try (Connection c =
            DriverManager.getConnection("jdbc:sqlite:" + data.resolve("coderunner.db"));
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery("SELECT version, description, applied_at FROM schema_history")) {
      List<String> rows = new ArrayList<>();
      while (r.next()) {
        rows.add(r.getInt(1) + " " + r.getString(2) + " " + r.getString(3));
      }
      assertThat(rows)
          .containsExactly(
              "1 deployments 2026-12-07T10:00:00Z",
              "2 logs 2026-12-07T10:00:00Z",
              "3 idempotency keys 2026-12-07T10:00:00Z",
              "4 processes 2026-12-07T10:00:00Z");
    }
    // Opening again migrates nothing and keeps the history as it was.
    DurableStorage.open(StorageConfig.of(data), RetentionConfig.defaults(), Clock.systemUTC())
        .close();
  }

  @Test
  void aSecondServerOnTheSameDirectoryIsRefusedUntilTheFirstCloses() {
    DurableStorage first =
        DurableStorage.open(StorageConfig.of(dir), RetentionConfig.defaults(), CLOCK);
    try {
      assertThatThrownBy(
              () -> DurableStorage.open(StorageConfig.of(dir), RetentionConfig.defaults(), CLOCK))
          .isInstanceOf(StorageException.class)
          .hasMessageContaining(dir.toAbsolutePath().toString())
          .hasMessageContaining("in use by another CodeRunner server");
      // the first one is unaffected
      assertThat(first.deployments().all()).isEmpty();
    } finally {
      first.close();
    }
    DurableStorage.open(StorageConfig.of(dir), RetentionConfig.defaults(), CLOCK).close();
  }

  @Test
  void aDatabaseOfTheVersionBeforeIsMigratedAndKeepsItsLogs() throws Exception {
    DeploymentId app = DeploymentId.of("app");
    try (DurableStorage s =
        DurableStorage.open(StorageConfig.of(dir), RetentionConfig.defaults(), CLOCK)) {
      s.logs().create(app, "u-alice");
      s.logs().append(app, List.of(LogEntry.stdout("kept")));
    }
    // Back to schema 2, as the build before idempotency keys left it.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("coderunner.db"));
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE processes");
      s.execute("DROP TABLE ingest_keys");
      s.execute("DELETE FROM schema_history WHERE version >= 3");
      s.execute("PRAGMA user_version = 2");
    }
    try (DurableStorage s =
        DurableStorage.open(StorageConfig.of(dir), RetentionConfig.defaults(), CLOCK)) {
      assertThat(s.logs().read(app, 0, 10, LogFilter.all()).lines())
          .extracting(LogLine::message)
          .containsExactly("kept");
      assertThat(s.logs().append(app, List.of(LogEntry.stdout("x")), "k").firstSeq()).isEqualTo(2);
      assertThat(s.logs().append(app, List.of(LogEntry.stdout("x")), "k").replayed()).isTrue();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("coderunner.db"));
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA user_version")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(4);
    }
  }

  @Test
  void aSchemaNewerThanThisBuildIsRefusedAndLeftAsItIs() throws Exception {
    DurableStorage.open(StorageConfig.of(dir), RetentionConfig.defaults(), CLOCK).close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("coderunner.db"));
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = 99");
    }
    assertThatThrownBy(
            () -> DurableStorage.open(StorageConfig.of(dir), RetentionConfig.defaults(), CLOCK))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("holds schema version 99, newer than this build knows (4)");
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("coderunner.db"));
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("PRAGMA user_version")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getInt(1)).isEqualTo(99);
    }
    // and the refusal released the lock: fixing the version lets it open
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("coderunner.db"));
        Statement s = c.createStatement()) {
      s.execute("PRAGMA user_version = 4");
    }
    DurableStorage.open(StorageConfig.of(dir), RetentionConfig.defaults(), CLOCK).close();
  }

  @Test
  void aDataDirectoryThatCannotBeCreatedIsNamed() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertThatThrownBy(
            () ->
                DurableStorage.open(
                    StorageConfig.of(file.resolve("data")), RetentionConfig.defaults(), CLOCK))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("cannot use the data directory " + file.resolve("data"));
  }

  @Test
  void fsyncPoliciesAreNamedAsConfiguredAndTheBatchIntervalIsBounded() {
    assertThat(FsyncPolicy.fromName(" Always ")).isEqualTo(FsyncPolicy.ALWAYS);
    assertThat(FsyncPolicy.NONE.configName()).isEqualTo("none");
    assertThatThrownBy(() -> FsyncPolicy.fromName("sometimes"))
        .hasMessage("must be always, batch or none, was sometimes");
    assertThatThrownBy(
            () -> new StorageConfig(dir, FsyncPolicy.BATCH, java.time.Duration.ofSeconds(11)))
        .hasMessageContaining("batchInterval must be between 1 ms and 10 s");
    assertThat(StorageConfig.of(dir).withFsync(FsyncPolicy.ALWAYS).fsync())
        .isEqualTo(FsyncPolicy.ALWAYS);
  }
}
