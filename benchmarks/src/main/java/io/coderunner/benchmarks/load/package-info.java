/**
 * The WebSocket load tool: {@link io.coderunner.benchmarks.load.LoadTool} drives many connections
 * against a server it starts as a child process, {@link io.coderunner.benchmarks.load.LoadServer}.
 */
@NullMarked
package io.coderunner.benchmarks.load;

import org.jspecify.annotations.NullMarked;
