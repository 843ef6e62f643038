/**
 * Durable single-node storage: deployments and their logs kept in one embedded SQLite database
 * under a data directory, so that a restart keeps every deployment and every retained line with its
 * epoch and seq. Open it with {@link io.coderunner.storage.DurableStorage#open}; it implements
 * core's {@link io.coderunner.core.deploy.DeploymentStore} and holds the data directory's lock
 * until it is closed.
 */
@NullMarked
package io.coderunner.storage;

import org.jspecify.annotations.NullMarked;
