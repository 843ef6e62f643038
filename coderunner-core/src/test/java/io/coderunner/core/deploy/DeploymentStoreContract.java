package io.coderunner.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link DeploymentStore} does, as tests: paging in id order with an owner filter, every
 * field read back as stored, refused duplicates, atomic updates (also under concurrent writers),
 * deletes and counts. A store's test class extends it and says how to make the store. Published in
 * core's test-jar.
 */
public abstract class DeploymentStoreContract {
  private static final Instant NOW = Instant.parse("2026-11-24T10:15:30Z");

  protected DeploymentStore store;

  /**
   * A new, empty store, made before each test.
   *
   * @return the store under test
   */
  protected abstract DeploymentStore newStore();

  /** Releases what {@link #newStore} made; nothing by default. */
  protected void release(DeploymentStore store) {}

  @BeforeEach
  void openStore() {
    store = newStore();
  }

  @AfterEach
  void closeStore() {
    release(store);
  }

  private static Deployment deployment(String id, String owner) {
    return new Deployment(
        DeploymentId.of(id),
        "app " + id,
        owner,
        List.of("sh"),
        Map.of(),
        null,
        DeploymentStatus.CREATED,
        NOW,
        NOW);
  }

  private static Deployment aSecondLater(Deployment d) {
    return new Deployment(
        d.id(),
        d.name(),
        d.ownerId(),
        d.command(),
        d.env(),
        d.workingDir(),
        d.status(),
        d.createdAt(),
        d.updatedAt().plusSeconds(1));
  }

  private static List<String> ids(DeploymentPage page) {
    return page.items().stream().map(d -> d.id().value()).toList();
  }

  @Test
  void pagesFollowTheirCursorInIdOrderUntilTheLastPage() {
    for (String id : List.of("e", "a", "d", "b", "c")) {
      store.insert(deployment(id, "alice"));
    }
    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      DeploymentPage page = store.list(null, 2, cursor);
      seen.addAll(ids(page));
      cursor = page.nextCursor();
      pages++;
    } while (cursor != null);

    assertThat(seen).containsExactly("a", "b", "c", "d", "e");
    assertThat(pages).isEqualTo(3);
    assertThat(store.list(null, 5, null).nextCursor()).isNull();
    assertThat(ids(store.list(null, 10, "b"))).containsExactly("c", "d", "e");
  }

  @Test
  void anOwnerFilterSkipsOtherOwnersAcrossPages() {
    store.insert(deployment("a", "alice"));
    store.insert(deployment("b", "bob"));
    store.insert(deployment("c", "alice"));
    store.insert(deployment("d", "bob"));
    store.insert(deployment("e", "alice"));

    DeploymentPage first = store.list("alice", 2, null);
    assertThat(ids(first)).containsExactly("a", "c");
    assertThat(first.nextCursor()).isEqualTo("c");
    DeploymentPage second = store.list("alice", 2, first.nextCursor());
    assertThat(ids(second)).containsExactly("e");
    assertThat(second.nextCursor()).isNull();
    assertThat(ids(store.list("carol", 10, null))).isEmpty();
  }

  @Test
  void aLimitOutsideOneToAThousandIsRefused() {
    assertThatThrownBy(() -> store.list(null, 0, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("limit must be between 1 and 1000, was 0");
    assertThatThrownBy(() -> store.list(null, 1001, null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void insertingADuplicateIdIsRefusedAndKeepsTheOriginal() {
    store.insert(deployment("a", "alice"));
    assertThatThrownBy(() -> store.insert(deployment("a", "bob")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("deployment a exists");
    assertThat(store.find(DeploymentId.of("a")).orElseThrow().ownerId()).isEqualTo("alice");
  }

  @Test
  void updateAppliesTheChangeToTheCurrentValueAndDeleteRemoves() {
    DeploymentId id = DeploymentId.of("a");
    store.insert(deployment("a", "alice"));

    Deployment started =
        store.update(id, d -> d.withStatus(DeploymentStatus.STARTING, NOW)).orElseThrow();
    assertThat(started.status()).isEqualTo(DeploymentStatus.STARTING);
    assertThat(store.find(id)).contains(started);
    assertThat(store.update(DeploymentId.of("zz"), d -> d)).isEmpty();

    assertThat(store.delete(id)).isTrue();
    assertThat(store.delete(id)).isFalse();
    assertThat(store.find(id)).isEmpty();
  }

  @Test
  void everyFieldReadsBackAsStored() {
    Deployment full =
        new Deployment(
            DeploymentId.of("full"),
            "api – ünïcode ✓",
            "u-alice",
            List.of("sh", "-c", "echo \"hi\"; exit 3"),
            Map.of("PORT", "8080", "EMPTY", "", "QUOTE", "a'b\"c"),
            "/srv/app",
            DeploymentStatus.CREATED,
            NOW,
            NOW.plusNanos(123_456_000));
    store.insert(full);
    assertThat(store.find(full.id())).contains(full);
    Deployment bare = deployment("bare", "u-bob");
    store.insert(bare);
    assertThat(store.find(bare.id())).contains(bare);
    assertThat(store.find(bare.id()).orElseThrow().workingDir()).isNull();

    Instant later = NOW.plusSeconds(90);
    Deployment failed =
        store.update(full.id(), d -> d.withStatus(DeploymentStatus.STARTING, later)).orElseThrow();
    assertThat(store.find(full.id())).contains(failed);
    assertThat(failed.updatedAt()).isEqualTo(later);
    assertThat(failed.createdAt()).isEqualTo(NOW);
  }

  @Test
  void countsAndAllSeeEveryOwnersDeployments() {
    for (int i = 0; i < 1005; i++) {
      store.insert(deployment(String.format("d-%04d", i), i % 3 == 0 ? "u-alice" : "u-bob"));
    }
    assertThat(store.countOwnedBy("u-alice")).isEqualTo(335);
    assertThat(store.countOwnedBy("u-bob")).isEqualTo(670);
    assertThat(store.countOwnedBy("u-carol")).isZero();
    assertThat(store.all()).hasSize(1005);
    assertThat(store.all().get(0).id().value()).isEqualTo("d-0000");
  }

  @Test
  void concurrentUpdatesEachApplyToTheValueBeforeThem() throws Exception {
    DeploymentId id = DeploymentId.of("busy");
    store.insert(deployment("busy", "u-alice"));
    int threads = 4;
    int each = 200;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < each; i++) {
                    store.update(id, DeploymentStoreContract::aSecondLater);
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.find(id).orElseThrow().updatedAt())
        .isEqualTo(NOW.plusSeconds((long) threads * each));
  }

  @Test
  void aProcessIsKeptUntilItEndsAndANewOneReplacesIt() {
    ProcessRecord first =
        new ProcessRecord(
            DeploymentId.of("b"), 4242, Instant.parse("2026-12-08T10:00:00.01Z"), true);
    ProcessRecord other = new ProcessRecord(DeploymentId.of("a"), 77, NOW, false);
    store.processStarted(first);
    store.processStarted(other);
    assertThat(store.processes()).containsExactly(other, first);
    ProcessRecord second = new ProcessRecord(DeploymentId.of("b"), 4343, NOW.plusSeconds(5), true);
    store.processStarted(second);
    assertThat(store.processes()).containsExactly(other, second);
    store.processEnded(DeploymentId.of("b"));
    store.processEnded(DeploymentId.of("never-ran"));
    assertThat(store.processes()).containsExactly(other);
  }
}
