package io.coderunner.storage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where and how {@link DurableStorage} keeps its data.
 *
 * @param dataDir the directory of the database and its lock, created if missing
 * @param fsync when an acknowledged append is on the disk
 * @param batchInterval under {@link FsyncPolicy#BATCH} and {@link FsyncPolicy#NONE}, the longest an
 *     acknowledged line waits to be written: at most this much is at risk
 */
public record StorageConfig(Path dataDir, FsyncPolicy fsync, Duration batchInterval) {
  /** The default {@link #batchInterval()}: 100 ms. */
  public static final Duration DEFAULT_BATCH_INTERVAL = Duration.ofMillis(100);

  /**
   * @param dataDir the directory of the database and its lock, created if missing
   * @param fsync when an acknowledged append is on the disk
   * @param batchInterval the longest an acknowledged line waits to be written, 1 ms to 10 s
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code batchInterval} is not between 1 ms and 10 s
   */
  public StorageConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(fsync, "fsync");
    Objects.requireNonNull(batchInterval, "batchInterval");
    if (batchInterval.compareTo(Duration.ofMillis(1)) < 0
        || batchInterval.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException(
          "batchInterval must be between 1 ms and 10 s, was " + batchInterval);
    }
  }

  /**
   * The defaults for {@code dataDir}: {@link FsyncPolicy#BATCH} every 100 ms.
   *
   * @param dataDir the data directory
   * @return the config
   */
  public static StorageConfig of(Path dataDir) {
    return new StorageConfig(dataDir, FsyncPolicy.BATCH, DEFAULT_BATCH_INTERVAL);
  }

  /**
   * This config with another fsync policy.
   *
   * @param policy the policy
   * @return a new config
   */
  public StorageConfig withFsync(FsyncPolicy policy) {
    return new StorageConfig(dataDir, policy, batchInterval);
  }
}
