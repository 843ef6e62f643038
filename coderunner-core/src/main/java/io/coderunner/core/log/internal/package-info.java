/** Implementation of the in-memory log store. Not API: may change without notice. */
@NullMarked
package io.coderunner.core.log.internal;

import org.jspecify.annotations.NullMarked;
