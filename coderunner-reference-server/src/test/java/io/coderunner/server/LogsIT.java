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
  void aBodyDeclaredFarOverTheLimitIsAnswered413BeforeItIsSent() throws Exception {
    try (RawHttp raw = RawHttp.connect("127.0.0.1", t.server.port())) {
      // Only the headers: the server answers without waiting for (or reading) 9 MiB.
      raw.send(
          "POST /api/deployments/"
              + id
              + "/logs HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
              + t.token(ALICE)
              + "\r\nContent-Type: application/json\r\nContent-Length: "
              + (9 << 20)
              + "\r\n\r\n");
      RawHttp.Response r = raw.read();
      assertThat(r.status()).isEqualTo(413);
      assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
    }
    assertThat(t.get("/api/deployments/" + id, ALICE).status()).isEqualTo(200);
  }

  @Test
  void ingestNeedsTheDeployerRoleAndOwnership() {
    String body = "{\"lines\":[{\"message\":\"x\"}]}";
    assertThat(t.post("/api/deployments/" + id + "/logs", CAROL, body).status()).isEqualTo(403);
    assertThat(t.post("/api/deployments/" + id + "/logs", BOB, body).status()).isEqualTo(404);
    assertThat(t.post("/api/deployments/nope/logs", ALICE, body).status()).isEqualTo(404);
  }

  /**
   * A deployment of 31 lines: its "created" line, then "line 1" to "line 30", every third an error.
   */
  private static String thirtyLines(String name) {
    String d = t.create(ALICE, name);
    StringBuilder b = new StringBuilder("{\"lines\":[");
    for (int i = 1; i <= 30; i++) {
      b.append(i == 1 ? "" : ",")
          .append("{\"message\":\"line ")
          .append(i)
          .append(i % 3 == 0 ? "\",\"level\":\"error\"}" : "\"}");
    }
    assertThat(t.post("/api/deployments/" + d + "/logs", ALICE, b + "]}").status()).isEqualTo(202);
    return d;
  }

  @Test
  void historyPagesBackwardsWithBeforeNewestLast() {
    String d = thirtyLines("backwards");
    String base = "/api/deployments/" + d + "/logs?";
    Res newest = t.get(base + "before=32&limit=3", ALICE);
    assertThat(messages(newest)).containsExactly("line 28", "line 29", "line 30");
    assertThat(newest.json().get("prev").asLong()).isEqualTo(29);
    assertThat(newest.json().has("next")).isFalse();
    Res earlier = t.get(base + "before=29&limit=3", ALICE);
    assertThat(messages(earlier)).containsExactly("line 25", "line 26", "line 27");

    // The same filters, backwards: the errors before line 15 (seq 16), newest last.
    Res errors = t.get(base + "before=16&limit=2&level=error", ALICE);
    assertThat(messages(errors)).containsExactly("line 9", "line 12");
    Res older = t.get(base + "level=error&before=" + errors.json().get("prev").asLong(), ALICE);
    assertThat(messages(older)).containsExactly("line 3", "line 6");
    assertThat(older.json().get("prev").asLong()).isEqualTo(1); // nothing older is retained

    Res both = t.get(base + "after=3&before=10", ALICE);
    assertThat(both.status()).isEqualTo(400);
    assertThat(both.json().get("errors").findValuesAsText("field")).containsExactly("before");
    Res zero = t.get(base + "before=0", ALICE);
    assertThat(zero.status()).isEqualTo(400);
    assertThat(zero.json().get("errors").findValuesAsText("field")).containsExactly("before");
    assertThat(t.get(base + "before=10", BOB).status()).isEqualTo(404);
    assertThat(messages(t.get(base + "after=30", ALICE))).containsExactly("line 30");
  }

  @Test
  void searchCountsEveryMatchAndListsTheirSeqs() {
    String d = thirtyLines("search");
    String base = "/api/deployments/" + d + "/logs/search?";
    Res r = t.get(base + "q=LINE%202", ALICE); // line 2, line 20 to 29
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("count").asLong()).isEqualTo(11);
    List<Long> seqs = new ArrayList<>();
    r.json().get("seqs").forEach(s -> seqs.add(s.asLong()));
    assertThat(seqs).containsExactly(3L, 21L, 22L, 23L, 24L, 25L, 26L, 27L, 28L, 29L, 30L);
    assertThat(r.json().get("truncated").asBoolean()).isFalse();
    assertThat(r.json().get("lastSeq").asLong()).isEqualTo(31);
    assertThat(r.json().get("epoch").asText()).isNotBlank();

    Res errorsOnly = t.get(base + "q=line%202&level=error", ALICE); // line 21, 24, 27
    assertThat(errorsOnly.json().get("count").asLong()).isEqualTo(3);
    Res newest = t.get(base + "q=line&limit=2", ALICE);
    assertThat(newest.json().get("count").asLong()).isEqualTo(30);
    assertThat(newest.json().get("seqs").toString()).isEqualTo("[30,31]");
    assertThat(newest.json().get("truncated").asBoolean()).isTrue();

    Res noQuery = t.get(base + "limit=100001", ALICE);
    assertThat(noQuery.status()).isEqualTo(400);
    assertThat(noQuery.json().get("errors").findValuesAsText("field"))
        .containsExactlyInAnyOrder("q", "limit");
    assertThat(t.get(base + "q=line", BOB).status()).isEqualTo(404);
    assertThat(t.get(base + "q=line", null).status()).isEqualTo(401);
  }

  @Test
  void rawStreamsTheRetainedLogAsTextWithTheFilters() {
    String d = t.create(ALICE, "raw");
    String colored = "\\u001b[31mred\\u001b[0m 50%\\r100%";
    t.post(
        "/api/deployments/" + d + "/logs",
        ALICE,
        "{\"lines\":[{\"message\":\""
            + colored
            + "\"},{\"message\":\"Boom\",\"level\":\"error\"}]}");
    String base = "/api/deployments/" + d + "/logs";
    Res raw = t.get(base + "/raw", ALICE);
    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.header("Content-Type")).isEqualTo("text/plain; charset=utf-8");
    assertThat(raw.header("Content-Disposition"))
        .isEqualTo("attachment; filename=\"" + d + ".log\"");
    StringBuilder expected = new StringBuilder();
    for (String m : messages(t.get(base + "?limit=10000", ALICE))) {
      expected.append(m).append('\n');
    }
    assertThat(raw.body()).isEqualTo(expected.toString());
    assertThat(raw.body()).contains("\u001b[31mred\u001b[0m 50%\r100%\n");
    assertThat(t.get(base + "/raw?level=error", ALICE).body()).isEqualTo("Boom\n");
    assertThat(t.get(base + "/raw?after=1&before=3", ALICE).body())
        .isEqualTo("\u001b[31mred\u001b[0m 50%\r100%\n");

    Res head = t.call("HEAD", base + "/raw", ALICE, null);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    Res bad = t.get(base + "/raw?after=-1&level=loud", ALICE);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(bad.json().get("errors").findValuesAsText("field"))
        .containsExactlyInAnyOrder("after", "level");
    assertThat(t.get(base + "/raw", null).status()).isEqualTo(401);
    assertThat(t.get(base + "/raw", BOB).status()).isEqualTo(404);
    assertThat(t.get("/api/deployments/nope/logs/raw", ALICE).status()).isEqualTo(404);
  }

  @Test
  void searchAndRawRefuseHostileParametersAndServeTheNextCallerAsBefore() {
    String d = thirtyLines("hostile");
    String base = "/api/deployments/" + d + "/logs";
    String longQuery = "x".repeat(257);
    for (String route : List.of("/search", "/raw")) {
      Res tooLong = t.get(base + route + "?q=" + longQuery, ALICE);
      assertThat(tooLong.status()).as(route).isEqualTo(400);
      assertThat(tooLong.json().get("errors").get(0).get("field").asText()).isEqualTo("q");
      assertThat(tooLong.json().get("errors").get(0).get("message").asText())
          .isEqualTo("must be at most 256 characters");
      String range = route.equals("/raw") ? "after=99999999999999999999" : "limit=0";
      Res outOfRange = t.get(base + route + "?q=line&since=yesterday&" + range, ALICE);
      assertThat(outOfRange.status()).as(route).isEqualTo(400);
      assertThat(outOfRange.json().get("errors").findValuesAsText("field"))
          .containsExactlyInAnyOrder(range.substring(0, range.indexOf('=')), "since");
      // Another tenant's id is not found, whatever its filters.
      assertThat(t.get(base + route + "?q=" + longQuery, BOB).status()).isEqualTo(404);
    }
    // Exactly at the limit is a query like any other.
    Res atLimit = t.get(base + "/search?q=" + "x".repeat(256), ALICE);
    assertThat(atLimit.status()).isEqualTo(200);
    assertThat(atLimit.json().get("count").asLong()).isZero();
    // Nothing was lost or changed for the owner.
    assertThat(t.get(base + "/search?q=line", ALICE).json().get("count").asLong()).isEqualTo(30);
    assertThat(t.get(base + "/raw", ALICE).body().lines().filter(l -> l.startsWith("line ")))
        .hasSize(30);
  }
}
