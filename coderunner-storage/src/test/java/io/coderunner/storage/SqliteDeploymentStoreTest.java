package io.coderunner.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.core.Deployment;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.DeploymentStatus;
import io.coderunner.core.deploy.DeploymentStore;
import io.coderunner.core.deploy.DeploymentStoreContract;
import io.coderunner.core.deploy.ProcessRecord;
import io.coderunner.core.log.RetentionConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The durable deployment store against core's contract, and across a restart. */
class SqliteDeploymentStoreTest extends DeploymentStoreContract {
  @TempDir Path dir;
  private DurableStorage storage;

  @Override
  protected DeploymentStore newStore() {
    storage =
        DurableStorage.open(StorageConfig.of(dir), RetentionConfig.defaults(), Clock.systemUTC());
    return storage.deployments();
  }

  @Override
  protected void release(DeploymentStore store) {
    storage.close();
  }

  @Test
  void everyDeploymentAndItsLastStateSurviveAReopen() {
    Instant t = Instant.parse("2026-12-07T10:00:00.123456789Z");
    Deployment a =
        new Deployment(
            DeploymentId.of("a"),
            "api",
            "u-alice",
            List.of("java", "-jar", "app.jar"),
            Map.of("PORT", "8080"),
            "/srv",
            DeploymentStatus.CREATED,
            t,
            t);
    store.insert(a);
    Deployment started =
        store.update(a.id(), d -> d.withStatus(DeploymentStatus.STARTING, t.plusSeconds(1))).get();
    Deployment b =
        new Deployment(
            DeploymentId.of("b"),
            "worker",
            "u-bob",
            List.of("sh"),
            Map.of(),
            null,
            DeploymentStatus.CREATED,
            t,
            t);
    store.insert(b);
    store.insert(
        new Deployment(
            DeploymentId.of("c"),
            "gone",
            "u-bob",
            List.of("sh"),
            Map.of(),
            null,
            DeploymentStatus.CREATED,
            t,
            t));
    store.delete(DeploymentId.of("c"));

    storage.close();
    store = newStore();

    assertThat(store.all()).containsExactly(started, b);
    assertThat(store.countOwnedBy("u-bob")).isEqualTo(1);
  }

  @Test
  void theProcessOfARunningDeploymentSurvivesAReopenAndAnEndedOneDoesNot() {
    ProcessRecord running =
        new ProcessRecord(
            DeploymentId.of("a"), 31337, Instant.parse("2026-12-08T10:00:00.12Z"), true);
    store.processStarted(running);
    store.processStarted(new ProcessRecord(DeploymentId.of("b"), 42, Instant.EPOCH, false));
    store.processEnded(DeploymentId.of("b"));

    storage.close();
    store = newStore();
    assertThat(store.processes()).containsExactly(running);
  }
}
