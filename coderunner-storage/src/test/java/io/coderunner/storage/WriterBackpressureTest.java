package io.coderunner.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.storage.internal.SqliteLogStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An appender far faster than the disk (memory appends run at millions of lines a second, the
 * writer at a few hundred thousand) is held to the writer's pace: the queue of lines waiting for
 * the disk never grows past its bound, and every line is written.
 */
class WriterBackpressureTest {
  @TempDir Path dir;

  @Test
  void theQueueForTheDiskStaysBoundedAndEveryLineIsWritten() throws Exception {
    StorageConfig config = new StorageConfig(dir, FsyncPolicy.BATCH, Duration.ofMillis(100));
    List<LogEntry> batch = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      batch.add(LogEntry.stdout("line " + i + " " + "x".repeat(90)));
    }
    int batches = 8_000; // 800,000 lines, four times the bound
    AtomicLong most = new AtomicLong();
    try (DurableStorage s =
        DurableStorage.open(config, RetentionConfig.defaults(), Clock.systemUTC())) {
      SqliteLogStore logs = (SqliteLogStore) s.logs();
      DeploymentId id = DeploymentId.of("flood");
      logs.create(id, "u-alice");
      AtomicBoolean done = new AtomicBoolean();
      Thread sampler =
          new Thread(
              () -> {
                while (!done.get()) {
                  most.accumulateAndGet(logs.queuedLines(), Math::max);
                  Thread.onSpinWait();
                }
              });
      sampler.start();
      for (int i = 0; i < batches; i++) {
        logs.append(id, batch);
      }
      done.set(true);
      sampler.join();
    }
    assertThat(most.get())
        .as("lines queued for the disk at most")
        .isPositive()
        .isLessThanOrEqualTo(SqliteLogStore.MAX_QUEUED_LINES + 100);
    try (DurableStorage s =
        DurableStorage.open(config, RetentionConfig.defaults(), Clock.systemUTC())) {
      assertThat(s.logs().info(DeploymentId.of("flood")).orElseThrow().retainedLines())
          .as("all retained, none lost")
          .isEqualTo(RetentionConfig.defaults().maxLines());
      assertThat(s.logs().info(DeploymentId.of("flood")).orElseThrow().lastSeq())
          .isEqualTo(batches * 100L);
    }
  }
}
