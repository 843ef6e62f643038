/** The SQLite database, its migrations and the stores built on it; not an API. */
@NullMarked
package io.coderunner.storage.internal;

import org.jspecify.annotations.NullMarked;
