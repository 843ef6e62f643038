/** Implementation of the broadcaster. Not API: may change without notice. */
@NullMarked
package io.coderunner.websocket.internal;

import org.jspecify.annotations.NullMarked;
