package io.coderunner.core.log;

import java.time.Clock;

/** The in-memory store under {@link CursorConcurrencyContract}'s random schedules. */
class InMemoryCursorConcurrencyTest extends CursorConcurrencyContract {
  @Override
  protected LogStore newStore(RetentionConfig config, Clock clock) {
    return InMemoryLogStore.create(config, clock);
  }
}
