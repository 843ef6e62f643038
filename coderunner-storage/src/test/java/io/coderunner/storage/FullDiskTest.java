package io.coderunner.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLine;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.RetentionConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real disk that fills up or turns read-only under the storage: appends are refused with a clear
 * {@link StorageException} before they take a seq, the stats say why, nothing acknowledged is lost,
 * and once the disk takes writes again everything queued is written.
 */
class FullDiskTest {
  private static final DeploymentId APP = DeploymentId.of("app");

  @TempDir Path tmp;

  private static List<LogEntry> batch(int from) {
    List<LogEntry> lines = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      lines.add(LogEntry.stdout("line " + (from + i) + " " + "x".repeat(100)));
    }
    return lines;
  }

  private static StorageConfig config(Path dir) {
    return new StorageConfig(dir, FsyncPolicy.BATCH, Duration.ofMillis(10));
  }

  @Test
  void aFullDiskRefusesAppendsLosesNothingAcknowledgedAndRecovers() throws Exception {
    RetentionConfig retention = RetentionConfig.defaults();
    long acked = 0;
    try (SmallDisk disk = SmallDisk.mount(tmp.resolve("disk"), 4)) {
      Path data = disk.dir.resolve("data");
      try (DurableStorage s = DurableStorage.open(config(data), retention, Clock.systemUTC())) {
        LogStore logs = s.logs();
        logs.create(APP, "u-alice");
        Path filler = disk.fill(256 * 1024);
        StorageException refused = null;
        for (int i = 0; i < 200 && refused == null; i++) {
          try {
            acked = logs.append(APP, batch(i * 500)).lastSeq();
          } catch (StorageException e) {
            refused = e;
            break;
          }
          // Until the writer has written this batch, or found that it cannot.
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> s.stats().pendingWrites() == 0 || s.stats().writeFailure() != null);
        }
        assertThat(refused).as("an append refused once the disk is full").isNotNull();
        assertThat(refused.getMessage()).contains("cannot be written");
        assertThat(s.stats().writeFailure()).isNotNull();
        assertThat(logs.info(APP).orElseThrow().lastSeq()).isEqualTo(acked);
        // Readers are unaffected: everything acknowledged is served.
        assertThat(logs.read(APP, acked - 1, 10, LogFilter.all()).lines())
            .extracting(LogLine::seq)
            .containsExactly(acked);

        Files.delete(filler); // room again
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> s.stats().writeFailure() == null && s.stats().pendingWrites() == 0);
        acked = logs.append(APP, batch(1_000_000)).lastSeq();
      }
      try (DurableStorage s = DurableStorage.open(config(data), retention, Clock.systemUTC())) {
        assertThat(s.logs().info(APP).orElseThrow().lastSeq()).isEqualTo(acked);
        long kept = 0;
        for (long after = 0; ; ) {
          var page = s.logs().read(APP, after, 10_000, LogFilter.all());
          if (page.lines().isEmpty()) {
            break;
          }
          kept += page.lines().size();
          after = page.lines().get(page.lines().size() - 1).seq();
        }
        assertThat(kept).as("every acknowledged line").isEqualTo(acked);
      }
    }
  }

  @Test
  void aDiskTurnedReadOnlyRefusesWritesKeepsEveryAcknowledgedLineAndIsReadAfterARepair()
      throws Exception {
    RetentionConfig retention = RetentionConfig.defaults();
    long acked = 0;
    try (ReadOnlyDisk disk = ReadOnlyDisk.mount(tmp.resolve("ext4"), 32)) {
      StorageConfig config =
          new StorageConfig(disk.dir.resolve("data"), FsyncPolicy.ALWAYS, Duration.ofMillis(10));
      try (DurableStorage s = DurableStorage.open(config, retention, Clock.systemUTC())) {
        LogStore logs = s.logs();
        logs.create(APP, "u-alice");
        for (int i = 0; i < 4; i++) {
          acked = logs.append(APP, batch(i * 500)).lastSeq();
        }
        disk.failReadOnly();

        // The append that meets the read-only disk is not acknowledged, nor any after it.
        StorageException refused = null;
        for (int i = 0; i < 3; i++) {
          try {
            logs.append(APP, batch(10_000 + i * 500));
          } catch (StorageException e) {
            refused = e;
          }
          assertThat(refused).as("append %d on the read-only disk", i).isNotNull();
          refused = null;
        }
        assertThat(s.stats().writeFailure()).isNotNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () ->
                    s.deployments()
                        .insert(
                            new io.coderunner.core.Deployment(
                                APP,
                                "app",
                                "u-alice",
                                List.of("sh"),
                                java.util.Map.of(),
                                null,
                                io.coderunner.core.DeploymentStatus.CREATED,
                                java.time.Instant.EPOCH,
                                java.time.Instant.EPOCH)))
            .isInstanceOf(StorageException.class);
        assertThat(s.deployments().all()).isEmpty();
        // Readers are unaffected. (The lines of the first refused append were taken before the
        // disk refused them: they are served, though never acknowledged.)
        assertThat(logs.read(APP, 0, 10_000, LogFilter.all()).lines())
            .extracting(LogLine::seq)
            .startsWith(1L, 2L)
            .contains(acked);
      } // the close cannot write either: it says so and lets go of the directory

      disk.repair();
      try (DurableStorage s = DurableStorage.open(config, retention, Clock.systemUTC())) {
        List<LogLine> kept = s.logs().read(APP, 0, 10_000, LogFilter.all()).lines();
        assertThat(kept).hasSizeGreaterThanOrEqualTo((int) acked);
        assertThat(kept.subList(0, (int) acked))
            .extracting(LogLine::seq)
            .isEqualTo(java.util.stream.LongStream.rangeClosed(1, acked).boxed().toList());
        assertThat(kept.get((int) acked - 1).message()).startsWith("line 1999 ");
        assertThat(s.logs().append(APP, batch(0)).firstSeq()).isGreaterThan(acked);
      }
    }
  }
}
