package io.coderunner.storage;

import io.coderunner.core.log.CursorConcurrencyContract;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.RetentionConfig;
import java.nio.file.Path;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable log store under core's random schedules: 400 of them, each in a data directory of its
 * own (the in-memory store runs 2,000; the cursors are the same, the writer is what is new).
 */
class SqliteCursorConcurrencyTest extends CursorConcurrencyContract {
  @TempDir Path dir;
  private @Nullable TempStorages storages;

  @Override
  protected LogStore newStore(RetentionConfig config, Clock clock) {
    TempStorages s = storages;
    if (s == null) {
      s = new TempStorages(dir);
      storages = s;
    }
    return s.logs(config, clock);
  }

  @Override
  protected int schedules() {
    return 400;
  }

  @AfterEach
  void closeStorage() {
    if (storages != null) {
      storages.close();
    }
  }
}
