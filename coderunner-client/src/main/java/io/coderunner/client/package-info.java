/**
 * The typed Java client of a CodeRunner server: {@link io.coderunner.client.CodeRunnerClient} for
 * the REST API, and {@link io.coderunner.client.CodeRunnerClient#follow follow} for a deployment's
 * live log over WebSocket, resumed across every drop so that each line arrives once, in order, or
 * as an explicit gap.
 */
@NullMarked
package io.coderunner.client;

import org.jspecify.annotations.NullMarked;
