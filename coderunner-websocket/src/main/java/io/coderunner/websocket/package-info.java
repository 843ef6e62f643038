/**
 * Live log delivery over WebSocket: {@link io.coderunner.websocket.LogBroadcaster} gives a host an
 * Undertow {@code HttpHandler} speaking CodeRunner's protocol.
 */
@NullMarked
package io.coderunner.websocket;

import org.jspecify.annotations.NullMarked;
