package io.coderunner.core.log;

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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link LogStore} does, as tests: dense per-deployment seqs, epochs, status lines,
 * history paging both ways, filters, tail, retention by lines, bytes, age and the global budget,
 * truncation, stats and closing. A store's test class extends it and says how to make the store
 * ({@link #newStore}); {@link LogCursorContract} and {@link CursorConcurrencyContract} hold the
 * cursors to the same standard. Published in core's test-jar.
 */
public abstract class LogStoreContract {
  protected static final DeploymentId APP = DeploymentId.of("app");
  protected static final DeploymentId OTHER = DeploymentId.of("other");
  private static final List<LogLevel> LEVELS =
      List.of(LogLevel.TRACE, LogLevel.DEBUG, LogLevel.INFO, LogLevel.WARN, LogLevel.ERROR);

  protected final MutableClock clock = MutableClock.at("2026-11-24T10:15:30.123456Z");
  protected LogStore store;

  /**
   * A new, empty store. Called before each test, and again when a test sets its own retention (the
   * previous store is closed first).
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

  protected void useRetention(RetentionConfig config) {
    store.close();
    store = newStore(config, clock);
  }

  protected static List<LogEntry> entries(int n) {
    List<LogEntry> list = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      list.add(LogEntry.stdout("line " + i));
    }
    return list;
  }

  protected static List<Long> seqs(List<LogLine> lines) {
    return lines.stream().map(LogLine::seq).toList();
  }

  @Test
  void appendsGetDenseSequenceNumbersStartingAtOne() {
    store.create(APP);
    LogLine first = store.append(APP, LogEntry.stdout("a"));
    LogLine second = store.append(APP, LogEntry.stderr("b"));
    AppendResult batch = store.append(APP, entries(3));

    assertThat(first.seq()).isEqualTo(1);
    assertThat(second.seq()).isEqualTo(2);
    assertThat(batch).isEqualTo(new AppendResult(3, 5));
    assertThat(batch.count()).isEqualTo(3);
    assertThat(seqs(store.read(APP, 0, 100, LogFilter.all()).lines()))
        .containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void eachDeploymentHasItsOwnSequence() {
    store.create(APP);
    store.create(OTHER);
    store.append(APP, entries(3));
    assertThat(store.append(OTHER, LogEntry.stdout("x")).seq()).isEqualTo(1);
  }

  @Test
  void linesWithoutTimestampAreStampedByTheStoreClock() {
    store.create(APP);
    Instant given = Instant.parse("2020-01-01T00:00:00Z");
    LogLine stamped = store.append(APP, LogEntry.stdout("now"));
    LogLine kept = store.append(APP, LogEntry.stdout("then").withTimestamp(given));
    assertThat(stamped.timestamp()).isEqualTo(clock.instant());
    assertThat(kept.timestamp()).isEqualTo(given);
  }

  @Test
  void statusChangesAreSystemLinesWithTheirStatus() {
    store.create(APP);
    store.append(APP, LogEntry.stdout("output"));
    LogLine running = store.appendStatus(APP, DeploymentStatus.RUNNING, "status: running");
    LogLine failed = store.appendStatus(APP, DeploymentStatus.FAILED, "status: failed");

    assertThat(running.seq()).isEqualTo(2);
    assertThat(running.stream()).isEqualTo(StreamKind.SYSTEM);
    assertThat(running.status()).isEqualTo(DeploymentStatus.RUNNING);
    assertThat(running.level()).isEqualTo(LogLevel.INFO);
    assertThat(failed.level()).isEqualTo(LogLevel.ERROR);
  }

  @Test
  void creatingTwiceKeepsTheEpochAndRecreatingAfterDeleteChangesIt() {
    String epoch = store.create(APP).epoch();
    assertThat(store.create(APP).epoch()).isEqualTo(epoch);
    store.append(APP, LogEntry.stdout("x"));

    assertThat(store.delete(APP)).isTrue();
    assertThat(store.delete(APP)).isFalse();
    LogInfo again = store.create(APP);
    assertThat(again.epoch()).isNotEqualTo(epoch);
    assertThat(again.lastSeq()).isZero();
    assertThat(again.firstAvailable()).isEqualTo(1);
  }

  @Test
  void operationsOnAnUnknownDeploymentThrowNotFound() {
    assertThatThrownBy(() -> store.append(APP, LogEntry.stdout("x")))
        .isInstanceOf(DeploymentNotFoundException.class)
        .hasMessageContaining("app");
    assertThatThrownBy(() -> store.read(APP, 0, 10, LogFilter.all()))
        .isInstanceOf(DeploymentNotFoundException.class);
    assertThatThrownBy(() -> store.subscribe(APP, StartPosition.live(), LogFilter.all(), c -> {}))
        .isInstanceOf(DeploymentNotFoundException.class);
    assertThat(store.info(APP)).isEmpty();
  }

  @Test
  void anEmptyBatchIsRejected() {
    store.create(APP);
    assertThatThrownBy(() -> store.append(APP, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readArgumentsOutOfRangeAreRejected() {
    store.create(APP);
    assertThatThrownBy(() -> store.read(APP, -1, 10, LogFilter.all()))
        .hasMessageContaining("after");
    assertThatThrownBy(() -> store.read(APP, 0, 0, LogFilter.all())).hasMessageContaining("limit");
    assertThatThrownBy(() -> store.read(APP, 0, 10_001, LogFilter.all()))
        .hasMessageContaining("limit");
    assertThatThrownBy(() -> store.tail(APP, -1, LogFilter.all())).hasMessageContaining("n must");
  }

  @Test
  void readPagesThroughHistoryWithNext() {
    store.create(APP);
    store.append(APP, entries(25));
    LogPage page1 = store.read(APP, 0, 10, LogFilter.all());
    LogPage page2 = store.read(APP, page1.next() - 1, 10, LogFilter.all());
    LogPage page3 = store.read(APP, page2.next() - 1, 10, LogFilter.all());

    assertThat(seqs(page1.lines())).first().isEqualTo(1L);
    assertThat(seqs(page2.lines())).first().isEqualTo(11L);
    assertThat(seqs(page3.lines())).containsExactly(21L, 22L, 23L, 24L, 25L);
    assertThat(page3.next()).isEqualTo(26);
    assertThat(page1.firstAvailable()).isEqualTo(1);
    assertThat(page1.lostToRetention()).isFalse();
  }

  @Test
  void readAppliesTheFilterWhereLinesAreRead() {
    store.create(APP);
    store.append(APP, LogEntry.stdout("Build started"));
    store.append(APP, LogEntry.stderr("compile ERROR in Main.java"));
    store.append(APP, LogEntry.stdout("build finished"));
    LogFilter errors = LogFilter.builder().levels(LogLevel.ERROR).build();
    LogFilter build = LogFilter.builder().query("BUILD").build();

    assertThat(seqs(store.read(APP, 0, 10, errors).lines())).containsExactly(2L);
    assertThat(seqs(store.read(APP, 0, 10, build).lines())).containsExactly(1L, 3L);
    assertThat(store.read(APP, 0, 10, errors).next()).isEqualTo(4);
  }

  @Test
  void tailReturnsTheLastMatchingLinesInOrder() {
    store.create(APP);
    store.append(APP, entries(10));
    assertThat(seqs(store.tail(APP, 3, LogFilter.all()).lines())).containsExactly(8L, 9L, 10L);
    assertThat(store.tail(APP, 0, LogFilter.all()).lines()).isEmpty();
    assertThat(store.tail(APP, 3, LogFilter.all()).next()).isEqualTo(11);
    LogFilter odd = LogFilter.builder().query("line 1").build(); // line 1, line 10
    assertThat(seqs(store.tail(APP, 5, odd).lines())).containsExactly(1L, 10L);
  }

  @Test
  void readBeforePagesBackwardsNewestLastAndSaysWhereToGoOn() {
    store.create(APP);
    store.append(APP, entries(25));
    LogPage newest = store.readBefore(APP, 26, 10, LogFilter.all());
    LogPage earlier = store.readBefore(APP, newest.next(), 10, LogFilter.all());
    LogPage oldest = store.readBefore(APP, earlier.next(), 10, LogFilter.all());

    assertThat(seqs(newest.lines())).first().isEqualTo(16L);
    assertThat(seqs(newest.lines())).last().isEqualTo(25L);
    assertThat(seqs(earlier.lines())).containsExactly(6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
    assertThat(seqs(oldest.lines())).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(oldest.next()).isEqualTo(oldest.firstAvailable()).isEqualTo(1);
    // Past the head is the head; the filter applies where lines are read.
    assertThat(seqs(store.readBefore(APP, 1_000, 2, LogFilter.all()).lines()))
        .containsExactly(24L, 25L);
    LogFilter tens = LogFilter.builder().query("line 1").build(); // line 1, line 10..19
    LogPage filtered = store.readBefore(APP, 12, 2, tens);
    assertThat(seqs(filtered.lines())).containsExactly(10L, 11L);
    assertThat(seqs(store.readBefore(APP, filtered.next(), 5, tens).lines())).containsExactly(1L);
    assertThatThrownBy(() -> store.readBefore(APP, 0, 10, LogFilter.all()))
        .hasMessageContaining("before");
    assertThatThrownBy(() -> store.readBefore(APP, 5, 0, LogFilter.all()))
        .hasMessageContaining("limit");
  }

  @Test
  void readBeforeStopsAtWhatRetentionDropped() {
    useRetention(RetentionConfig.builder().maxLines(3).build());
    store.create(APP);
    store.append(APP, entries(5));
    LogPage page = store.readBefore(APP, 6, 10, LogFilter.all());
    assertThat(seqs(page.lines())).containsExactly(3L, 4L, 5L);
    assertThat(page.firstAvailable()).isEqualTo(3);
    assertThat(page.next()).isEqualTo(3);
    assertThat(store.readBefore(APP, 2, 10, LogFilter.all()).lines()).isEmpty();
  }

  @Test
  void maxLinesDropsTheOldestLinesAndReadsReportTheLoss() {
    useRetention(RetentionConfig.builder().maxLines(3).build());
    store.create(APP);
    store.append(APP, entries(5));

    LogPage page = store.read(APP, 0, 10, LogFilter.all());
    assertThat(seqs(page.lines())).containsExactly(3L, 4L, 5L);
    assertThat(page.firstAvailable()).isEqualTo(3);
    assertThat(page.lost()).isEqualTo(2);
    assertThat(page.lostToRetention()).isTrue();
    assertThat(store.read(APP, 3, 10, LogFilter.all()).lost()).isZero();
    LogInfo info = store.info(APP).orElseThrow();
    assertThat(info.retainedLines()).isEqualTo(3);
    assertThat(info.lastSeq()).isEqualTo(5);
  }

  @Test
  void maxLinesIsExactAcrossManyChunks() {
    useRetention(RetentionConfig.builder().maxLines(1500).build());
    store.create(APP);
    for (int i = 0; i < 5; i++) {
      store.append(APP, entries(1000));
    }
    LogPage page = store.read(APP, 0, 10_000, LogFilter.all());
    assertThat(page.lines()).hasSize(1500);
    assertThat(page.lines().get(0).seq()).isEqualTo(3501);
    assertThat(page.lines().get(1499).seq()).isEqualTo(5000);
  }

  @Test
  void maxBytesDropsTheOldestLinesToStayWithinBudget() {
    useRetention(RetentionConfig.builder().maxBytes(4096).maxLineBytes(1024).build());
    store.create(APP);
    String kilobyte = "x".repeat(1000);
    for (int i = 0; i < 10; i++) {
      store.append(APP, LogEntry.stdout(kilobyte));
    }
    LogInfo info = store.info(APP).orElseThrow();
    assertThat(info.retainedBytes()).isLessThanOrEqualTo(4096);
    assertThat(info.retainedLines()).isEqualTo(3); // 3 x 1064 bytes fit, a fourth would not
    assertThat(info.firstAvailable()).isEqualTo(8);
  }

  @Test
  void linesOlderThanMaxAgeAreDroppedByEvictExpired() {
    useRetention(RetentionConfig.builder().maxAge(Duration.ofMinutes(10)).build());
    store.create(APP);
    store.append(APP, entries(3));
    clock.advance(Duration.ofMinutes(6));
    store.append(APP, entries(2));
    clock.advance(Duration.ofMinutes(5));

    assertThat(store.evictExpired()).isPositive();
    assertThat(seqs(store.read(APP, 0, 10, LogFilter.all()).lines())).containsExactly(4L, 5L);
    assertThat(store.evictExpired()).isZero();
  }

  @Test
  void overlongLinesAreTruncatedWithAVisibleMarkerNotDropped() {
    useRetention(RetentionConfig.builder().maxLineBytes(300).build());
    store.create(APP);
    LogLine line = store.append(APP, LogEntry.stdout("é".repeat(1000)));
    assertThat(line.message()).endsWith("bytes]").contains("[...truncated ");
    assertThat(line.message().getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(300);
    assertThat(store.append(APP, LogEntry.stdout("short")).message()).isEqualTo("short");
  }

  @Test
  void theGlobalBudgetDropsTheOldestLinesAcrossDeployments() {
    useRetention(
        RetentionConfig.builder()
            .globalMaxBytes(20_000)
            .maxLineBytes(256)
            .maxBytes(1 << 20)
            .build());
    store.create(APP);
    store.create(OTHER);
    for (int i = 0; i < 100; i++) {
      store.append(APP, LogEntry.stdout("a".repeat(100)));
    }
    clock.advance(Duration.ofSeconds(1));
    for (int i = 0; i < 100; i++) {
      store.append(OTHER, LogEntry.stdout("b".repeat(100)));
    }
    LogStoreStats stats = store.stats();
    assertThat(stats.budgetBytes()).isEqualTo(20_000);
    assertThat(stats.retainedBytes()).isLessThanOrEqualTo(20_000);
    // The older deployment paid first: OTHER keeps all its lines while APP lost most of its.
    assertThat(store.info(OTHER).orElseThrow().retainedLines()).isEqualTo(100);
    assertThat(store.info(APP).orElseThrow().firstAvailable()).isGreaterThan(50);
    assertThat(stats.evictedLines()).isPositive();
  }

  @Test
  void aQuietOwnersHistorySurvivesANoisyOwnerFloodingManyLogs() {
    useRetention(
        RetentionConfig.builder()
            .globalMaxBytes(100_000)
            .maxLineBytes(256)
            .maxBytes(1 << 20)
            .build());
    DeploymentId quiet = new DeploymentId("d-quiet");
    store.create(quiet, "u-quiet");
    for (int i = 0; i < 50; i++) {
      store.append(quiet, LogEntry.stdout("q".repeat(100)));
    }
    long quietBytes = store.stats().retainedBytes();
    List<DeploymentId> noisy = new ArrayList<>();
    for (int d = 0; d < 10; d++) {
      DeploymentId id = new DeploymentId("d-noisy-" + d);
      store.create(id, "u-noisy");
      noisy.add(id);
    }
    clock.advance(Duration.ofSeconds(1));
    for (int i = 0; i < 300; i++) {
      for (DeploymentId id : noisy) {
        store.append(id, LogEntry.stdout("n".repeat(100)));
      }
    }
    LogStoreStats stats = store.stats();
    assertThat(stats.retainedBytes()).isLessThanOrEqualTo(100_000);
    assertThat(stats.evictedLines()).isPositive();
    // the quiet owner's lines are the oldest in the store, and all still there
    LogInfo q = store.info(quiet).orElseThrow();
    assertThat(q.firstAvailable()).isEqualTo(1);
    assertThat(q.retainedLines()).isEqualTo(50);
    assertThat(quietBytes).isLessThan(100_000 / 2);
    // the noisy owner paid for its whole flood
    long noisyLines = 0;
    for (DeploymentId id : noisy) {
      noisyLines += store.info(id).orElseThrow().retainedLines();
    }
    assertThat(noisyLines + 50).isEqualTo(stats.retainedLines());
    assertThat(stats.evictedLines()).isEqualTo(3000 - noisyLines);
  }

  @Test
  void aLogDeletedAndCreatedAgainBelongsToItsNewOwner() {
    useRetention(
        RetentionConfig.builder()
            .globalMaxBytes(20_000)
            .maxLineBytes(256)
            .maxBytes(1 << 20)
            .build());
    store.create(APP, "u-first");
    store.append(APP, LogEntry.stdout("a".repeat(100)));
    store.delete(APP);
    store.create(APP, "u-second");
    store.append(APP, LogEntry.stdout("kept"));
    store.create(OTHER, "u-first");
    clock.advance(Duration.ofSeconds(1));
    for (int i = 0; i < 300; i++) {
      store.append(OTHER, LogEntry.stdout("b".repeat(100)));
    }
    // APP's oldest line is the oldest in the store, but APP now belongs to u-second, so u-first's
    // flood in OTHER pays for itself
    assertThat(store.info(APP).orElseThrow().retainedLines()).isEqualTo(1);
    assertThat(store.info(OTHER).orElseThrow().firstAvailable()).isGreaterThan(1);
  }

  @Test
  void statsCountAppendsEvictionsAndDeletedLogs() {
    useRetention(RetentionConfig.builder().maxLines(10).build());
    store.create(APP);
    store.create(OTHER);
    store.append(APP, entries(15));
    store.append(OTHER, entries(5));
    store.delete(OTHER);
    LogStoreStats stats = store.stats();
    assertThat(stats.logs()).isEqualTo(1);
    assertThat(stats.appendedLines()).isEqualTo(20);
    assertThat(stats.retainedLines()).isEqualTo(10);
    assertThat(stats.evictedLines()).isEqualTo(5);
    assertThat(stats.appendedBytes()).isGreaterThan(stats.retainedBytes());
  }

  @Test
  void appendsAfterDeleteFailAndClosedStoreRefusesCalls() {
    store.create(APP);
    store.delete(APP);
    assertThatThrownBy(() -> store.append(APP, LogEntry.stdout("x")))
        .isInstanceOf(DeploymentNotFoundException.class);
    store.close();
    store.close();
    assertThatThrownBy(() -> store.create(APP)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void manyLinesReadBackIdentical() {
    store.create(APP);
    List<LogEntry> batch =
        IntStream.range(0, 3000)
            .mapToObj(
                i ->
                    new LogEntry(
                        null,
                        i % 2 == 0 ? StreamKind.STDOUT : StreamKind.STDERR,
                        LEVELS.get(i % 5),
                        "message " + i))
            .toList();
    store.append(APP, batch);
    List<LogLine> read = store.read(APP, 0, 10_000, LogFilter.all()).lines();
    assertThat(read).hasSize(3000);
    for (int i = 0; i < 3000; i++) {
      assertThat(read.get(i).message()).isEqualTo("message " + i);
      assertThat(read.get(i).level()).isEqualTo(LEVELS.get(i % 5));
    }
  }

  @Test
  void aRetryWithTheSameKeyAndLinesIsAnsweredWithTheFirstSeqsAndStoresNothing() {
    store.create(APP);
    store.append(APP, entries(2));
    AppendResult first = store.append(APP, entries(3), "key-1");
    AppendResult retry = store.append(APP, entries(3), "key-1");

    assertThat(first).isEqualTo(new AppendResult(3, 5, false));
    assertThat(retry).isEqualTo(new AppendResult(3, 5, true));
    assertThat(store.info(APP).orElseThrow().lastSeq()).isEqualTo(5);
    assertThat(seqs(store.read(APP, 0, 100, LogFilter.all()).lines()))
        .containsExactly(1L, 2L, 3L, 4L, 5L);
    // another key, or no key, appends as usual
    assertThat(store.append(APP, entries(3), "key-2")).isEqualTo(new AppendResult(6, 8, false));
    assertThat(store.append(APP, entries(3))).isEqualTo(new AppendResult(9, 11));
  }

  @Test
  void aKeyReusedForOtherLinesIsRefusedAndAppendsNothing() {
    store.create(APP);
    store.append(APP, List.of(LogEntry.stdout("a"), LogEntry.stdout("b")), "k");
    Instant at = Instant.parse("2026-11-24T10:00:00Z");
    List<List<LogEntry>> others =
        List.of(
            List.of(LogEntry.stdout("a")),
            List.of(LogEntry.stdout("a"), LogEntry.stdout("c")),
            List.of(LogEntry.stdout("a"), LogEntry.stderr("b")),
            List.of(
                LogEntry.stdout("a"), new LogEntry(null, StreamKind.STDOUT, LogLevel.WARN, "b")),
            List.of(LogEntry.stdout("a"), LogEntry.stdout("b").withTimestamp(at)),
            List.of(LogEntry.stdout("ab")));
    for (List<LogEntry> other : others) {
      assertThatThrownBy(() -> store.append(APP, other, "k"))
          .isInstanceOf(IdempotencyKeyReusedException.class)
          .hasMessageContaining("seqs 1 to 2");
    }
    assertThat(store.info(APP).orElseThrow().lastSeq()).isEqualTo(2);
    assertThat(store.append(APP, List.of(LogEntry.stdout("a"), LogEntry.stdout("b")), "k"))
        .isEqualTo(new AppendResult(1, 2, true));
  }

  @Test
  void keysBelongToOneLog() {
    store.create(APP);
    store.create(OTHER);
    store.append(OTHER, entries(4));
    assertThat(store.append(APP, entries(1), "shared")).isEqualTo(new AppendResult(1, 1, false));
    assertThat(store.append(OTHER, entries(2), "shared")).isEqualTo(new AppendResult(5, 6, false));
    assertThat(store.append(APP, entries(1), "shared").replayed()).isTrue();
  }

  @Test
  void malformedKeysAreRefusedBeforeAnythingIsAppended() {
    store.create(APP);
    for (String bad : List.of("", "has space", "tab\t", "é", "x".repeat(256), "new\nline")) {
      assertThatThrownBy(() -> store.append(APP, entries(1), bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(store.append(APP, entries(1), "x".repeat(255)).firstSeq()).isEqualTo(1);
    assertThat(store.info(APP).orElseThrow().lastSeq()).isEqualTo(1);
  }

  @Test
  void aKeyIsForgottenAfterItsWindowAndItsLinesAreAppendedAgain() {
    useRetention(RetentionConfig.builder().idempotencyWindow(Duration.ofMinutes(10)).build());
    store.create(APP);
    store.append(APP, entries(2), "k");
    clock.advance(Duration.ofMinutes(9));
    assertThat(store.append(APP, entries(2), "k").replayed()).isTrue();
    clock.advance(Duration.ofMinutes(1));
    assertThat(store.append(APP, entries(2), "k")).isEqualTo(new AppendResult(3, 4, false));
  }

  @Test
  void aLogRemembersAtMostItsLimitOfKeysAndForgetsTheOldestFirst() {
    useRetention(RetentionConfig.builder().maxIdempotencyKeys(3).build());
    store.create(APP);
    for (int i = 1; i <= 5; i++) {
      store.append(APP, entries(1), "k" + i);
    }
    assertThat(store.append(APP, entries(1), "k5").replayed()).isTrue();
    assertThat(store.append(APP, entries(1), "k3").replayed()).isTrue();
    assertThat(store.append(APP, entries(1), "k1")).isEqualTo(new AppendResult(6, 6, false));
  }

  @Test
  void aKeyOutlivesTheRetentionOfItsLines() {
    useRetention(RetentionConfig.builder().maxLines(10).build());
    store.create(APP);
    store.append(APP, entries(5), "early");
    store.append(APP, entries(20));
    assertThat(store.read(APP, 0, 100, LogFilter.all()).firstAvailable()).isEqualTo(16);
    assertThat(store.append(APP, entries(5), "early")).isEqualTo(new AppendResult(1, 5, true));
  }

  @Test
  void concurrentAppendsWithOneKeyAppendOnce() throws Exception {
    store.create(APP);
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<AppendResult>> results = new ArrayList<>();
      for (int round = 0; round < 50; round++) {
        String key = "race-" + round;
        results.clear();
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
          results.add(
              pool.submit(
                  () -> {
                    go.await();
                    return store.append(APP, entries(3), key);
                  }));
        }
        go.countDown();
        List<AppendResult> answers = new ArrayList<>();
        for (Future<AppendResult> f : results) {
          answers.add(f.get(30, TimeUnit.SECONDS));
        }
        long stored = answers.stream().filter(a -> !a.replayed()).count();
        assertThat(stored).as("round %d", round).isEqualTo(1);
        assertThat(answers.stream().map(a -> a.firstSeq()).distinct()).hasSize(1);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.info(APP).orElseThrow().lastSeq()).isEqualTo(150);
  }
}
