package io.coderunner.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.MutableClock;
import io.coderunner.core.StreamKind;
import io.coderunner.core.log.AppendResult;
import io.coderunner.core.log.CursorBatch;
import io.coderunner.core.log.LogCursor;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.LogInfo;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.core.log.StartPosition;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Logs across restarts: a clean close and reopen keeps every line, the epoch and the seqs; a child
 * JVM killed with SIGKILL under each fsync policy loses no acknowledged line under {@code always},
 * at most what was queued under {@code batch}, and never has a seq handed out twice.
 */
class SqliteLogStoreRestartTest {
  private static final DeploymentId APP = DeploymentId.of("app");

  @TempDir Path dir;

  private DurableStorage open(FsyncPolicy policy) {
    return DurableStorage.open(
        StorageConfig.of(dir).withFsync(policy), RetentionConfig.defaults(), Clock.systemUTC());
  }

  private static List<LogLine> all(LogStore logs) {
    return logs.read(APP, 0, 10_000, LogFilter.all()).lines();
  }

  /** Every event a cursor from {@code after} of {@code epoch} sees now, as compact strings. */
  private static List<String> follow(LogStore logs, String epoch, long after) {
    List<String> events = new ArrayList<>();
    try (LogCursor c =
        logs.subscribe(APP, StartPosition.after(epoch, after), LogFilter.all(), x -> {})) {
      if (c.opening().reset()) {
        events.add("reset");
      }
      while (true) {
        CursorBatch b = c.poll(10_000, Long.MAX_VALUE);
        if (b instanceof CursorBatch.Lines l) {
          l.lines().forEach(line -> events.add("line " + line.seq()));
        } else if (b instanceof CursorBatch.Gap g) {
          events.add("gap " + g.from() + "-" + g.to());
        } else {
          return events;
        }
      }
    }
  }

  @Test
  void aCleanRestartKeepsEveryLineTheEpochAndTheSeqs() {
    List<LogLine> before;
    String epoch;
    try (DurableStorage s = open(FsyncPolicy.BATCH)) {
      LogStore logs = s.logs();
      epoch = logs.create(APP, "u-alice").epoch();
      logs.appendStatus(APP, DeploymentStatus.STARTING, "starting");
      logs.append(
          APP,
          List.of(
              new LogEntry(
                  Instant.parse("2026-12-07T10:00:00.123456789Z"),
                  StreamKind.STDERR,
                  LogLevel.ERROR,
                  "\u001b[31mBoom\u001b[0m ünïcode ✓"),
              LogEntry.stdout("50%\r100%")));
      for (int i = 0; i < 5000; i++) { // crosses a reservation block
        logs.append(APP, LogEntry.stdout("line " + i));
      }
      before = all(logs);
    }
    assertThat(before).hasSize(5003);

    try (DurableStorage s = open(FsyncPolicy.BATCH)) {
      LogStore logs = s.logs();
      LogInfo info = logs.info(APP).orElseThrow();
      assertThat(info.epoch()).isEqualTo(epoch);
      assertThat(info.lastSeq()).isEqualTo(5003);
      assertThat(all(logs)).isEqualTo(before);
      assertThat(all(logs).get(0).status()).isEqualTo(DeploymentStatus.STARTING);
      // A follower that had seen line 5000 resumes with no reset, no gap and no duplicate.
      assertThat(follow(logs, epoch, 5000)).containsExactly("line 5001", "line 5002", "line 5003");
      assertThat(logs.append(APP, LogEntry.stdout("after the restart")).seq()).isEqualTo(5004);
      // Creating the log again keeps it.
      assertThat(logs.create(APP, "u-alice").epoch()).isEqualTo(epoch);
    }
  }

  @Test
  void aDeletedLogIsGoneAfterARestartAndItsIdStartsAFreshLog() {
    String epoch;
    try (DurableStorage s = open(FsyncPolicy.BATCH)) {
      epoch = s.logs().create(APP, "u-alice").epoch();
      s.logs().append(APP, LogEntry.stdout("old"));
      assertThat(s.logs().delete(APP)).isTrue();
      s.logs().create(APP, "u-bob");
      s.logs().append(APP, LogEntry.stdout("new"));
    }
    try (DurableStorage s = open(FsyncPolicy.BATCH)) {
      LogInfo info = s.logs().info(APP).orElseThrow();
      assertThat(info.epoch()).isNotEqualTo(epoch);
      assertThat(all(s.logs())).extracting(LogLine::message).containsExactly("new");
      // A follower of the old epoch is told its history is gone.
      assertThat(follow(s.logs(), epoch, 1)).containsExactly("reset", "line 1");
    }
  }

  @Test
  void idempotencyKeysComeBackWithTheirLogAndForgottenOnesStayForgotten() throws Exception {
    MutableClock clock = MutableClock.at("2026-12-08T10:00:00Z");
    RetentionConfig retention =
        RetentionConfig.builder()
            .maxIdempotencyKeys(2)
            .idempotencyWindow(Duration.ofMinutes(10))
            .build();
    StorageConfig config = StorageConfig.of(dir).withFsync(FsyncPolicy.BATCH);
    try (DurableStorage s = DurableStorage.open(config, retention, clock)) {
      s.logs().create(APP, "u-alice");
      s.logs().append(APP, AppendingChild.entries(3), "k1"); // 1-3, forgotten for the limit
      s.logs().append(APP, AppendingChild.entries(3), "k2"); // 4-6
      clock.advance(Duration.ofMinutes(5));
      s.logs().append(APP, AppendingChild.entries(3), "k3"); // 7-9
    }
    try (DurableStorage s = DurableStorage.open(config, retention, clock)) {
      assertThat(s.logs().append(APP, AppendingChild.entries(3), "k3"))
          .isEqualTo(new AppendResult(7, 9, true));
      assertThat(s.logs().append(APP, AppendingChild.entries(3), "k2"))
          .isEqualTo(new AppendResult(4, 6, true));
      assertThat(s.logs().append(APP, AppendingChild.entries(3), "k1"))
          .isEqualTo(new AppendResult(10, 12, false));
    }
    clock.advance(Duration.ofMinutes(6)); // k2's window has passed while the server was down
    try (DurableStorage s = DurableStorage.open(config, retention, clock)) {
      assertThat(s.logs().append(APP, AppendingChild.entries(3), "k2").replayed()).isFalse();
      assertThat(s.logs().append(APP, AppendingChild.entries(3), "k1"))
          .isEqualTo(new AppendResult(10, 12, true));
      assertThat(s.logs().delete(APP)).isTrue();
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("coderunner.db"));
        Statement st = c.createStatement();
        ResultSet r = st.executeQuery("SELECT count(*) FROM ingest_keys")) {
      assertThat(r.next()).isTrue();
      assertThat(r.getLong(1)).as("keys of a deleted log").isZero();
    }
  }

  /** The child JVM, its stdin and stdout. */
  private static final class Child implements AutoCloseable {
    final Process process;
    final Writer in;
    final BufferedReader out;

    final Path stderr;

    Child(Path dir, FsyncPolicy policy, long intervalMillis) throws IOException {
      ProcessBuilder pb =
          new ProcessBuilder(
              ProcessHandle.current().info().command().orElse("java"),
              "-cp",
              System.getProperty("java.class.path"),
              AppendingChild.class.getName(),
              dir.toString(),
              policy.configName(),
              String.valueOf(intervalMillis));
      stderr = Files.createTempFile("coderunner-child", ".err");
      stderr.toFile().deleteOnExit();
      pb.redirectError(stderr.toFile());
      process = pb.start();
      in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
      out =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    String readLine() throws IOException {
      String line = out.readLine();
      if (line == null) {
        throw new IOException("the child ended");
      }
      return line;
    }

    /** Appends {@code n} lines; the seq of the last, once acknowledged. */
    long append(int n) throws IOException {
      return append(n, "");
    }

    /** Appends {@code n} lines with idempotency key {@code key} (none if empty). */
    long append(int n, String key) throws IOException {
      in.write(n + (key.isEmpty() ? "" : " " + key) + "\n");
      in.flush();
      String acked = readLine();
      assertThat(acked).startsWith("acked ");
      return Long.parseLong(acked.substring(6));
    }

    /** Closes stdin, so the child closes the storage and exits; returns its stderr. */
    String finish() throws Exception {
      in.close();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return Files.readString(stderr);
    }

    void kill() throws InterruptedException {
      process.destroyForcibly(); // SIGKILL: no shutdown hook, no flush
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  @Test
  void underAlwaysAKillLosesNoAcknowledgedLine() throws Exception {
    long acked = 0;
    String epoch;
    try (Child child = new Child(dir, FsyncPolicy.ALWAYS, 100)) {
      epoch = child.readLine().substring(6);
      for (int i = 0; i < 50; i++) {
        acked = child.append(97, "k" + i);
      }
      child.kill();
    }
    try (DurableStorage s = open(FsyncPolicy.ALWAYS)) {
      // Every acknowledged append's key came back with its lines: a retry stores nothing.
      for (int i = 0; i < 50; i++) {
        assertThat(s.logs().append(APP, AppendingChild.entries(97), "k" + i))
            .isEqualTo(new AppendResult(i * 97L + 1, (i + 1) * 97L, true));
      }
      LogInfo info = s.logs().info(APP).orElseThrow();
      assertThat(info.epoch()).isEqualTo(epoch);
      List<LogLine> lines = all(s.logs());
      assertThat(lines).hasSize((int) acked);
      assertThat(lines.get(lines.size() - 1).seq()).isEqualTo(acked);
      // Seqs reserved past the last write are a gap, and the next line comes after them.
      long next = s.logs().append(APP, LogEntry.stdout("after the kill")).seq();
      assertThat(next).isGreaterThan(acked);
      List<String> events = follow(s.logs(), epoch, acked - 1);
      assertThat(events.get(0)).isEqualTo("line " + acked);
      assertThat(events.get(events.size() - 1)).isEqualTo("line " + next);
      if (next > acked + 1) {
        assertThat(events)
            .containsExactly(
                "line " + acked, "gap " + (acked + 1) + "-" + (next - 1), "line " + next);
      }
    }
  }

  /** Rows of {@code app}'s log on disk now, read by this JVM while the child writes. */
  private long rowsOnDisk() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("coderunner.db"));
        Statement st = c.createStatement();
        ResultSet r = st.executeQuery("SELECT count(*) FROM lines")) {
      return r.next() ? r.getLong(1) : 0;
    } catch (java.sql.SQLException e) {
      return 0; // not created yet
    }
  }

  @Test
  void underBatchAKillLosesAtMostTheQueueAndNoSeqIsReused() throws Exception {
    long acked;
    String epoch;
    try (Child child = new Child(dir, FsyncPolicy.BATCH, 200)) {
      epoch = child.readLine().substring(6);
      assertThat(child.append(10, "first")).isEqualTo(10);
      // Within a batch interval or so the ten are on the disk...
      await().atMost(Duration.ofSeconds(20)).until(() -> rowsOnDisk() == 10);
      // ...and whatever is still queued when the process is killed may be lost.
      acked = child.append(5000, "second");
      child.kill();
    }
    try (DurableStorage s = open(FsyncPolicy.BATCH)) {
      LogInfo info = s.logs().info(APP).orElseThrow();
      assertThat(info.epoch()).isEqualTo(epoch);
      List<LogLine> kept = all(s.logs());
      assertThat(kept.size()).isBetween(10, (int) acked);
      long lastKept = kept.get(kept.size() - 1).seq();
      assertThat(lastKept).isEqualTo(kept.size()); // what survived is a prefix, without holes
      // Every seq handed out before the kill stays taken: the next one is above them all.
      long next = s.logs().append(APP, LogEntry.stdout("after the kill")).seq();
      assertThat(next).isGreaterThan(acked);
      // A follower that had seen line 5 before the kill gets what survived, an exact gap for what
      // did not (and for seqs reserved but never handed out), then the new line.
      List<String> expected = new ArrayList<>();
      for (long seq = 6; seq <= lastKept; seq++) {
        expected.add("line " + seq);
      }
      if (next > lastKept + 1) {
        expected.add("gap " + (lastKept + 1) + "-" + (next - 1));
      }
      expected.add("line " + next);
      assertThat(follow(s.logs(), epoch, 5)).isEqualTo(expected);
      // A key survives exactly when its lines did (one transaction): a retry of the written
      // append is answered with its seqs, a retry of the lost one is stored again above them all.
      boolean secondKept = kept.size() == acked;
      assertThat(kept.size()).isIn(10, (int) acked);
      assertThat(s.logs().append(APP, AppendingChild.entries(10), "first"))
          .isEqualTo(new AppendResult(1, 10, true));
      AppendResult retry = s.logs().append(APP, AppendingChild.entries(5000), "second");
      if (secondKept) {
        assertThat(retry).isEqualTo(new AppendResult(11, acked, true));
      } else {
        assertThat(retry.replayed()).isFalse();
        assertThat(retry.firstSeq()).isGreaterThan(next);
        assertThat(s.logs().append(APP, AppendingChild.entries(5000), "second"))
            .isEqualTo(new AppendResult(retry.firstSeq(), retry.lastSeq(), true));
      }
    }
  }

  @Test
  void aTornLastCommitIsFoundAtStartLoggedByItsSeqsAndServedAsAGap() throws Exception {
    Path data = dir;
    String epoch;
    long first;
    long acked;
    try (Child child = new Child(data, FsyncPolicy.ALWAYS, 100)) {
      epoch = child.readLine().substring(6);
      first = child.append(100);
      child.append(100);
      acked = child.append(100);
      child.kill();
    }
    // The machine died in the middle of writing the last commit: its frames in the write-ahead
    // log are cut short. SQLite drops a commit whose frames do not check out whole.
    Path wal = data.resolve("coderunner.db-wal");
    assertThat(wal).isRegularFile();
    try (FileChannel ch = FileChannel.open(wal, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 1000);
    }
    String log;
    try (Child child = new Child(data, FsyncPolicy.ALWAYS, 100)) {
      assertThat(child.readLine()).isEqualTo("ready " + epoch);
      log = child.finish();
    }
    try (DurableStorage s = open(FsyncPolicy.ALWAYS)) {
      List<LogLine> kept = all(s.logs());
      long lastKept = kept.get(kept.size() - 1).seq();
      assertThat(lastKept).isBetween(first, acked - 1);
      assertThat(kept).hasSize((int) lastKept);
      assertThat(log)
          .contains("log of app: seqs " + (lastKept + 1) + " to ")
          .contains("were reserved but not written before an unclean stop");
      long next = s.logs().append(APP, LogEntry.stdout("after")).seq();
      assertThat(follow(s.logs(), epoch, lastKept - 1))
          .containsExactly(
              "line " + lastKept, "gap " + (lastKept + 1) + "-" + (next - 1), "line " + next);
    }
  }
}
