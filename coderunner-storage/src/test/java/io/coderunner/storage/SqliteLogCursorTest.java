package io.coderunner.storage;

import io.coderunner.core.log.LogCursorContract;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.RetentionConfig;
import java.nio.file.Path;
import java.time.Clock;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durable log store's cursors against core's contract, each store in a data directory of its
 * own.
 */
class SqliteLogCursorTest extends LogCursorContract {
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

  @AfterEach
  void closeStorage() {
    if (storages != null) {
      storages.close();
    }
  }
}
