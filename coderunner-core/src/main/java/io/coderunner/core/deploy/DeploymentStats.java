package io.coderunner.core.deploy;

/**
 * Totals of a {@link DeploymentService}'s lifecycle since it was created, for metrics. A snapshot:
 * each field is exact at some moment while it was read.
 *
 * @param starts processes the service asked its runner to start: by the start action, by a restart,
 *     and again when a restarted process has exited
 * @param startFailures starts that failed before a process ran (the runner refused the command or
 *     could not launch it); the deployment went to {@code FAILED}
 * @param exitFailures processes that exited with a non-zero code without being stopped; the
 *     deployment went to {@code FAILED}
 */
public record DeploymentStats(long starts, long startFailures, long exitFailures) {}
