package io.coderunner.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.LogEntry;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store against {@link LogStoreContract}, and what only it does: age checked as
 * appends open a chunk of 1,024 lines, and its global byte count kept equal to what its logs hold.
 */
class InMemoryLogStoreTest extends LogStoreContract {
  @Override
  protected LogStore newStore(RetentionConfig config, Clock clock) {
    return InMemoryLogStore.create(config, clock);
  }

  private InMemoryLogStore memory() {
    return (InMemoryLogStore) store;
  }

  @Test
  void maxAgeIsAlsoCheckedWhenAppendsOpenANewChunk() {
    useRetention(RetentionConfig.builder().maxAge(Duration.ofMinutes(1)).build());
    store.create(APP);
    store.append(APP, entries(1000));
    clock.advance(Duration.ofMinutes(2));
    store.append(APP, entries(100)); // crosses seq 1024 -> 1025
    assertThat(store.info(APP).orElseThrow().firstAvailable()).isEqualTo(1001);
    clock.advance(Duration.ofMinutes(2));
    for (int i = 0; i < 1000; i++) {
      store.append(APP, LogEntry.stdout("single")); // crosses seq 2048 -> 2049
    }
    assertThat(store.info(APP).orElseThrow().firstAvailable()).isEqualTo(1101);
    assertThat(memory().globalBytes()).isEqualTo(store.stats().retainedBytes());
  }

  @Test
  void theGlobalCountMatchesWhatLogsHoldAfterEveryKindOfEviction() {
    useRetention(
        RetentionConfig.builder()
            .maxLines(700)
            .maxAge(Duration.ofMinutes(1))
            .globalMaxBytes(60_000)
            .maxLineBytes(256)
            .maxBytes(40_000)
            .build());
    store.create(APP);
    store.create(OTHER);
    for (int round = 0; round < 5; round++) {
      store.append(APP, entries(400));
      store.append(OTHER, LogEntry.stdout("x".repeat(200)));
      clock.advance(Duration.ofSeconds(40));
      store.evictExpired();
      assertThat(memory().globalBytes()).isEqualTo(store.stats().retainedBytes());
    }
    store.delete(OTHER);
    assertThat(memory().globalBytes()).isEqualTo(store.stats().retainedBytes());
  }
}
