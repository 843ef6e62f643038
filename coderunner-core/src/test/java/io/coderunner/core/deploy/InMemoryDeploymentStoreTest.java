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
import org.junit.jupiter.api.Test;

class InMemoryDeploymentStoreTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:15:30Z");

  private final InMemoryDeploymentStore store = new InMemoryDeploymentStore();

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
}
