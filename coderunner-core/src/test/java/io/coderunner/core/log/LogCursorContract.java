package io.coderunner.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentNotFoundException;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.MutableClock;
import io.coderunner.core.StreamKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LogStore}'s cursors do, as tests: replay then live without a seam, gaps for
 * what retention dropped, epochs and resets, signals, batch bounds, filters, lag, and how cursors
 * end. A store's test class extends it and says how to make the store. Published in core's
 * test-jar.
 */
public abstract class LogCursorContract {
  private static final DeploymentId APP = DeploymentId.of("app");

  protected final MutableClock clock = MutableClock.at("2026-11-24T10:00:00Z");
  protected LogStore store;
  private final Recorder recorder = new Recorder();

  /**
   * A new, empty store, as {@link LogStoreContract#newStore} makes it.
   *
   * @param config the retention the test wants
   * @param clock stamps lines and decides their age; tests move it by hand
   * @return the store under test
   */
  protected abstract LogStore newStore(RetentionConfig config, Clock clock);

  @BeforeEach
  void openStore() {
    store = newStore(RetentionConfig.defaults(), clock);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private void useMaxLines(long maxLines) {
    store.close();
    store = newStore(RetentionConfig.builder().maxLines(maxLines).build(), clock);
  }

  private void append(int n) {
    List<LogEntry> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(LogEntry.stdout("line"));
    }
    store.append(APP, list);
  }

  private LogCursor subscribe(StartPosition start) {
    return store.subscribe(APP, start, LogFilter.all(), recorder);
  }

  @Test
  void subscriberBehindRetentionGetsGapThenLive() {
    useMaxLines(2);
    store.create(APP);
    append(5);
    LogCursor cursor = subscribe(StartPosition.after(0));
    recorder.drain(cursor);
    append(1);
    recorder.drain(cursor);

    assertThat(recorder.events).containsExactly("gap 1-3", "line 4", "line 5", "line 6");
  }

  @Test
  void afterReplaysHistoryThenDeliversLiveLinesWithoutASeam() {
    store.create(APP);
    append(5);
    LogCursor cursor = subscribe(StartPosition.after(2));
    assertThat(cursor.opening())
        .isEqualTo(new CursorOpening(store.info(APP).orElseThrow().epoch(), 1, 3, false));
    recorder.drain(cursor);
    append(2);
    recorder.drain(cursor);

    assertThat(recorder.events).containsExactly("line 3", "line 4", "line 5", "line 6", "line 7");
  }

  @Test
  void aPositionAtTheTopOfTheRangeWaitsInsteadOfWrapping() {
    store.create(APP);
    append(3);
    for (long after : new long[] {Long.MAX_VALUE - 1, Long.MAX_VALUE}) {
      LogCursor cursor = subscribe(StartPosition.after(after));
      assertThat(cursor.opening().next()).isEqualTo(Long.MAX_VALUE);
      assertThat(cursor.lag().lines()).isZero();
      recorder.drain(cursor);
      cursor.close();
    }
    append(1);
    LogPage page = store.read(APP, Long.MAX_VALUE, 10, LogFilter.all());

    assertThat(recorder.events).isEmpty();
    assertThat(page.lines()).isEmpty();
    assertThat(page.lost()).isZero();
    assertThat(page.next()).isEqualTo(Long.MAX_VALUE);
    assertThat(StartPosition.seqAfter(41)).isEqualTo(42);
  }

  @Test
  void tailStartsWithTheLastLines() {
    store.create(APP);
    append(10);
    LogCursor cursor = subscribe(StartPosition.tail(3));
    recorder.drain(cursor);
    assertThat(recorder.events).containsExactly("line 8", "line 9", "line 10");
    assertThat(cursor.opening().next()).isEqualTo(8);
  }

  @Test
  void filteredTailCountsOnlyMatchingLines() {
    store.create(APP);
    for (int i = 1; i <= 10; i++) {
      store.append(APP, i % 3 == 0 ? LogEntry.stderr("boom " + i) : LogEntry.stdout("ok " + i));
    }
    LogFilter errors = LogFilter.builder().levels(LogLevel.ERROR).build();
    LogCursor cursor = store.subscribe(APP, StartPosition.tail(2), errors, recorder);
    recorder.drain(cursor);
    assertThat(recorder.events).containsExactly("line 6", "line 9");
  }

  @Test
  void liveStartsAfterTheCurrentHead() {
    store.create(APP);
    append(4);
    LogCursor cursor = subscribe(StartPosition.live());
    assertThat(recorder.drain(cursor)).isEqualTo(new CursorBatch.Idle(5));
    append(1);
    recorder.drain(cursor);
    assertThat(recorder.events).containsExactly("line 5");
  }

  @Test
  void aPositionFromAnotherEpochResetsToTheFirstRetainedLine() {
    useMaxLines(3);
    store.create(APP);
    append(5);
    LogCursor cursor = subscribe(StartPosition.after("not-this-epoch", 4));
    assertThat(cursor.opening().reset()).isTrue();
    assertThat(cursor.opening().next()).isEqualTo(3);
    recorder.drain(cursor);
    assertThat(recorder.events).containsExactly("line 3", "line 4", "line 5");
  }

  @Test
  void aPositionFromTheCurrentEpochIsTrusted() {
    store.create(APP);
    append(5);
    String epoch = store.info(APP).orElseThrow().epoch();
    LogCursor cursor = subscribe(StartPosition.after(epoch, 4));
    assertThat(cursor.opening().reset()).isFalse();
    recorder.drain(cursor);
    assertThat(recorder.events).containsExactly("line 5");
  }

  @Test
  void aPositionAheadOfTheHeadWaitsForThoseLines() {
    store.create(APP);
    append(2);
    LogCursor cursor = subscribe(StartPosition.after(4));
    assertThat(cursor.lag()).isEqualTo(CursorLag.NONE);
    append(4);
    recorder.drain(cursor);
    assertThat(recorder.events).containsExactly("line 5", "line 6");
  }

  @Test
  void theListenerIsSignalledOnceUntilTheOwnerPollsAgain() {
    store.create(APP);
    LogCursor cursor = subscribe(StartPosition.live());
    recorder.drain(cursor);
    append(1);
    append(1);
    append(1);
    assertThat(recorder.signals.availablePermits()).isEqualTo(1);
    recorder.drain(cursor);
    append(1);
    assertThat(recorder.signals.availablePermits()).isEqualTo(2);
    assertThat(recorder.events).containsExactly("line 1", "line 2", "line 3");
  }

  @Test
  void noSignalBeforeTheFirstPoll() {
    store.create(APP);
    LogCursor cursor = subscribe(StartPosition.live());
    append(3);
    assertThat(recorder.signals.availablePermits()).isZero();
    recorder.drain(cursor);
    assertThat(recorder.events).hasSize(3);
  }

  @Test
  void batchesAreBoundedByLinesAndBytesButNeverEmpty() {
    store.create(APP);
    append(10);
    LogCursor cursor = subscribe(StartPosition.after(0));
    CursorBatch first = cursor.poll(4, Long.MAX_VALUE);
    assertThat(first).isInstanceOf(CursorBatch.Lines.class);
    assertThat(((CursorBatch.Lines) first).lines()).hasSize(4);
    assertThat(((CursorBatch.Lines) first).next()).isEqualTo(5);

    CursorBatch tiny = cursor.poll(100, 1);
    assertThat(((CursorBatch.Lines) tiny).lines()).hasSize(1);

    long twoLines = 2L * (RetentionConfig.LINE_OVERHEAD_BYTES + "line".length());
    CursorBatch two = cursor.poll(100, twoLines);
    assertThat(((CursorBatch.Lines) two).lines()).hasSize(2);
    assertThat(cursor.position()).isEqualTo(8);
  }

  @Test
  void pollRejectsNonPositiveBounds() {
    store.create(APP);
    LogCursor cursor = subscribe(StartPosition.live());
    assertThatThrownBy(() -> cursor.poll(0, 10)).hasMessageContaining("maxLines");
    assertThatThrownBy(() -> cursor.poll(10, 0)).hasMessageContaining("maxBytes");
  }

  @Test
  void aFilteredCursorSkipsLinesButKeepsMoving() {
    store.create(APP);
    store.append(APP, LogEntry.stdout("a"));
    store.append(APP, LogEntry.stderr("b"));
    store.append(APP, LogEntry.stdout("c"));
    LogFilter errors = LogFilter.builder().levels(LogLevel.ERROR).build();
    LogCursor cursor = store.subscribe(APP, StartPosition.after(0), errors, recorder);
    recorder.drain(cursor);
    assertThat(recorder.events).containsExactly("line 2");
    assertThat(cursor.position()).isEqualTo(4);
    assertThat(cursor.filter()).isEqualTo(errors);
  }

  @Test
  void aFilteredPollThatScansItsBudgetReturnsAnEmptyBatchAndMovesOn() {
    store.create(APP);
    append(100);
    LogFilter none = LogFilter.builder().query("never").build();
    LogCursor cursor = store.subscribe(APP, StartPosition.after(0), none, recorder);
    CursorBatch batch = cursor.poll(1, Long.MAX_VALUE);
    assertThat(batch).isEqualTo(new CursorBatch.Lines(List.of(), 17, clock.instant()));
    assertThat(recorder.drain(cursor)).isEqualTo(new CursorBatch.Idle(101));
  }

  @Test
  void aBatchCarriesTheAppendTimeOfItsOldestLineToTheMicrosecond() {
    store.create(APP);
    clock.advance(Duration.ofNanos(1_234_567));
    Instant first = clock.instant();
    append(2);
    clock.advance(Duration.ofMillis(3));
    append(1);
    clock.advance(Duration.ofSeconds(5));
    LogCursor cursor = subscribe(StartPosition.after(0));

    CursorBatch.Lines all = (CursorBatch.Lines) cursor.poll(100, Long.MAX_VALUE);
    assertThat(all.lines()).hasSize(3);
    assertThat(all.appendedAt()).isEqualTo(first.truncatedTo(ChronoUnit.MICROS));

    LogCursor fromThird = subscribe(StartPosition.after(2));
    assertThat(((CursorBatch.Lines) fromThird.poll(100, Long.MAX_VALUE)).appendedAt())
        .isEqualTo(first.plusMillis(3).truncatedTo(ChronoUnit.MICROS));
  }

  @Test
  void lineAgeCountsFromTheStoresClockEvenForLinesThatCarryTheirOwnTimestamp() {
    store.create(APP);
    Instant appended = clock.instant();
    store.append(
        APP,
        new LogEntry(
            Instant.parse("2020-01-01T00:00:00Z"),
            StreamKind.STDOUT,
            LogLevel.INFO,
            "from an agent"));
    clock.advance(Duration.ofMillis(250));
    LogCursor cursor = subscribe(StartPosition.after(0));

    assertThat(cursor.lag().age()).isEqualTo(Duration.ofMillis(250));
    assertThat(((CursorBatch.Lines) cursor.poll(1, Long.MAX_VALUE)).appendedAt())
        .isEqualTo(appended);
  }

  @Test
  void statusLinesReachCursorsWithTheirStatus() {
    store.create(APP);
    LogCursor cursor = subscribe(StartPosition.after(0));
    store.appendStatus(APP, DeploymentStatus.STARTING, "starting");
    append(1);
    recorder.drain(cursor);
    assertThat(recorder.lines.get(0).status()).isEqualTo(DeploymentStatus.STARTING);
    assertThat(recorder.lines.get(1).status()).isNull();
  }

  @Test
  void lagCountsLinesBytesAndAgeOfWhatIsUnread() {
    store.create(APP);
    LogCursor cursor = subscribe(StartPosition.after(0));
    append(3);
    clock.advance(Duration.ofSeconds(7));
    append(2);
    CursorLag lag = cursor.lag();
    assertThat(lag.lines()).isEqualTo(5);
    assertThat(lag.bytes()).isEqualTo(5 * (RetentionConfig.LINE_OVERHEAD_BYTES + 4));
    assertThat(lag.age()).isEqualTo(Duration.ofSeconds(7));
    assertThat(lag.isBehind()).isTrue();

    cursor.poll(3, Long.MAX_VALUE);
    assertThat(cursor.lag().lines()).isEqualTo(2);
    assertThat(cursor.lag().age()).isZero();
    recorder.drain(cursor);
    assertThat(cursor.lag()).isEqualTo(CursorLag.NONE);
  }

  @Test
  void lagOfACursorBelowRetentionCountsTheLostLinesToo() {
    useMaxLines(2);
    store.create(APP);
    LogCursor cursor = subscribe(StartPosition.after(0));
    append(5);
    assertThat(cursor.lag().lines()).isEqualTo(5);
    assertThat(cursor.lag().bytes()).isEqualTo(2 * (RetentionConfig.LINE_OVERHEAD_BYTES + 4));
  }

  @Test
  void deletingTheDeploymentEndsItsCursorsAndWakesThem() {
    store.create(APP);
    LogCursor cursor = subscribe(StartPosition.live());
    recorder.drain(cursor);
    store.delete(APP);
    assertThat(recorder.signals.availablePermits()).isEqualTo(1);
    assertThat(recorder.drain(cursor)).isEqualTo(new CursorBatch.Ended(EndReason.DELETED));
    assertThat(cursor.endReason()).isEqualTo(EndReason.DELETED);
  }

  @Test
  void closingTheStoreEndsEveryCursor() {
    store.create(APP);
    LogCursor cursor = subscribe(StartPosition.live());
    store.close();
    assertThat(cursor.poll(10, 10)).isEqualTo(new CursorBatch.Ended(EndReason.STORE_CLOSED));
  }

  @Test
  void closingACursorDetachesItAndIsIdempotent() {
    store.create(APP);
    LogCursor cursor = subscribe(StartPosition.live());
    assertThat(store.stats().cursors()).isEqualTo(1);
    cursor.close();
    cursor.close();
    assertThat(store.stats().cursors()).isZero();
    assertThat(cursor.poll(1, 1)).isEqualTo(new CursorBatch.Ended(EndReason.CLOSED));
    append(1); // no signal to a closed cursor, no failure for the appender
    assertThat(recorder.signals.availablePermits()).isZero();
  }

  @Test
  void aFailingListenerDoesNotHurtTheAppenderOrOtherCursors() {
    store.create(APP);
    AtomicInteger calls = new AtomicInteger();
    LogCursor bad =
        store.subscribe(
            APP,
            StartPosition.live(),
            LogFilter.all(),
            c -> {
              calls.incrementAndGet();
              throw new IllegalStateException("listener bug");
            });
    LogCursor good = subscribe(StartPosition.live());
    bad.poll(1, 1);
    recorder.drain(good);
    append(1);
    assertThat(calls).hasValue(1);
    recorder.drain(good);
    assertThat(recorder.events).containsExactly("line 1");
  }

  @Test
  void gapsAreCountedInStats() {
    useMaxLines(1);
    store.create(APP);
    LogCursor cursor = subscribe(StartPosition.after(0));
    append(3);
    recorder.drain(cursor);
    assertThat(store.stats().gapsServed()).isEqualTo(1);
  }

  @Test
  void subscribingToADeletedDeploymentFails() {
    store.create(APP);
    store.delete(APP);
    assertThatThrownBy(() -> subscribe(StartPosition.live()))
        .isInstanceOf(DeploymentNotFoundException.class);
  }
}
