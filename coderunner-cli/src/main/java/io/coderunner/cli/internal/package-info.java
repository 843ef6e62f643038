/** The command's subcommands and output: not API. */
@NullMarked
package io.coderunner.cli.internal;

import org.jspecify.annotations.NullMarked;
