package io.coderunner.core.log;

import java.time.Clock;

/** The in-memory store's cursors against {@link LogCursorContract}. */
class InMemoryLogCursorTest extends LogCursorContract {
  @Override
  protected LogStore newStore(RetentionConfig config, Clock clock) {
    return InMemoryLogStore.create(config, clock);
  }
}
