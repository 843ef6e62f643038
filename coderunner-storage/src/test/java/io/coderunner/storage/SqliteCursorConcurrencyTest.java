package io.coderunner.storage;

import io.coderunner.core.log.CursorConcurrencyContract;
import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.RetentionConfig;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The durable log store under core's random schedules: 400 of them, each in a data directory of its
 * own (the in-memory store runs 2,000; the cursors are the same, the writer is what is new).
 */
class SqliteCursorConcurrencyTest extends CursorConcurrencyContract {
  @RegisterExtension final TempStorages storages = new TempStorages();

  @Override
  protected LogStore newStore(RetentionConfig config, Clock clock) {
    return storages.logs(config, clock);
  }

  @Override
  protected int schedules() {
    return 400;
  }
}
