package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static io.coderunner.server.TestServer.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.server.SseClient.Event;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SseIT {
  TestServer t;
  String id;

  @BeforeEach
  void start() {
    t = new TestServer(b -> b.sseHeartbeat(Duration.ofMillis(50)));
    id = t.create(ALICE, "follow");
  }

  @AfterEach
  void stop() {
    t.close();
  }

  private SseClient open(String query, String... headers) throws Exception {
    return new SseClient(
        t.http, t.uri("/api/deployments/" + id + "/logs/stream" + query), t.token(ALICE), headers);
  }

  private void append(String... messages) {
    for (String m : messages) {
      t.server.logStore().append(DeploymentId.of(id), LogEntry.stdout(m));
    }
  }

  private static JsonNode json(Event e) throws Exception {
    return TestServer.JSON.readTree(e.data());
  }

  @Test
  void aBrowserEventSourceMayPassItsTokenAsAccessToken() throws Exception {
    String uri = "/api/deployments/" + id + "/logs/stream?after=0&access_token=" + t.token(ALICE);
    try (SseClient c = new SseClient(t.http, t.uri(uri), null)) {
      assertThat(c.response.statusCode()).isEqualTo(200);
      assertThat(json(c.next("subscribed")).get("next").asLong()).isEqualTo(1);
      append("via query token");
      assertThat(c.next("line", 2).get(1).id()).isEqualTo("2");
    }
    String bad = "/api/deployments/" + id + "/logs/stream?access_token=not-a-token";
    try (SseClient c = new SseClient(t.http, t.uri(bad), null)) {
      assertThat(c.response.statusCode()).isEqualTo(401);
    }
    String otherOwner =
        "/api/deployments/" + id + "/logs/stream?access_token=" + t.token(TestServer.BOB);
    try (SseClient c = new SseClient(t.http, t.uri(otherOwner), null)) {
      assertThat(c.response.statusCode()).isEqualTo(404);
    }
  }

  @Test
  void followReceivesHistoryThenLiveLines() throws Exception {
    try (SseClient c = open("?after=0")) {
      assertThat(c.response.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");
      JsonNode subscribed = json(c.next("subscribed"));
      assertThat(subscribed.get("next").asLong()).isEqualTo(1);
      Event created = c.next("line");
      assertThat(created.id()).isEqualTo("1");
      assertThat(json(created).get("stream").asText()).isEqualTo("system");

      append("one", "two");
      List<Event> live = c.next("line", 2);
      assertThat(live).extracting(Event::id).containsExactly("2", "3");
      assertThat(json(live.get(1)).get("message").asText()).isEqualTo("two");
    }
  }

  @Test
  void lastEventIdResumesWithExactlyTheFollowingSeqs() throws Exception {
    append("a", "b", "c", "d", "e"); // seqs 2..6
    try (SseClient c = open("?after=0", "Last-Event-ID", "3")) {
      assertThat(json(c.next("subscribed")).get("next").asLong()).isEqualTo(4);
      assertThat(c.next("line", 3)).extracting(Event::id).containsExactly("4", "5", "6");
      append("f");
      assertThat(c.next("line").id()).isEqualTo("7");
    }
  }

  @Test
  void tailStartsWithTheLastLinesAndFiltersApply() throws Exception {
    append("x1", "x2", "needle", "x3");
    try (SseClient c = open("?tail=2")) {
      assertThat(c.next("line", 2)).extracting(Event::id).containsExactly("4", "5");
    }
    try (SseClient c = open("?after=0&q=needle")) {
      assertThat(json(c.next("line")).get("message").asText()).isEqualTo("needle");
    }
  }

  @Test
  void statusChangesArriveAsStatusEventsAfterTheirLine() throws Exception {
    try (SseClient c = open("")) {
      c.next("subscribed");
      assertThat(t.post("/api/deployments/" + id + "/start", ALICE, null).status()).isEqualTo(202);
      assertThat(json(c.next("status")).get("status").asText()).isEqualTo("starting");
      assertThat(json(c.next("status")).get("status").asText()).isEqualTo("running");
      t.runner.print(DeploymentId.of(id), LogEntry.stderr("crash"));
      assertThat(json(c.next("line")).get("level").asText()).isEqualTo("error");
    }
  }

  @Test
  void aFilteredStreamStillGetsStatusEventsButOnlyMatchingLines() throws Exception {
    try (SseClient c = open("?stream=stderr")) {
      c.next("subscribed");
      assertThat(t.post("/api/deployments/" + id + "/start", ALICE, null).status()).isEqualTo(202);
      Event starting = c.next("status");
      assertThat(json(starting).get("status").asText()).isEqualTo("starting");
      assertThat(starting.id())
          .as("a status event whose line was filtered carries its seq")
          .isNotNull();
      assertThat(json(c.next("status")).get("status").asText()).isEqualTo("running");
      t.runner.print(DeploymentId.of(id), LogEntry.stdout("filtered out"));
      t.runner.print(DeploymentId.of(id), LogEntry.stderr("kept"));
      Event kept = c.next("line");
      assertThat(json(kept).get("message").asText()).isEqualTo("kept");
    }
  }

  @Test
  void heartbeatsKeepAnIdleStreamOpen() throws Exception {
    try (SseClient c = open("")) {
      c.next("subscribed");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                synchronized (c.comments) {
                  return c.comments.contains(": ping");
                }
              });
    }
  }

  @Test
  void deletingTheDeploymentEndsTheStream() throws Exception {
    try (SseClient c = open("")) {
      c.next("subscribed");
      assertThat(t.call("DELETE", "/api/deployments/" + id, ALICE, null).status()).isEqualTo(204);
      assertThat(json(c.next("end")).get("reason").asText()).isEqualTo("deleted");
      assertThat(c.next("<eof>")).isSameAs(SseClient.EOF);
    }
    await().until(() -> t.server.openEventStreams() == 0);
  }

  @Test
  void shutdownEndsOpenStreams() throws Exception {
    SseClient c = open("");
    c.next("subscribed");
    t.server.close();
    assertThat(json(c.next("end")).get("reason").asText()).isEqualTo("shutdown");
    assertThat(c.next("<eof>")).isSameAs(SseClient.EOF);
  }

  @Test
  void refusalsAreProblemsNotStreams() throws Exception {
    var uri = t.uri("/api/deployments/" + id + "/logs/stream");
    try (SseClient none = new SseClient(t.http, uri, null)) {
      assertThat(none.response.statusCode()).isEqualTo(401);
    }
    try (SseClient other = new SseClient(t.http, uri, t.token(BOB))) {
      assertThat(other.response.statusCode()).isEqualTo(404);
    }
    try (SseClient both = open("?after=1&tail=3")) {
      assertThat(both.response.statusCode()).isEqualTo(400);
    }
    try (SseClient bad = open("?level=loud")) {
      assertThat(bad.response.statusCode()).isEqualTo(400);
    }
    try (SseClient badId = open("", "Last-Event-ID", "abc")) {
      assertThat(badId.response.statusCode()).isEqualTo(400);
    }
  }
}
