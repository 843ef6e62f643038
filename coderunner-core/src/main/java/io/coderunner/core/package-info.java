/** CodeRunner core: the model, the log stream, cursors, the wire protocol and auth. */
@NullMarked
package io.coderunner.core;

import org.jspecify.annotations.NullMarked;
