package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static io.coderunner.server.TestServer.BOB;
import static io.coderunner.server.TestServer.CAROL;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.server.TestServer.Res;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LogsIT {
  static TestServer t;
  static String id;

  @BeforeAll
  static void start() {
    t = new TestServer();
    id = t.create(ALICE, "logs");
    // seq 1 is the "created" status line
    Res r =
        t.post(
            "/api/deployments/" + id + "/logs",
            ALICE,
            "{\"lines\":[{\"message\":\"booting\"},"
                + "{\"message\":\"disk almost full\",\"level\":\"warn\"},"
                + "{\"message\":\"Boom\",\"level\":\"error\",\"stream\":\"stderr\"},"
                + "{\"message\":\"old\",\"timestamp\":\"2020-01-01T00:00:00Z\"}]}");
    assertThat(r.status()).isEqualTo(202);
    assertThat(r.json().get("firstSeq").asLong()).isEqualTo(2);
    assertThat(r.json().get("lastSeq").asLong()).isEqualTo(5);
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  private static List<String> messages(Res r) {
    List<String> out = new ArrayList<>();
    r.json().get("lines").forEach(l -> out.add(l.get("message").asText()));
    return out;
  }

  @Test
  void historyPagesThroughEveryLineInSeqOrder() {
    Res r = t.get("/api/deployments/" + id + "/logs?after=1&limit=2", ALICE);
    assertThat(r.status()).isEqualTo(200);
    JsonNode body = r.json();
    assertThat(messages(r)).containsExactly("booting", "disk almost full");
    assertThat(body.get("next").asLong()).isEqualTo(4);
    assertThat(body.get("firstAvailable").asLong()).isEqualTo(1);
    JsonNode line = body.get("lines").get(0);
    assertThat(line.get("seq").asLong()).isEqualTo(2);
    assertThat(line.get("stream").asText()).isEqualTo("stdout");
    assertThat(line.get("level").asText()).isEqualTo("info");
    assertThat(line.get("ts").asText()).endsWith("Z");
  }

  @Test
  void historyFiltersByLevelStreamTextAndTime() {
    String base = "/api/deployments/" + id + "/logs?";
    assertThat(messages(t.get(base + "level=warn,error", ALICE)))
        .containsExactly("disk almost full", "Boom");
    assertThat(messages(t.get(base + "stream=stderr", ALICE))).containsExactly("Boom");
    assertThat(messages(t.get(base + "q=BOOM", ALICE))).containsExactly("Boom");
    assertThat(messages(t.get(base + "since=2021-01-01T00:00:00Z&stream=stdout", ALICE)))
        .containsExactly("booting", "disk almost full");
  }

  @Test
  void badHistoryParametersAreNamed() {
    Res r =
        t.get(
            "/api/deployments/"
                + id
                + "/logs?after=-1&limit=10001&level=loud&stream=tty&since=yesterday",
            ALICE);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("errors").findValuesAsText("field"))
        .containsExactlyInAnyOrder("after", "limit", "level", "stream", "since");
    assertThat(t.get("/api/deployments/" + id + "/logs?limit=x", ALICE).status()).isEqualTo(400);
    assertThat(t.get("/api/deployments/" + id + "/logs?q=" + "x".repeat(300), ALICE).status())
        .isEqualTo(400);
  }

  @Test
  void ingestRefusesBadLinesNamingEachField() {
    Res r =
        t.post(
            "/api/deployments/" + id + "/logs",
            ALICE,
            "{\"lines\":[{\"message\":1},{\"message\":\"x\",\"stream\":\"system\"},"
                + "{\"message\":\"x\",\"level\":\"loud\",\"timestamp\":\"noon\"},7]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("errors").findValuesAsText("field"))
        .containsExactlyInAnyOrder(
            "lines[0].message",
            "lines[1].stream",
            "lines[2].level",
            "lines[2].timestamp",
            "lines[3]");
    assertThat(t.post("/api/deployments/" + id + "/logs", ALICE, "{\"lines\":[]}").status())
        .isEqualTo(400);
    assertThat(t.post("/api/deployments/" + id + "/logs", ALICE, "{}").status()).isEqualTo(400);
  }

  @Test
  void ingestOverTheLineOrByteLimitIs413() {
    StringBuilder many = new StringBuilder("{\"lines\":[");
    for (int i = 0; i < 1001; i++) {
      many.append(i == 0 ? "" : ",").append("{\"message\":\"m\"}");
    }
    many.append("]}");
    Res tooMany = t.post("/api/deployments/" + id + "/logs", ALICE, many.toString());
    assertThat(tooMany.status()).isEqualTo(413);

    String big = "{\"lines\":[{\"message\":\"" + "x".repeat(1 << 20) + "\"}]}";
    Res tooBig = t.post("/api/deployments/" + id + "/logs", ALICE, big);
    assertThat(tooBig.status()).isEqualTo(413);
    assertThat(tooBig.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void ingestNeedsTheDeployerRoleAndOwnership() {
    String body = "{\"lines\":[{\"message\":\"x\"}]}";
    assertThat(t.post("/api/deployments/" + id + "/logs", CAROL, body).status()).isEqualTo(403);
    assertThat(t.post("/api/deployments/" + id + "/logs", BOB, body).status()).isEqualTo(404);
    assertThat(t.post("/api/deployments/nope/logs", ALICE, body).status()).isEqualTo(404);
  }
}
