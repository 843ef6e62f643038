package io.coderunner.core.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.MutableClock;
import io.coderunner.core.StreamKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The in-memory store as a durable store's hot path: what it tells its {@link LogJournal}, and a
 * log rebuilt with {@link InMemoryLogStore#restore} (its epoch and seqs kept, lost seqs a gap).
 */
class LogJournalTest {
  private static final DeploymentId APP = DeploymentId.of("app");

  private final MutableClock clock = MutableClock.at("2026-12-07T10:00:00Z");
  private final Journal journal = new Journal();
  private InMemoryLogStore store =
      InMemoryLogStore.create(RetentionConfig.defaults(), clock, journal);

  /** Records what the store told it; reserves {@code block} seqs at a time. */
  static final class Journal implements LogJournal {
    final List<String> events = new ArrayList<>();
    final List<LogLine> lines = new ArrayList<>();
    long block = 100;
    boolean failReservations;

    @Override
    public long reserve(DeploymentId id, long seq) {
      if (failReservations) {
        throw new IllegalStateException("disk full");
      }
      long upTo = seq + block - 1;
      events.add("reserve " + seq + "-" + upTo);
      return upTo;
    }

    @Override
    public void appended(
        DeploymentId id,
        List<LogLine> appended,
        long appendedAtMicros,
        @Nullable IdempotencyRecord key) {
      events.add(
          "appended "
              + appended.get(0).seq()
              + "-"
              + appended.get(appended.size() - 1).seq()
              + " at "
              + appendedAtMicros
              + (key == null ? "" : " key " + key.key()));
      lines.addAll(appended);
    }

    @Override
    public void forgotKeys(DeploymentId id, long firstSeq) {
      events.add("forgot keys below " + firstSeq);
    }

    @Override
    public void dropped(DeploymentId id, long firstSeq) {
      events.add("dropped below " + firstSeq);
    }
  }

  @AfterEach
  void close() {
    store.close();
  }

  private static List<LogEntry> entries(int n) {
    List<LogEntry> list = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      list.add(LogEntry.stdout("line " + i));
    }
    return list;
  }

  private static RestoredLine restored(long seq) {
    return new RestoredLine(
        new LogLine(
            seq,
            Instant.parse("2026-12-07T09:00:00Z").plusSeconds(seq),
            StreamKind.STDOUT,
            LogLevel.INFO,
            "old " + seq,
            null),
        Instant.parse("2026-12-07T09:00:00Z").plusSeconds(seq));
  }

  @Test
  void everyAppendIsJournalledInSeqOrderAfterItsSeqsWereReserved() {
    store =
        InMemoryLogStore.create(
            RetentionConfig.builder().maxLineBytes(256).build(), clock, journal);
    store.create(APP);
    store.append(APP, LogEntry.stdout("one"));
    store.append(APP, entries(150));
    LogLine longLine = store.append(APP, LogEntry.stdout("x".repeat(1000)));
    long at = 1_796_637_600_000_000L; // 2026-12-07T10:00:00Z in microseconds
    assertThat(journal.events)
        .containsExactly(
            "reserve 1-100",
            "appended 1-1 at " + at,
            "reserve 151-250",
            "appended 2-151 at " + at,
            "appended 152-152 at " + at);
    // The journal holds the lines as the store keeps them: seqs, stamps, truncation.
    assertThat(journal.lines).hasSize(152);
    assertThat(journal.lines.get(151)).isEqualTo(longLine);
    assertThat(longLine.message()).contains("[...truncated");
    assertThat(journal.lines.stream().mapToLong(LogLine::seq).toArray())
        .containsExactly(LongStream.rangeClosed(1, 152).toArray());
  }

  @Test
  void aReservationThatFailsFailsTheAppendAndHandsOutNoSeq() {
    store.create(APP);
    store.append(APP, entries(100)); // reserves a block from its last seq: 100-199
    store.append(APP, entries(99)); // 101-199: no reservation needed
    assertThat(journal.events.stream().filter(e -> e.startsWith("reserve")))
        .containsExactly("reserve 100-199");
    journal.failReservations = true;
    assertThatThrownBy(() -> store.append(APP, LogEntry.stdout("no room")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("disk full");
    assertThatThrownBy(() -> store.append(APP, entries(3))).hasMessage("disk full");
    assertThat(store.info(APP).orElseThrow().lastSeq()).isEqualTo(199);
    assertThat(store.read(APP, 190, 100, LogFilter.all()).lines()).hasSize(9);
    journal.failReservations = false;
    assertThat(store.append(APP, LogEntry.stdout("room again")).seq()).isEqualTo(200);
  }

  @Test
  void retentionTellsTheJournalHowFarItDropped() {
    store =
        InMemoryLogStore.create(
            RetentionConfig.builder().maxLines(10).maxAge(Duration.ofMinutes(1)).build(),
            clock,
            journal);
    store.create(APP);
    store.append(APP, entries(12));
    assertThat(journal.events).contains("dropped below 3");
    clock.advance(Duration.ofMinutes(2));
    store.evictExpired();
    assertThat(journal.events).endsWith("dropped below 13");
  }

  @Test
  void aRestoredLogKeepsItsEpochAndSeqsAndAResumeContinuesWithoutReset() {
    List<RestoredLine> lines = new ArrayList<>();
    for (long seq = 5; seq <= 20; seq++) {
      lines.add(restored(seq));
    }
    LogInfo info = store.restore(APP, "u-alice", "epoch-1", lines, 20);
    assertThat(info).isEqualTo(new LogInfo(APP, "epoch-1", 5, 20, 16, info.retainedBytes()));
    assertThat(info.retainedBytes()).isPositive();
    assertThat(store.stats().retainedBytes()).isEqualTo(info.retainedBytes());
    assertThat(journal.events).isEmpty();

    Recorder r = new Recorder();
    LogCursor cursor = store.subscribe(APP, StartPosition.after("epoch-1", 17), LogFilter.all(), r);
    assertThat(cursor.opening().reset()).isFalse();
    r.drain(cursor);
    assertThat(r.events).containsExactly("line 18", "line 19", "line 20");
    assertThat(store.append(APP, LogEntry.stdout("new")).seq()).isEqualTo(21);
    assertThat(journal.events).startsWith("reserve 21-120");
    r.drain(cursor);
    assertThat(r.events).endsWith("line 21");
    assertThat(r.lines.get(0).message()).isEqualTo("old 18");

    assertThatThrownBy(() -> store.restore(APP, "u-alice", "epoch-2", List.of(), 0))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void seqsLostInAnUncleanStopAreAnExactGapForCursorsAndHistory() {
    // Lines 1-10 were written; 11-30 were reserved (and some handed out) but never written.
    List<RestoredLine> lines = new ArrayList<>();
    for (long seq = 1; seq <= 10; seq++) {
      lines.add(restored(seq));
    }
    store.restore(APP, "u-alice", "epoch-1", lines, 30);
    store.append(APP, entries(2)); // 31, 32
    assertThat(store.info(APP).orElseThrow().retainedLines()).isEqualTo(12);

    // A follower that had seen up to 14 before the stop resumes inside the lost range.
    Recorder inside = new Recorder();
    LogCursor c = store.subscribe(APP, StartPosition.after("epoch-1", 14), LogFilter.all(), inside);
    inside.drain(c);
    assertThat(inside.events).containsExactly("gap 15-30", "line 31", "line 32");
    Recorder before = new Recorder();
    LogCursor b = store.subscribe(APP, StartPosition.after("epoch-1", 8), LogFilter.all(), before);
    before.drain(b);
    assertThat(before.events)
        .containsExactly("line 9", "line 10", "gap 11-30", "line 31", "line 32");
    assertThat(store.stats().gapsServed()).isEqualTo(2);

    LogPage page = store.read(APP, 8, 100, LogFilter.all());
    assertThat(page.lines().stream().map(LogLine::seq)).containsExactly(9L, 10L, 31L, 32L);
    assertThat(page.lost()).isEqualTo(20);
    LogPage back = store.readBefore(APP, 33, 3, LogFilter.all());
    assertThat(back.lines().stream().map(LogLine::seq)).containsExactly(10L, 31L, 32L);
    assertThat(store.tail(APP, 3, LogFilter.builder().query("old").build()).lines())
        .extracting(LogLine::seq)
        .containsExactly(8L, 9L, 10L);
  }

  @Test
  void aLogRestoredWithEveryLineLostStartsAboveItsReservation() {
    store.restore(APP, "u-alice", "epoch-1", List.of(), 4096);
    LogInfo info = store.info(APP).orElseThrow();
    assertThat(info.firstAvailable()).isEqualTo(4097);
    assertThat(info.retainedLines()).isZero();
    Recorder r = new Recorder();
    LogCursor c = store.subscribe(APP, StartPosition.after("epoch-1", 100), LogFilter.all(), r);
    assertThat(store.append(APP, LogEntry.stdout("first after")).seq()).isEqualTo(4097);
    r.drain(c);
    assertThat(r.events).containsExactly("gap 101-4096", "line 4097");
  }

  @Test
  void aRestoreAppliesTodaysRetention() {
    store = InMemoryLogStore.create(RetentionConfig.builder().maxLines(5).build(), clock, journal);
    List<RestoredLine> lines = new ArrayList<>();
    for (long seq = 1; seq <= 20; seq++) {
      lines.add(restored(seq));
    }
    LogInfo info = store.restore(APP, "u-alice", "epoch-1", lines, 20);
    assertThat(info.firstAvailable()).isEqualTo(16);
    assertThat(journal.events).containsExactly("dropped below 16");
  }
}
