package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static io.coderunner.server.TestServer.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.server.TestServer.Res;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code POST …/logs} with an {@code Idempotency-Key}: a retry is stored once and answered with the
 * first request's seqs; a key reused for other lines gets 422, a malformed key 400, and neither
 * appends anything; keys are per deployment, so one tenant's key never answers for another's.
 */
class IdempotentIngestIT {
  private static final String TWO_LINES =
      "{\"lines\":[{\"message\":\"one\"},{\"message\":\"two\",\"level\":\"warn\"}]}";
  // the same lines, spelled differently
  private static final String TWO_LINES_RESPELLED =
      "{ \"lines\" : [ {\"message\":\"one\", \"stream\":\"stdout\"},"
          + " {\"level\":\"WARN\", \"message\":\"two\"} ] }";

  private static TestServer t;

  @BeforeAll
  static void start() {
    t = new TestServer();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  private static String logs(String id) {
    return "/api/deployments/" + id + "/logs";
  }

  private static Res ingest(String id, io.coderunner.core.Principal as, String body, String key) {
    return t.call("POST", logs(id), as, body, "Idempotency-Key", key);
  }

  private static List<String> messages(String id) {
    return t.get(logs(id) + "?limit=1000&stream=stdout", ALICE)
        .json()
        .get("lines")
        .findValuesAsText("message");
  }

  @Test
  void aRetryIsStoredOnceAndAnsweredWithTheFirstSeqs() {
    String id = t.create(ALICE, "retried");
    t.ingest(ALICE, id, "before");
    Res first = ingest(id, ALICE, TWO_LINES, "batch-0001");
    Res retry = ingest(id, ALICE, TWO_LINES_RESPELLED, "batch-0001");

    assertThat(first.status()).isEqualTo(202);
    // seq 1 is the line saying the deployment was created, seq 2 "before"
    assertThat(first.json().get("firstSeq").asLong()).isEqualTo(3);
    assertThat(first.json().get("lastSeq").asLong()).isEqualTo(4);
    assertThat(first.header("Idempotent-Replayed")).isNull();
    assertThat(retry.status()).isEqualTo(202);
    assertThat(retry.json()).isEqualTo(first.json());
    assertThat(retry.header("Idempotent-Replayed")).isEqualTo("true");
    assertThat(messages(id)).containsExactly("before", "one", "two");
    // without a key, or with another, the same lines are new lines
    assertThat(ingest(id, ALICE, TWO_LINES, "batch-0002").json().get("firstSeq").asLong())
        .isEqualTo(5);
    assertThat(t.post(logs(id), ALICE, TWO_LINES).json().get("firstSeq").asLong()).isEqualTo(7);
  }

  @Test
  void aKeyReusedForOtherLinesGets422AndAppendsNothing() {
    String id = t.create(ALICE, "reused");
    ingest(id, ALICE, TWO_LINES, "k-1");
    for (String other :
        List.of(
            "{\"lines\":[{\"message\":\"one\"}]}",
            "{\"lines\":[{\"message\":\"one\"},{\"message\":\"two\"}]}",
            "{\"lines\":[{\"message\":\"one\"},{\"message\":\"two\",\"level\":\"warn\","
                + "\"timestamp\":\"2026-12-08T10:00:00Z\"}]}")) {
      Res refused = ingest(id, ALICE, other, "k-1");
      assertThat(refused.status()).isEqualTo(422);
      assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
      assertThat(refused.json().get("title").asText()).isEqualTo("Unprocessable Content");
      assertThat(refused.json().get("detail").asText())
          .isEqualTo(
              "the Idempotency-Key was used before for other lines, which took seqs 2 to 3;"
                  + " send new lines with a new key");
    }
    assertThat(messages(id)).containsExactly("one", "two");
    assertThat(ingest(id, ALICE, TWO_LINES, "k-1").header("Idempotent-Replayed")).isEqualTo("true");
  }

  @Test
  void aMalformedKeyGets400NamingTheHeaderAndAppendsNothing() throws Exception {
    String id = t.create(ALICE, "malformed");
    for (String bad : List.of("", "has space", "x".repeat(256))) {
      Res refused = ingest(id, ALICE, TWO_LINES, bad);
      assertThat(refused.status()).as("key '%s'", bad).isEqualTo(400);
      assertThat(refused.json().get("errors").get(0).get("field").asText())
          .isEqualTo("Idempotency-Key");
    }
    // What the JDK's client will not send, a raw socket does: a key outside ASCII, and two keys.
    String auth = "Authorization: Bearer " + t.token(ALICE);
    try (RawHttp raw = RawHttp.connect("127.0.0.1", t.server.port())) {
      for (String[] headers :
          List.of(
              new String[] {auth, "Idempotency-Key: caf\u00e9"},
              new String[] {auth, "Idempotency-Key: a", "Idempotency-Key: b"})) {
        RawHttp.Response refused = raw.exchange("POST", logs(id), TWO_LINES, headers);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("\"field\":\"Idempotency-Key\"");
      }
    }
    assertThat(messages(id)).isEmpty();
    Res longest = ingest(id, ALICE, TWO_LINES, "x".repeat(255));
    assertThat(longest.status()).isEqualTo(202);
    assertThat(messages(id)).containsExactly("one", "two");
  }

  @Test
  void keysArePerDeploymentAndAnotherTenantsKeyAnswersNothing() {
    String alices = t.create(ALICE, "alices");
    String bobs = t.create(BOB, "bobs");
    ingest(alices, ALICE, TWO_LINES, "shared-key");
    // Bob's own deployment: the same key is his own, and stores his lines
    Res his = ingest(bobs, BOB, TWO_LINES, "shared-key");
    assertThat(his.status()).isEqualTo(202);
    assertThat(his.header("Idempotent-Replayed")).isNull();
    // Alice's deployment: Bob does not learn that the key exists, nor its seqs
    Res probe = ingest(alices, BOB, TWO_LINES, "shared-key");
    assertThat(probe.status()).isEqualTo(404);
    assertThat(probe.body()).doesNotContain("firstSeq");
    assertThat(messages(alices)).containsExactly("one", "two");
    assertThat(
            t.get(logs(bobs) + "?stream=stdout", BOB)
                .json()
                .get("lines")
                .findValuesAsText("message"))
        .containsExactly("one", "two");
  }

  @Test
  void concurrentRequestsWithOneKeyStoreOnceAndAllGetTheSameAnswer() throws Exception {
    String id = t.create(ALICE, "racing");
    int clients = 12;
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<Res>> answers = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        answers.add(
            pool.submit(
                () -> {
                  go.await();
                  return ingest(id, ALICE, TWO_LINES, "one-batch");
                }));
      }
      go.countDown();
      List<Res> done = new ArrayList<>();
      for (Future<Res> f : answers) {
        done.add(f.get(30, TimeUnit.SECONDS));
      }
      assertThat(done).allSatisfy(r -> assertThat(r.status()).isEqualTo(202));
      assertThat(done.stream().map(r -> r.json().toString()).distinct())
          .containsExactly("{\"firstSeq\":2,\"lastSeq\":3}");
      assertThat(done.stream().filter(r -> r.header("Idempotent-Replayed") == null).count())
          .isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(messages(id)).containsExactly("one", "two");
  }
}
