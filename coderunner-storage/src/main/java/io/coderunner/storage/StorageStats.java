package io.coderunner.storage;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The durable storage now, for health checks and metrics: what its files take, what its volume has
 * left, and whether writes succeed.
 *
 * @param dataDir the data directory
 * @param databaseBytes the database's files (with its write-ahead log)
 * @param freeBytes what the volume of the data directory has free for this process
 * @param totalBytes the volume's size
 * @param pendingWrites changes queued for the writer and not yet committed
 * @param linesWritten lines the writer committed since the storage opened
 * @param writeFailure why writes are failing (the engine's message), or {@code null} while they
 *     succeed
 */
public record StorageStats(
    Path dataDir,
    long databaseBytes,
    long freeBytes,
    long totalBytes,
    long pendingWrites,
    long linesWritten,
    @Nullable String writeFailure) {}
