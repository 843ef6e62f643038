package io.coderunner.storage;

import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.LogStoreContract;
import io.coderunner.core.log.RetentionConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The durable log store against core's contract, each store in a data directory of its own. */
class SqliteLogStoreTest extends LogStoreContract {
  @TempDir Path dir;
  private final List<DurableStorage> opened = new ArrayList<>();

  @Override
  protected LogStore newStore(RetentionConfig config, Clock clock) {
    DurableStorage s =
        DurableStorage.open(StorageConfig.of(dir.resolve("data-" + opened.size())), config, clock);
    opened.add(s);
    return s.logs();
  }

  @AfterEach
  void closeStorage() {
    opened.forEach(DurableStorage::close);
  }
}
