package io.coderunner.core.log;

/**
 * Totals of a log store, for metrics. A snapshot: each field is exact at some moment while it was
 * read, not all at the same moment.
 *
 * @param logs deployments with a log
 * @param cursors open cursors
 * @param retainedLines lines kept now
 * @param retainedBytes their approximate size
 * @param appendedLines lines ever appended (including logs since deleted)
 * @param appendedBytes their approximate size
 * @param evictedLines lines dropped by retention or the global budget
 * @param gapsServed gaps reported to cursors
 * @param budgetBytes the most bytes the store keeps over all logs before it evicts the oldest lines
 *     ({@link RetentionConfig#globalMaxBytes()}); {@link Long#MAX_VALUE} when it has no such budget
 */
public record LogStoreStats(
    long logs,
    long cursors,
    long retainedLines,
    long retainedBytes,
    long appendedLines,
    long appendedBytes,
    long evictedLines,
    long gapsServed,
    long budgetBytes) {}
