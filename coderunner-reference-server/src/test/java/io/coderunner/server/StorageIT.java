package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static io.coderunner.server.TestServer.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.server.TestServer.Res;
import io.coderunner.storage.SmallDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server on a data directory: the storage's health and meters, deployments and logs across a
 * restart of the server in this JVM, and a real full disk, which refuses ingest with a clear 507
 * while everything acknowledged stays readable, for its owner and for other tenants.
 */
class StorageIT {
  private static final String KEY = "Idempotency-Key";
  private static final String KEYED = "{\"lines\":[{\"message\":\"three\"}]}";

  @TempDir Path tmp;

  private static String thousandLines(int from) {
    StringBuilder b = new StringBuilder("{\"lines\":[");
    for (int i = 0; i < 1000; i++) {
      b.append(i == 0 ? "" : ",").append("{\"message\":\"line ").append(from + i);
      b.append(" ").append("x".repeat(100)).append("\"}");
    }
    return b + "]}";
  }

  private static JsonNode storageHealth(TestServer t) {
    return t.get("/health", null).json().get("components").get("storage");
  }

  private static boolean written(TestServer t) {
    return storageHealth(t).get("details").get("pendingWrites").asLong() == 0;
  }

  private static boolean failing(TestServer t) {
    return storageHealth(t).get("status").asText().equals("DOWN");
  }

  @Test
  void theDataDirectoryHasHealthAndMetersAndKeepsDeploymentsAcrossARestart() {
    Path data = tmp.resolve("data");
    String id;
    String epoch;
    Res keyed;
    try (TestServer t = new TestServer(b -> b.dataDir(data))) {
      id = t.create(ALICE, "kept");
      t.ingest(ALICE, id, "one", "two");
      keyed = t.call("POST", "/api/deployments/" + id + "/logs", ALICE, KEYED, KEY, "k-1");
      assertThat(keyed.status()).isEqualTo(202);
      JsonNode storage = t.get("/health", null).json().get("components").get("storage");
      assertThat(storage.get("status").asText()).isEqualTo("UP");
      assertThat(storage.get("details").get("dataDir").asText())
          .isEqualTo(data.toAbsolutePath().toString());
      assertThat(storage.get("details").get("freeBytes").asLong()).isPositive();
      String metrics = t.get("/metrics", null).body();
      assertThat(metrics)
          .contains("coderunner_storage_disk_free_bytes ")
          .contains("coderunner_storage_database_size_bytes ")
          .contains("coderunner_storage_writes_pending ")
          .contains("coderunner_storage_lines_written_total ");
      epoch = t.get("/api/deployments/" + id + "/logs", ALICE).json().get("epoch").asText();
    }
    try (TestServer t = new TestServer(b -> b.dataDir(data))) {
      assertThat(t.get("/api/deployments/" + id, ALICE).json().get("name").asText())
          .isEqualTo("kept");
      assertThat(t.get("/api/deployments/" + id, BOB).status()).isEqualTo(404);
      JsonNode logs = t.get("/api/deployments/" + id + "/logs", ALICE).json();
      assertThat(logs.get("epoch").asText()).isEqualTo(epoch);
      assertThat(logs.get("lines").findValuesAsText("message")).endsWith("one", "two", "three");
      // the key came back with the log: a retry after the restart is stored once
      Res retry = t.call("POST", "/api/deployments/" + id + "/logs", ALICE, KEYED, KEY, "k-1");
      assertThat(retry.status()).isEqualTo(202);
      assertThat(retry.json()).isEqualTo(keyed.json());
      assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
      assertThat(t.get("/api/deployments/" + id + "/logs", ALICE).json().get("lines").size())
          .isEqualTo(logs.get("lines").size());
    }
  }

  @Test
  void aFullDiskRefusesIngestWith507AndLosesNothingAcknowledged() throws Exception {
    try (SmallDisk disk = SmallDisk.mount(tmp.resolve("disk"), 4);
        TestServer t = new TestServer(b -> b.dataDir(disk.dir.resolve("data")))) {
      String mine = t.create(ALICE, "flood");
      String theirs = t.create(BOB, "quiet");
      t.ingest(BOB, theirs, "bob's line");
      Path filler = disk.fill(256 * 1024);
      long acked = 0;
      Res refused = null;
      for (int i = 0; i < 100 && refused == null; i++) {
        Res r = t.post("/api/deployments/" + mine + "/logs", ALICE, thousandLines(i * 1000));
        if (r.status() == 202) {
          acked = r.json().get("lastSeq").asLong();
          // the next request comes once the writer wrote these lines or found it cannot
          await().atMost(Duration.ofSeconds(30)).until(() -> written(t) || failing(t));
        } else {
          refused = r;
        }
      }
      assertThat(refused).as("an ingest refused once the disk is full").isNotNull();
      assertThat(refused.status()).isEqualTo(507);
      assertThat(refused.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(refused.header("Retry-After")).isEqualTo("5");
      assertThat(refused.json().get("title").asText()).isEqualTo("Insufficient Storage");
      assertThat(refused.json().get("detail").asText())
          .contains("storage refuses writes")
          .doesNotContain(disk.dir.toString());
      // While the disk stays full the storage is DOWN, a critical component: /health answers 503.
      Path rest = disk.fill(0, "filler-2");
      await().atMost(Duration.ofSeconds(30)).until(() -> t.get("/health", null).status() == 503);
      assertThat(failing(t)).isTrue();
      assertThat(storageHealth(t).get("details").get("writeFailure").asText()).contains("full");
      Res stillRefused =
          t.post("/api/deployments/" + mine + "/logs", ALICE, "{\"lines\":[{\"message\":\"x\"}]}");
      assertThat(stillRefused.status()).isEqualTo(507);
      Res keyedRefused =
          t.call("POST", "/api/deployments/" + mine + "/logs", ALICE, KEYED, KEY, "after-full");
      assertThat(keyedRefused.status()).isEqualTo(507);
      // A deployment write is refused the same way once it needs space (a small one may still
      // fit in pages the database has), and changes nothing.
      String env = "{\"A\":\"" + "a".repeat(30_000) + "\",\"B\":\"" + "b".repeat(30_000) + "\"}";
      Res create = null;
      int listed = 0;
      for (int i = 0; i < 60; i++) {
        listed = t.get("/api/deployments?limit=1000", ALICE).json().get("items").size();
        create =
            t.post(
                "/api/deployments",
                ALICE,
                "{\"name\":\"big-" + i + "\",\"command\":[\"app\"],\"env\":" + env + "}");
        if (create.status() != 201) {
          break;
        }
      }
      assertThat(create.status()).isEqualTo(507);
      assertThat(create.header("Retry-After")).isEqualTo("5");
      assertThat(t.get("/api/deployments?limit=1000", ALICE).json().get("items").size())
          .as(t.get("/api/deployments?limit=1000", ALICE).body())
          .isEqualTo(listed);

      // What was acknowledged is served, to its owner and to the other tenant alike.
      long last = acked;
      JsonNode tail =
          t.get("/api/deployments/" + mine + "/logs?before=" + (last + 1) + "&limit=1", ALICE)
              .json();
      assertThat(tail.get("lines").get(0).get("seq").asLong()).isEqualTo(last);
      assertThat(
              t.get("/api/deployments/" + theirs + "/logs", BOB)
                  .json()
                  .get("lines")
                  .findValuesAsText("message"))
          .contains("bob's line");

      Files.delete(filler);
      Files.delete(rest);
      await().atMost(Duration.ofSeconds(30)).until(() -> t.get("/health", null).status() == 200);
      Res again = t.post("/api/deployments/" + mine + "/logs", ALICE, thousandLines(500_000));
      assertThat(again.status()).isEqualTo(202);
      assertThat(again.json().get("firstSeq").asLong()).isGreaterThan(last);
      // The keyed request refused while the disk was full is stored once when it is sent again.
      Res retried =
          t.call("POST", "/api/deployments/" + mine + "/logs", ALICE, KEYED, KEY, "after-full");
      Res replayed =
          t.call("POST", "/api/deployments/" + mine + "/logs", ALICE, KEYED, KEY, "after-full");
      assertThat(retried.status()).isEqualTo(202);
      assertThat(retried.header("Idempotent-Replayed")).isNull();
      assertThat(replayed.json()).isEqualTo(retried.json());
      assertThat(replayed.header("Idempotent-Replayed")).isEqualTo("true");
    }
  }

  /** The highest seq of {@code id}'s log committed in the database file now, read beside it. */
  private static long committed(Path data, String id) throws Exception {
    try (java.sql.Connection c =
            java.sql.DriverManager.getConnection(
                "jdbc:sqlite:file:" + data.resolve("coderunner.db") + "?mode=ro");
        java.sql.PreparedStatement p =
            c.prepareStatement(
                "SELECT coalesce(max(seq), 0) FROM lines WHERE log_id ="
                    + " (SELECT log_id FROM logs WHERE deployment_id = ?)")) {
      p.setString(1, id);
      try (java.sql.ResultSet r = p.executeQuery()) {
        return r.next() ? r.getLong(1) : 0;
      }
    }
  }

  @Test
  void underAlwaysEvery202FollowsTheCommitOfItsLinesAndUnderBatchItDoesNot() throws Exception {
    Path data = tmp.resolve("always");
    try (TestServer t =
        new TestServer(
            b -> b.dataDir(data).storageFsync(io.coderunner.storage.FsyncPolicy.ALWAYS))) {
      String id = t.create(ALICE, "durable");
      for (int i = 0; i < 20; i++) {
        Res r = t.post("/api/deployments/" + id + "/logs", ALICE, thousandLines(i * 1000));
        assertThat(r.status()).isEqualTo(202);
        long last = r.json().get("lastSeq").asLong();
        // With the 202 in hand, another connection already finds the lines committed (and, with
        // synchronous=FULL, the write-ahead log fsynced: SQLite commits no other way).
        assertThat(committed(data, id)).as("request %d", i).isGreaterThanOrEqualTo(last);
      }
    }
    // The control: under batch with a long interval, the 202 comes before the commit.
    Path later = tmp.resolve("batch");
    try (TestServer t =
        new TestServer(
            b ->
                b.dataDir(later)
                    .storageFsync(io.coderunner.storage.FsyncPolicy.BATCH)
                    .storageBatchInterval(Duration.ofSeconds(10)))) {
      String id = t.create(ALICE, "written-behind");
      Res r = t.post("/api/deployments/" + id + "/logs", ALICE, thousandLines(0));
      assertThat(r.status()).isEqualTo(202);
      assertThat(committed(later, id)).isLessThan(r.json().get("lastSeq").asLong());
    }
  }

  @Test
  void aDiskTurnedReadOnlyGets507AndDownHealthKeepsWhatWasAcknowledgedAndServesItAfterARepair()
      throws Exception {
    try (io.coderunner.storage.ReadOnlyDisk disk =
        io.coderunner.storage.ReadOnlyDisk.mount(tmp.resolve("ext4"), 32)) {
      Path data = disk.dir.resolve("data");
      String mine;
      String theirs;
      long acked;
      try (TestServer t =
          new TestServer(
              b -> b.dataDir(data).storageFsync(io.coderunner.storage.FsyncPolicy.ALWAYS))) {
        mine = t.create(ALICE, "on-a-failing-disk");
        theirs = t.create(BOB, "bystander");
        t.ingest(BOB, theirs, "bob's line");
        acked =
            t.post("/api/deployments/" + mine + "/logs", ALICE, thousandLines(0))
                .json()
                .get("lastSeq")
                .asLong();
        disk.failReadOnly();
        for (int i = 0; i < 3; i++) {
          Res refused = t.post("/api/deployments/" + mine + "/logs", ALICE, thousandLines(5000));
          assertThat(refused.status()).as("ingest %d on the read-only disk", i).isEqualTo(507);
          assertThat(refused.header("Retry-After")).isEqualTo("5");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> t.get("/health", null).status() == 503);
        assertThat(storageHealth(t).get("details").get("writeFailure").asText())
            .containsIgnoringCase("read");
        // What was acknowledged is served, to both tenants.
        assertThat(
                t.get(
                        "/api/deployments/" + mine + "/logs?before=" + (acked + 1) + "&limit=1",
                        ALICE)
                    .json()
                    .get("lines")
                    .get(0)
                    .get("seq")
                    .asLong())
            .isEqualTo(acked);
        assertThat(
                t.get("/api/deployments/" + theirs + "/logs", BOB)
                    .json()
                    .get("lines")
                    .findValuesAsText("message"))
            .contains("bob's line");
      }
      disk.repair();
      try (TestServer t = new TestServer(b -> b.dataDir(data))) {
        JsonNode page = t.get("/api/deployments/" + mine + "/logs?limit=10000", ALICE).json();
        List<Long> seqs = new java.util.ArrayList<>();
        page.get("lines").forEach(l -> seqs.add(l.get("seq").asLong()));
        assertThat(seqs).contains(acked);
        assertThat(seqs.subList(0, (int) acked))
            .isEqualTo(java.util.stream.LongStream.rangeClosed(1, acked).boxed().toList());
        Res again = t.post("/api/deployments/" + mine + "/logs", ALICE, thousandLines(9000));
        assertThat(again.status()).isEqualTo(202);
        assertThat(t.get("/health", null).status()).isEqualTo(200);
      }
    }
  }
}
