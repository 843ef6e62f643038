/** The reference server's internals: handlers, configuration loading, the demo. Not API. */
@NullMarked
package io.coderunner.server.internal;

import org.jspecify.annotations.NullMarked;
