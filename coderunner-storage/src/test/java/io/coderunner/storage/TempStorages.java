package io.coderunner.storage;

import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.RetentionConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Durable storages for the contract suites, each in a data directory of its own under one temporary
 * directory (a contract asks for a new, empty store per test and per retention), closed together.
 */
final class TempStorages implements AutoCloseable {
  private final Path root;
  private final List<DurableStorage> opened = new ArrayList<>();

  TempStorages(Path root) {
    this.root = root;
  }

  /** The logs of a new storage with {@code config}, in the next data directory. */
  LogStore logs(RetentionConfig config, Clock clock) {
    DurableStorage s =
        DurableStorage.open(StorageConfig.of(root.resolve("data-" + opened.size())), config, clock);
    opened.add(s);
    return s.logs();
  }

  @Override
  public void close() {
    opened.forEach(DurableStorage::close);
    opened.clear();
  }
}
