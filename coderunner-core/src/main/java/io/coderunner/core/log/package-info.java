/**
 * The log stream: one append-only log per deployment, retention, and subscriptions as cursors.
 *
 * <p>Start with {@link io.coderunner.core.log.LogStore} (the SPI every store meets) and its
 * in-memory implementation {@link io.coderunner.core.log.InMemoryLogStore}.
 */
@NullMarked
package io.coderunner.core.log;

import org.jspecify.annotations.NullMarked;
