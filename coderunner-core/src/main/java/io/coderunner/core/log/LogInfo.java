package io.coderunner.core.log;

import io.coderunner.core.DeploymentId;

/**
 * A snapshot of one deployment's log.
 *
 * @param deploymentId whose log
 * @param epoch the log's epoch
 * @param firstAvailable the first retained seq (lastSeq + 1 when none is retained)
 * @param lastSeq the last appended seq; 0 before the first append
 * @param retainedLines lines currently kept
 * @param retainedBytes their approximate size
 */
public record LogInfo(
    DeploymentId deploymentId,
    String epoch,
    long firstAvailable,
    long lastSeq,
    long retainedLines,
    long retainedBytes) {}
