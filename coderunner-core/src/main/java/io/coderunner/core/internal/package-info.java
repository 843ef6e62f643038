/** Helpers shared by core's features. Not API: may change without notice. */
@NullMarked
package io.coderunner.core.internal;

import org.jspecify.annotations.NullMarked;
