package io.coderunner.storage;

import io.coderunner.core.log.LogStore;
import io.coderunner.core.log.RetentionConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Durable storages for the contract suites ({@code @RegisterExtension}), each in a data directory
 * of its own (a contract asks for a new, empty store per test and per retention), all closed and
 * deleted after each test.
 */
final class TempStorages implements AfterEachCallback {
  private final List<DurableStorage> opened = new ArrayList<>();
  private @Nullable Path root;

  /** The logs of a new storage with {@code config}, in the next data directory. */
  LogStore logs(RetentionConfig config, Clock clock) {
    try {
      Path dir = root;
      if (dir == null) {
        dir = Files.createTempDirectory("coderunner-contract");
        root = dir;
      }
      DurableStorage s =
          DurableStorage.open(
              StorageConfig.of(dir.resolve("data-" + opened.size())), config, clock);
      opened.add(s);
      return s.logs();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    opened.forEach(DurableStorage::close);
    opened.clear();
    Path dir = root;
    root = null;
    if (dir != null) {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
