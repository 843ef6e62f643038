package io.coderunner.core.follow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentNotFoundException;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.LogEntry;
import io.coderunner.core.LogLevel;
import io.coderunner.core.LogLine;
import io.coderunner.core.MutableClock;
import io.coderunner.core.StreamKind;
import io.coderunner.core.delivery.ResumeOutcome;
import io.coderunner.core.log.CursorLag;
import io.coderunner.core.log.EndReason;
import io.coderunner.core.log.InMemoryLogStore;
import io.coderunner.core.log.LogFilter;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.core.log.StartPosition;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FollowerTest {
  static final DeploymentId APP = DeploymentId.of("app");
  static final DeploymentId OTHER = DeploymentId.of("other");

  final MutableClock clock = MutableClock.at("2026-12-03T10:00:00Z");
  InMemoryLogStore store = InMemoryLogStore.create(RetentionConfig.defaults(), clock);

  /**
   * A single "I/O thread" as XNIO runs one: queued tasks first, then what waits for the I/O to be
   * served; one at a time, when the test says so.
   */
  static final class ManualThread implements OwnerThread {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    final ArrayDeque<Runnable> afterIo = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    @Override
    public void executeAfterIo(Runnable task) {
      afterIo.add(task);
    }

    boolean runOne() {
      Runnable task = tasks.poll();
      if (task == null) {
        task = afterIo.poll();
      }
      if (task == null) {
        return false;
      }
      task.run();
      return true;
    }

    void runAll() {
      for (int i = 0; i < 100_000 && runOne(); i++) {
        // until idle
      }
      assertThat(tasks).as("tasks keep coming").isEmpty();
      assertThat(afterIo).as("tasks keep coming").isEmpty();
    }
  }

  /** A connection on the manual executor that "writes" every event it is handed, in order. */
  final class Sink {
    final ManualThread io;
    final Follower follower;
    final List<FollowEvent> events = new ArrayList<>();
    int turns;

    Sink(ManualThread io, FollowConfig config) {
      this.io = io;
      this.follower = Follower.create(config, store, clock, io, this::drain);
    }

    void drain() {
      turns++;
      follower.beginTurn();
      for (FollowEvent e = follower.next(); e != null; e = follower.next()) {
        events.add(e);
      }
    }

    List<Long> seqs() {
      List<Long> out = new ArrayList<>();
      for (FollowEvent e : events) {
        if (e instanceof FollowEvent.Lines l) {
          l.lines().forEach(line -> out.add(line.seq()));
        }
      }
      return out;
    }

    <T extends FollowEvent> List<T> of(Class<T> type) {
      List<T> out = new ArrayList<>();
      for (FollowEvent e : events) {
        if (type.isInstance(e)) {
          out.add(type.cast(e));
        }
      }
      return out;
    }
  }

  final ManualThread io = new ManualThread();

  @BeforeEach
  void createLogs() {
    store.create(APP);
    store.create(OTHER);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  void append(DeploymentId id, int n, String message) {
    List<LogEntry> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      entries.add(LogEntry.stdout(message));
    }
    store.append(id, entries);
  }

  Sink sink() {
    return new Sink(io, FollowConfig.defaults());
  }

  @Test
  void replaysHistoryThenFollowsLiveLinesWithoutASeam() {
    append(APP, 5, "old");
    Sink s = sink();
    s.follower.open(APP, StartPosition.after(0), LogFilter.all());
    io.runAll();
    FollowEvent.Opened opened = (FollowEvent.Opened) s.events.get(0);
    assertThat(opened.opening().next()).isEqualTo(1);
    assertThat(opened.resume()).isEqualTo(ResumeOutcome.CONTINUED);
    assertThat(s.seqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(s.of(FollowEvent.Lines.class).get(0).live()).isFalse();
    assertThat(s.follower.isCaughtUp()).isTrue();

    append(APP, 2, "new");
    io.runAll();
    assertThat(s.seqs()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    FollowEvent.Lines live = s.of(FollowEvent.Lines.class).get(1);
    assertThat(live.live()).isTrue();
    assertThat(live.unfiltered()).isTrue();
    assertThat(live.epoch()).isEqualTo(opened.opening().epoch());
  }

  @Test
  void signalsCoalesceIntoOnePendingWakeUp() {
    Sink s = sink();
    s.follower.open(APP, StartPosition.live(), LogFilter.all());
    io.runAll();
    int before = s.turns;
    for (int i = 0; i < 100; i++) {
      store.append(APP, LogEntry.stdout("burst " + i));
    }
    assertThat(io.tasks).hasSize(1);
    io.runAll();
    assertThat(s.turns - before).isEqualTo(1);
    assertThat(s.seqs()).hasSize(100);
  }

  @Test
  void statusChangesComeRightAfterTheirLineWhateverTheFilter() {
    Sink s = sink();
    LogFilter stderrOnly = LogFilter.builder().streams(StreamKind.STDERR).build();
    s.follower.open(APP, StartPosition.live(), stderrOnly);
    io.runAll();
    store.append(APP, LogEntry.stderr("before"));
    store.appendStatus(APP, DeploymentStatus.RUNNING, "running");
    store.append(APP, LogEntry.stderr("after"));
    store.append(APP, LogEntry.stdout("filtered"));
    io.runAll();
    List<FollowEvent> events = s.events.subList(1, s.events.size());
    assertThat(events).hasSize(3);
    assertThat(((FollowEvent.Lines) events.get(0)).lines())
        .extracting(LogLine::message)
        .containsExactly("before");
    FollowEvent.Status status = (FollowEvent.Status) events.get(1);
    assertThat(status.status()).isEqualTo(DeploymentStatus.RUNNING);
    assertThat(status.seq()).isEqualTo(2);
    assertThat(status.lineSent()).as("the filter dropped the system line").isFalse();
    assertThat(((FollowEvent.Lines) events.get(2)).lines())
        .extracting(LogLine::message)
        .containsExactly("after");
  }

  @Test
  void anUnfilteredBatchIsCutAfterAStatusLineSoTheStatusFollowsIt() {
    Sink s = sink();
    s.follower.open(APP, StartPosition.live(), LogFilter.all());
    io.runAll();
    append(APP, 2, "a");
    store.appendStatus(APP, DeploymentStatus.STOPPED, "stopped");
    append(APP, 2, "b");
    io.runAll();
    List<FollowEvent> events = s.events.subList(1, s.events.size());
    assertThat(events).hasSize(3);
    assertThat(((FollowEvent.Lines) events.get(0)).lines())
        .extracting(LogLine::seq)
        .containsExactly(1L, 2L, 3L);
    assertThat(((FollowEvent.Status) events.get(1)).lineSent()).isTrue();
    assertThat(((FollowEvent.Lines) events.get(2)).lines())
        .extracting(LogLine::seq)
        .containsExactly(4L, 5L);
  }

  @Test
  void aFilteredTailFindsTheLastMatchingLinesAndMissesNothingAppendedMeanwhile() {
    for (int i = 1; i <= 3000; i++) {
      store.append(APP, LogEntry.stdout(i % 100 == 0 ? "needle " + i : "hay " + i));
    }
    FollowConfig small = FollowConfig.builder().maxScanLinesPerTurn(100).build();
    Sink s = new Sink(io, small);
    s.follower.open(APP, StartPosition.tail(5), LogFilter.builder().query("NEEDLE").build());
    // Find the tail a slice at a time: each turn tests at most 100 lines.
    int turns = 0;
    while (s.events.isEmpty()) {
      assertThat(io.runOne()).isTrue();
      turns++;
      if (turns == 2) {
        store.append(APP, LogEntry.stdout("needle appended while searching"));
      }
    }
    assertThat(turns).as("500 lines to test, 100 a turn").isGreaterThanOrEqualTo(5);
    FollowEvent.Opened opened = (FollowEvent.Opened) s.events.get(0);
    assertThat(opened.opening().next()).isEqualTo(2600);
    assertThat(opened.resume()).isNull();
    io.runAll();
    assertThat(s.of(FollowEvent.Lines.class))
        .flatExtracting(FollowEvent.Lines::lines)
        .extracting(LogLine::message)
        .containsExactly(
            "needle 2600",
            "needle 2700",
            "needle 2800",
            "needle 2900",
            "needle 3000",
            "needle appended while searching");
  }

  @Test
  void aFilteredTailWithNoMatchStartsLiveFromTheHeadItSawAndTailsStayWithinTheLookBack() {
    append(APP, 50, "hay");
    Sink s = sink();
    s.follower.open(
        APP, StartPosition.tail(10), LogFilter.builder().levels(LogLevel.ERROR).build());
    io.runAll();
    assertThat(((FollowEvent.Opened) s.events.get(0)).opening().next()).isEqualTo(51);
    store.append(APP, LogEntry.stderr("boom"));
    io.runAll();
    assertThat(s.seqs()).containsExactly(51L);
  }

  @Test
  void anUnfilteredTailStartsAtOnce() {
    append(APP, 50, "x");
    Sink s = sink();
    s.follower.open(APP, StartPosition.tail(3), LogFilter.all());
    io.runAll();
    assertThat(((FollowEvent.Opened) s.events.get(0)).opening().next()).isEqualTo(48);
    assertThat(s.seqs()).containsExactly(48L, 49L, 50L);
  }

  @Test
  void aTurnReadsNoMoreThanItsBudgetWhateverTheFilter() {
    append(APP, 10_000, "x".repeat(100));
    FollowConfig config =
        FollowConfig.builder()
            .maxScanLinesPerTurn(300)
            .maxScanBytesPerTurn(16 << 10)
            .maxBatchLines(1000)
            .build();
    Sink s = new Sink(io, config);
    LogFilter nothing = LogFilter.builder().query("never there").build();
    s.follower.open(APP, StartPosition.after(0), nothing);
    long lineBytes = RetentionConfig.LINE_OVERHEAD_BYTES + 100;
    long perTurn = Math.min(300, ((16 << 10) + lineBytes - 1) / lineBytes);
    long last = 1;
    int turns = 0;
    while (io.runOne()) {
      turns++;
      long position = s.follower.follows().get(0).position();
      assertThat(position - last).isLessThanOrEqualTo(perTurn);
      last = position;
    }
    assertThat(last).isEqualTo(10_001);
    assertThat(turns).isGreaterThanOrEqualTo((int) (10_000 / perTurn));
    assertThat(s.of(FollowEvent.Lines.class)).isEmpty();
  }

  @Test
  void aConnectionReplayingAWholeLogWithAPathologicalFilterDoesNotDelayAnotherByATurn() {
    // Two connections share one thread. One replays a large log through a filter that matches
    // nothing; a line for the other, appended meanwhile, goes out before the replay's next turn:
    // a turn cut short waits for the thread's I/O and queued tasks.
    append(APP, 2_000, "a".repeat(2_000));
    Sink attacker = sink();
    Sink bystander = sink();
    bystander.follower.open(OTHER, StartPosition.live(), LogFilter.all());
    io.runAll();
    attacker.follower.open(
        APP, StartPosition.after(0), LogFilter.builder().query("a".repeat(255) + "b").build());
    io.runOne(); // the attacker's first turn
    store.append(OTHER, LogEntry.stdout("bystander"));
    int attackerTurnsBefore = attacker.turns;
    while (bystander.seqs().isEmpty()) {
      assertThat(io.runOne()).isTrue();
    }
    assertThat(attacker.turns - attackerTurnsBefore).isZero();
    assertThat(attacker.follower.follows().get(0).position())
        .as("the attacker's replay is still under way")
        .isLessThan(2_000);
    io.runAll();
    assertThat(attacker.follower.follows().get(0).position()).isEqualTo(2_001);
  }

  @Test
  void aTurnCutShortAsksForTheNextAfterTheThreadsIoWhileNewLinesAskAtOnce() {
    append(APP, 5_000, "x");
    Sink s = new Sink(io, FollowConfig.builder().maxScanLinesPerTurn(100).build());
    s.follower.open(APP, StartPosition.after(0), LogFilter.all());
    assertThat(io.tasks).hasSize(1);
    io.runOne();
    assertThat(s.follower.isCaughtUp()).isFalse();
    assertThat(io.tasks).isEmpty();
    assertThat(io.afterIo).hasSize(1);
    io.runAll();
    assertThat(s.follower.isCaughtUp()).isTrue();
    store.append(APP, LogEntry.stdout("live"));
    assertThat(io.tasks).hasSize(1);
    assertThat(io.afterIo).isEmpty();
  }

  @Test
  void subscriptionsOfOneConnectionTakeTurns() {
    FollowConfig config = FollowConfig.builder().maxBatchLines(10).build();
    Sink small = new Sink(io, config);
    small.follower.open(APP, StartPosition.live(), LogFilter.all());
    small.follower.open(OTHER, StartPosition.live(), LogFilter.all());
    io.runAll();
    append(APP, 30, "a");
    append(OTHER, 30, "o");
    io.runAll();
    List<DeploymentId> order = new ArrayList<>();
    for (FollowEvent e : small.of(FollowEvent.Lines.class)) {
      order.add(e.deploymentId());
    }
    assertThat(order).containsExactly(APP, OTHER, APP, OTHER, APP, OTHER);
  }

  @Test
  void aSubscriberBehindRetentionGetsAGapThenGoesOn() {
    store.close();
    store = InMemoryLogStore.create(RetentionConfig.builder().maxLines(3).build(), clock);
    store.create(APP);
    append(APP, 10, "x");
    Sink s = sink();
    s.follower.open(APP, StartPosition.after(2), LogFilter.all());
    io.runAll();
    assertThat(((FollowEvent.Opened) s.events.get(0)).resume()).isEqualTo(ResumeOutcome.GAP);
    FollowEvent.Gap gap = s.of(FollowEvent.Gap.class).get(0);
    assertThat(gap.from()).isEqualTo(3);
    assertThat(gap.to()).isEqualTo(7);
    assertThat(s.seqs()).containsExactly(8L, 9L, 10L);
  }

  @Test
  void aResumeFromAnotherEpochResets() {
    append(APP, 3, "x");
    Sink s = sink();
    s.follower.open(APP, StartPosition.after("not-this-epoch", 2), LogFilter.all());
    io.runAll();
    FollowEvent.Opened opened = (FollowEvent.Opened) s.events.get(0);
    assertThat(opened.opening().reset()).isTrue();
    assertThat(opened.resume()).isEqualTo(ResumeOutcome.RESET);
    assertThat(s.seqs()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void deletingTheLogEndsTheSubscription() {
    Sink s = sink();
    s.follower.open(APP, StartPosition.live(), LogFilter.all());
    io.runAll();
    store.delete(APP);
    io.runAll();
    FollowEvent.Ended ended = s.of(FollowEvent.Ended.class).get(0);
    assertThat(ended.deploymentId()).isEqualTo(APP);
    assertThat(ended.reason()).isEqualTo(EndReason.DELETED);
    assertThat(s.follower.isFollowing(APP)).isFalse();
    assertThat(s.follower.size()).isZero();
  }

  @Test
  void aTailSearchOnALogDeletedMeanwhileEnds() {
    append(APP, 5_000, "hay");
    Sink s = new Sink(io, FollowConfig.builder().maxScanLinesPerTurn(100).build());
    s.follower.open(APP, StartPosition.tail(1), LogFilter.builder().query("needle").build());
    io.runOne();
    store.delete(APP);
    io.runAll();
    assertThat(s.events).hasSize(1);
    assertThat(((FollowEvent.Ended) s.events.get(0)).reason()).isEqualTo(EndReason.DELETED);
  }

  @Test
  void closingTheStoreEndsEverySubscription() {
    Sink s = sink();
    s.follower.open(APP, StartPosition.live(), LogFilter.all());
    io.runAll();
    store.close();
    io.runAll();
    assertThat(s.of(FollowEvent.Ended.class))
        .extracting(FollowEvent.Ended::reason)
        .containsExactly(EndReason.STORE_CLOSED);
  }

  @Test
  void closingOneSubscriptionDropsWhatItHadReadAlready() {
    FollowConfig config = FollowConfig.builder().maxBatchLines(1).build();
    Sink s = new Sink(io, config);
    s.follower.open(APP, StartPosition.live(), LogFilter.all());
    io.runAll();
    store.appendStatus(APP, DeploymentStatus.RUNNING, "running"); // a batch and its status event
    s.follower.beginTurn();
    assertThat(s.follower.next()).isInstanceOf(FollowEvent.Lines.class);
    assertThat(s.follower.close(APP)).isTrue();
    assertThat(s.follower.next()).as("the status event of a closed subscription").isNull();
    assertThat(s.follower.close(APP)).isFalse();
    append(APP, 1, "after");
    io.runAll();
    assertThat(s.events).hasSize(1); // only the Opened
  }

  @Test
  void openRefusesAnUnknownLogASecondSubscriptionAndAClosedFollower() {
    Sink s = sink();
    assertThatThrownBy(
            () -> s.follower.open(DeploymentId.of("nope"), StartPosition.live(), LogFilter.all()))
        .isInstanceOf(DeploymentNotFoundException.class);
    s.follower.open(APP, StartPosition.live(), LogFilter.all());
    assertThatThrownBy(() -> s.follower.open(APP, StartPosition.live(), LogFilter.all()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already following app");
    s.follower.close();
    assertThat(s.follower.size()).isZero();
    assertThatThrownBy(() -> s.follower.open(OTHER, StartPosition.live(), LogFilter.all()))
        .isInstanceOf(IllegalStateException.class);
  }

  // ------------------------------------------------------------------ check

  FollowConfig bounds() {
    return FollowConfig.builder()
        .maxLagTime(Duration.ofSeconds(10))
        .maxLagBytes(64 << 10)
        .lagBytesGrace(Duration.ofSeconds(1))
        .build();
  }

  @Test
  void aTokenPastItsValidityExpiresTheConnection() {
    Sink s = sink();
    assertThat(s.follower.check(clock.instant())).isEqualTo(FollowCheck.CAUGHT_UP);
    s.follower.expireAt(clock.instant().plusSeconds(5));
    clock.advance(Duration.ofMillis(4_999));
    assertThat(s.follower.check(clock.instant())).isEqualTo(FollowCheck.CAUGHT_UP);
    clock.advance(Duration.ofMillis(1));
    assertThat(s.follower.check(clock.instant())).isEqualTo(FollowCheck.EXPIRED);
    s.follower.expireAt(null);
    assertThat(s.follower.check(clock.instant())).isEqualTo(FollowCheck.CAUGHT_UP);
  }

  @Test
  void aReplayIsBoundedByTimeOnlyNotByTheAgeOrSizeOfWhatItReplays() {
    append(APP, 2_000, "x".repeat(1_000)); // 2 MB, far over 64 KiB
    clock.advance(Duration.ofHours(1)); // and an hour old
    Sink s = new Sink(io, bounds());
    s.follower.open(APP, StartPosition.after(0), LogFilter.all());
    assertThat(s.follower.check(clock.instant())).isEqualTo(FollowCheck.BEHIND);
    clock.advance(Duration.ofSeconds(10));
    assertThat(s.follower.check(clock.instant())).isEqualTo(FollowCheck.BEHIND);
    clock.advance(Duration.ofMillis(1));
    assertThat(s.follower.check(clock.instant())).isEqualTo(new FollowCheck.TooFarBehind(APP));
  }

  @Test
  void aLiveSubscriberIsTooFarBehindWhenItsOldestLineIsTooOld() {
    Sink s = new Sink(io, bounds());
    s.follower.open(APP, StartPosition.live(), LogFilter.all());
    io.runAll();
    append(APP, 1, "waiting");
    assertThat(s.follower.check(clock.instant())).isEqualTo(FollowCheck.BEHIND);
    clock.advance(Duration.ofSeconds(11));
    assertThat(s.follower.check(clock.instant())).isEqualTo(new FollowCheck.TooFarBehind(APP));
    io.runAll();
    assertThat(s.follower.check(clock.instant())).isEqualTo(FollowCheck.CAUGHT_UP);
  }

  @Test
  void aLiveSubscriberMustStayOverTheByteBoundForTheGrace() {
    Sink s = new Sink(io, bounds());
    s.follower.open(APP, StartPosition.live(), LogFilter.all());
    io.runAll();
    append(APP, 100, "x".repeat(1_000)); // ~106 KB behind
    assertThat(s.follower.check(clock.instant())).isEqualTo(FollowCheck.BEHIND);
    clock.advance(Duration.ofMillis(999));
    assertThat(s.follower.check(clock.instant())).isEqualTo(FollowCheck.BEHIND);
    io.runAll(); // it drains the burst, and the next check sees it: the grace starts over
    assertThat(s.follower.check(clock.instant())).isEqualTo(FollowCheck.CAUGHT_UP);
    append(APP, 100, "x".repeat(1_000));
    clock.advance(Duration.ofMillis(1));
    assertThat(s.follower.check(clock.instant())).isEqualTo(FollowCheck.BEHIND);
    clock.advance(Duration.ofSeconds(1));
    assertThat(s.follower.check(clock.instant())).isEqualTo(new FollowCheck.TooFarBehind(APP));
  }

  @Test
  void followsTellPositionAndLag() {
    append(APP, 10, "x");
    Sink s = sink();
    s.follower.open(APP, StartPosition.after(4), LogFilter.all());
    List<FollowInfo> before = s.follower.follows();
    assertThat(before).hasSize(1);
    assertThat(before.get(0).position()).isEqualTo(5);
    assertThat(before.get(0).lag().lines()).isEqualTo(6);
    io.runAll();
    FollowInfo after = s.follower.follows().get(0);
    assertThat(after.position()).isEqualTo(11);
    assertThat(after.lag()).isEqualTo(CursorLag.NONE);
    assertThat(s.follower.toString()).contains("app");
  }
}
