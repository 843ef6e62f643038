package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static io.coderunner.server.TestServer.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import io.coderunner.server.TestServer.Res;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/**
 * Ingest's own per-principal budget: requests, lines and bytes a second. Rates are set so low (one
 * second's worth is a request or two) that a refusal does not depend on how fast the machine is:
 * each test sends until the budget answers 429, which takes a few requests unless each one takes
 * longer than the whole second's refill.
 */
class IngestLimitsIT {
  private static final int ATTEMPTS = 20;

  private static String lines(int n) {
    StringBuilder sb = new StringBuilder("{\"lines\":[");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",").append("{\"message\":\"line ").append(i).append("\"}");
    }
    return sb.append("]}").toString();
  }

  /** Sends {@code body(i)} until one is refused; returns that refusal. */
  private static Res untilRefused(TestServer t, String id, IntFunction<String> body) {
    for (int i = 0; i < ATTEMPTS; i++) {
      Res r = t.post("/api/deployments/" + id + "/logs", ALICE, body.apply(i));
      if (r.status() != 202) {
        return r;
      }
    }
    throw new AssertionError("no request was refused in " + ATTEMPTS);
  }

  private static long lastSeq(TestServer t, String id) {
    return t.server.logStore().info(io.coderunner.core.DeploymentId.of(id)).orElseThrow().lastSeq();
  }

  @Test
  void requestsPastTheRequestBudgetGet429NamingItAndAppendNothing() {
    try (TestServer t = new TestServer(b -> b.ingestRequestsPerSecond(1).apiRequestsPerMinute(3))) {
      String id = t.create(ALICE, "agent");
      String bobs = t.create(BOB, "bystander");
      long before = lastSeq(t, id);
      Res refused = untilRefused(t, id, i -> lines(1));
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
      assertThat(refused.json().get("detail").asText())
          .contains("ingest.requestsPerSecond")
          .contains("1 requests a second");
      long accepted = lastSeq(t, id) - before;
      assertThat(accepted).isPositive();

      // the refusal appended nothing: one more accepted request continues the sequence
      org.awaitility.Awaitility.await()
          .until(() -> t.post("/api/deployments/" + id + "/logs", ALICE, lines(1)).status() == 202);
      assertThat(lastSeq(t, id)).isEqualTo(before + accepted + 1);

      // another principal's ingest and the first one's control API are not touched
      assertThat(t.post("/api/deployments/" + bobs + "/logs", BOB, lines(1)).status())
          .isEqualTo(202);
      assertThat(t.get("/api/deployments/" + id, ALICE).status()).isEqualTo(200);
    }
  }

  @Test
  void ingestDoesNotSpendTheControlApiRate() {
    // an API budget of 3 a minute: one goes to creating, and 12 ingests must leave two
    try (TestServer t = new TestServer(b -> b.apiRequestsPerMinute(3))) {
      String id = t.create(ALICE, "agent");
      for (int i = 0; i < 12; i++) {
        assertThat(t.post("/api/deployments/" + id + "/logs", ALICE, lines(1)).status())
            .as("ingest %d", i)
            .isEqualTo(202);
      }
      assertThat(t.get("/api/deployments/" + id, ALICE).status()).isEqualTo(200);
      assertThat(t.get("/api/deployments/" + id, ALICE).status()).isEqualTo(200);
      assertThat(t.get("/api/deployments/" + id, ALICE).status()).isEqualTo(429);
    }
  }

  @Test
  void linesPastTheLineBudgetGet429AndABatchLargerThanASecondGets413() {
    try (TestServer t = new TestServer(b -> b.ingestLinesPerSecond(10))) {
      String id = t.create(ALICE, "agent");
      long before = lastSeq(t, id);
      Res tooMany = t.post("/api/deployments/" + id + "/logs", ALICE, lines(11));
      assertThat(tooMany.status()).isEqualTo(413);
      assertThat(tooMany.json().get("detail").asText())
          .contains("11 lines")
          .contains("ingest.linesPerSecond");
      assertThat(lastSeq(t, id)).isEqualTo(before);

      Res refused = untilRefused(t, id, i -> lines(8));
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.json().get("detail").asText()).contains("ingest.linesPerSecond");
      assertThat((lastSeq(t, id) - before) % 8).as("whole batches only").isZero();
    }
  }

  @Test
  void bytesPastTheByteBudgetGet429AndABodyLargerThanASecondGets413() {
    try (TestServer t = new TestServer(b -> b.ingestBytesPerSecond(2048))) {
      String id = t.create(ALICE, "agent");
      long before = lastSeq(t, id);
      String big = "{\"lines\":[{\"message\":\"" + "x".repeat(2100) + "\"}]}";
      Res tooBig = t.post("/api/deployments/" + id + "/logs", ALICE, big);
      assertThat(tooBig.status()).isEqualTo(413);
      assertThat(tooBig.json().get("detail").asText()).contains("ingest.bytesPerSecond");
      String fat = "{\"lines\":[{\"message\":\"" + "y".repeat(1500) + "\"}]}";
      Res refused = untilRefused(t, id, i -> fat);
      assertThat(refused.status()).isEqualTo(429);
      assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
      assertThat(refused.json().get("detail").asText()).contains("ingest.bytesPerSecond");
      // nothing of the refused bodies was appended, and small requests still fit in time
      assertThat(lastSeq(t, id) - before).isPositive();
      org.awaitility.Awaitility.await()
          .until(() -> t.post("/api/deployments/" + id + "/logs", ALICE, lines(1)).status() == 202);
    }
  }
}
