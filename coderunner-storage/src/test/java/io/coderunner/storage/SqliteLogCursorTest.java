package io.coderunner.storage;

import io.coderunner.core.log.LogCursorContract;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.RetentionConfig;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The durable log store's cursors against core's contract. */
class SqliteLogCursorTest extends LogCursorContract {
  @RegisterExtension final TempStorages storages = new TempStorages();

  @Override
  protected LogStore newStore(RetentionConfig config, Clock clock) {
    return storages.logs(config, clock);
  }
}
