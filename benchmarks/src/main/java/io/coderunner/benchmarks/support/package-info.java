/**
 * What the WebSocket suites and the load tool share: the in-process server wiring, a minimal RFC
 * 6455 client codec and a scanner for {@code logs} frames.
 */
@NullMarked
package io.coderunner.benchmarks.support;

import org.jspecify.annotations.NullMarked;
