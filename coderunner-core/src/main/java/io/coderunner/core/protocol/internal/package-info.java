/**
 * Implementation of the wire protocol: the streaming JSON reader and writer, the timestamp
 * formatter and the per-thread buffers. Not an API: it may change without notice, and other modules
 * must not use it.
 */
@NullMarked
package io.coderunner.core.protocol.internal;

import org.jspecify.annotations.NullMarked;
