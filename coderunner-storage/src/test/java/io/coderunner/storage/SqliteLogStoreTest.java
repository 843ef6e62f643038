package io.coderunner.storage;

import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.LogStoreContract;
import io.coderunner.core.log.RetentionConfig;
import java.time.Clock;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The durable log store against core's contract, each store in a data directory of its own. */
class SqliteLogStoreTest extends LogStoreContract {
  @RegisterExtension final TempStorages storages = new TempStorages();

  @Override
  protected LogStore newStore(RetentionConfig config, Clock clock) {
    return storages.logs(config, clock);
  }
}
