package io.coderunner.storage;

import io.coderunner.core.log.CursorConcurrencyContract;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.RetentionConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable log store under core's random schedules: 400 of them, each in a data directory of its
 * own (the in-memory store runs 2,000; the cursors are the same, the writer is what is new).
 */
class SqliteCursorConcurrencyTest extends CursorConcurrencyContract {
  @TempDir Path dir;
  private final List<DurableStorage> opened = new ArrayList<>();

  @Override
  protected LogStore newStore(RetentionConfig config, Clock clock) {
    DurableStorage s =
        DurableStorage.open(StorageConfig.of(dir.resolve("data-" + opened.size())), config, clock);
    opened.add(s);
    return s.logs();
  }

  @Override
  protected int schedules() {
    return 400;
  }

  @AfterEach
  void closeStorage() {
    opened.forEach(DurableStorage::close);
  }
}
