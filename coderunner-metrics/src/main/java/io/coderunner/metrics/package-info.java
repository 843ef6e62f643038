/**
 * Micrometer binders for CodeRunner: the log store ({@link io.coderunner.metrics.LogStoreMetrics}),
 * deployments ({@link io.coderunner.metrics.DeploymentMetrics}), HTTP requests ({@link
 * io.coderunner.metrics.HttpServerMetrics}) and the JVM, process and network ({@link
 * io.coderunner.metrics.SystemMetrics}). Every metric name is a constant of {@link
 * io.coderunner.metrics.CodeRunnerMetricNames}.
 *
 * <p>The binders read core's stats interfaces only; none starts a thread, and none tags a meter
 * with a deployment id, so the number of time series stays bounded.
 */
@NullMarked
package io.coderunner.metrics;

import org.jspecify.annotations.NullMarked;
