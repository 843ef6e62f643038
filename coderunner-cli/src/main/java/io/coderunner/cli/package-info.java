/** The {@code coderunner} command: {@link io.coderunner.cli.Main}. */
@NullMarked
package io.coderunner.cli;

import org.jspecify.annotations.NullMarked;
