/**
 * Helpers of the local process runner: line splitting, level parsing, executable lookup. Not API:
 * may change without notice.
 */
@NullMarked
package io.coderunner.core.deploy.internal;

import org.jspecify.annotations.NullMarked;
