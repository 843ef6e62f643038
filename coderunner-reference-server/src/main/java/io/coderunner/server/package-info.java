/**
 * The reference server: {@link io.coderunner.server.CodeRunnerServer} wires core, the WebSocket
 * broadcaster, the REST API and Server-Sent Events into one Undertow server; {@link
 * io.coderunner.server.Main} runs it from the command line.
 */
@NullMarked
package io.coderunner.server;

import org.jspecify.annotations.NullMarked;
