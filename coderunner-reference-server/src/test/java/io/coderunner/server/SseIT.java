package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static io.coderunner.server.TestServer.BOB;
import static io.coderunner.server.TestServer.ROOT;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.JwtConfig;
import io.coderunner.core.auth.JwtService;
import io.coderunner.core.follow.FollowConfig;
import io.coderunner.server.SseClient.Event;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
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
    return open(t, id, t.token(ALICE), query, headers);
  }

  private static SseClient open(
      TestServer server, String deployment, String token, String query, String... headers)
      throws Exception {
    return new SseClient(
        server.http,
        server.uri("/api/deployments/" + deployment + "/logs/stream" + query),
        token,
        headers);
  }

  private void append(String... messages) {
    append(t, id, messages);
  }

  private static void append(TestServer server, String deployment, String... messages) {
    for (String m : messages) {
      server.server.logStore().append(DeploymentId.of(deployment), LogEntry.stdout(m));
    }
  }

  private String epoch() {
    return epoch(t, id);
  }

  private static String epoch(TestServer server, String deployment) {
    return server.server.logStore().info(DeploymentId.of(deployment)).orElseThrow().epoch();
  }

  private static long lastSeq(TestServer server, String deployment) {
    return server.server.logStore().info(DeploymentId.of(deployment)).orElseThrow().lastSeq();
  }

  private static JsonNode json(Event e) throws Exception {
    return TestServer.JSON.readTree(e.data());
  }

  /**
   * A bystander following {@code deployment} from its first line: whatever others do, it must
   * receive every line; see {@link #assertGotEveryLine}.
   */
  private static SseClient bystander(TestServer server, String deployment, Principal owner)
      throws Exception {
    SseClient c = open(server, deployment, server.token(owner), "?after=0");
    assertThat(c.response.statusCode()).isEqualTo(200);
    c.next("subscribed");
    return c;
  }

  /** Asserts that {@code c} got exactly seqs 1 to the log's last, each once, in order. */
  private static void assertGotEveryLine(SseClient c, TestServer server, String deployment)
      throws Exception {
    String epoch = epoch(server, deployment);
    long last = lastSeq(server, deployment);
    List<String> ids = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (long seq = 1; seq <= last; seq++) {
      expected.add(epoch + ":" + seq);
    }
    while (ids.size() < expected.size()) {
      Event e = c.next("line");
      assertThat(e).as("the bystander's stream ended").isNotSameAs(SseClient.EOF);
      ids.add(e.id());
    }
    assertThat(ids).containsExactlyElementsOf(expected);
  }

  @Test
  void aBrowserEventSourceMayPassItsTokenAsAccessToken() throws Exception {
    String uri = "/api/deployments/" + id + "/logs/stream?after=0&access_token=" + t.token(ALICE);
    try (SseClient c = new SseClient(t.http, t.uri(uri), null)) {
      assertThat(c.response.statusCode()).isEqualTo(200);
      assertThat(json(c.next("subscribed")).get("next").asLong()).isEqualTo(1);
      append("via query token");
      assertThat(c.next("line", 2).get(1).id()).isEqualTo(epoch() + ":2");
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
  void followReceivesHistoryThenLiveLinesWithIdsThatNameTheEpoch() throws Exception {
    try (SseClient c = open("?after=0")) {
      assertThat(c.response.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");
      JsonNode subscribed = json(c.next("subscribed"));
      assertThat(subscribed.get("next").asLong()).isEqualTo(1);
      assertThat(subscribed.get("epoch").asText()).isEqualTo(epoch());
      Event created = c.next("line");
      assertThat(created.id()).isEqualTo(epoch() + ":1");
      assertThat(json(created).get("stream").asText()).isEqualTo("system");

      append("one", "two");
      List<Event> live = c.next("line", 2);
      assertThat(live).extracting(Event::id).containsExactly(epoch() + ":2", epoch() + ":3");
      assertThat(json(live.get(1)).get("message").asText()).isEqualTo("two");
    }
  }

  @Test
  void lastEventIdResumesWithExactlyTheFollowingSeqs() throws Exception {
    append("a", "b", "c", "d", "e"); // seqs 2..6
    try (SseClient c = open("?after=0", "Last-Event-ID", epoch() + ":3")) {
      JsonNode subscribed = json(c.next("subscribed"));
      assertThat(subscribed.get("next").asLong()).isEqualTo(4);
      assertThat(subscribed.get("reset").asBoolean()).isFalse();
      assertThat(c.next("line", 3))
          .extracting(Event::id)
          .containsExactly(epoch() + ":4", epoch() + ":5", epoch() + ":6");
      append("f");
      assertThat(c.next("line").id()).isEqualTo(epoch() + ":7");
    }
  }

  @Test
  void aBareSeqFromAnOlderClientIsStillAResumePosition() throws Exception {
    append("a", "b", "c");
    try (SseClient c = open("", "Last-Event-ID", "2")) {
      assertThat(json(c.next("subscribed")).get("next").asLong()).isEqualTo(3);
      assertThat(c.next("line", 2))
          .extracting(Event::id)
          .containsExactly(epoch() + ":3", epoch() + ":4");
    }
  }

  @Test
  void aResumeFromAnotherEpochIsResetToTheFirstRetainedLineNotTrusted() throws Exception {
    append("a", "b", "c"); // seqs 2..4, far below the 5000 the old stream had reached
    try (SseClient c = open("", "Last-Event-ID", "0123456789abcdef:5000")) {
      JsonNode subscribed = json(c.next("subscribed"));
      assertThat(subscribed.get("reset").asBoolean()).isTrue();
      assertThat(subscribed.get("epoch").asText()).isEqualTo(epoch());
      assertThat(subscribed.get("next").asLong()).isEqualTo(1);
      assertThat(c.next("line", 4))
          .extracting(Event::id)
          .containsExactly(epoch() + ":1", epoch() + ":2", epoch() + ":3", epoch() + ":4");
    }
  }

  @Test
  void malformedResumePositionsAreRefusedAndCostABystanderNoLine() throws Exception {
    try (SseClient bystander = bystander(t, id, ALICE)) {
      String[] bad = {":5", "abc", epoch() + ":", epoch() + ":-1", "e".repeat(200) + ":1"};
      for (String lastEventId : bad) {
        try (SseClient c = open("", "Last-Event-ID", lastEventId)) {
          assertThat(c.response.statusCode()).as(lastEventId).isEqualTo(400);
          JsonNode problem = TestServer.JSON.readTree(c.body());
          assertThat(problem.get("errors").findValuesAsText("field"))
              .as(lastEventId)
              .contains("Last-Event-ID");
        }
      }
      try (SseClient c = open("?after=1&epoch=" + "e".repeat(129))) {
        assertThat(c.response.statusCode()).isEqualTo(400);
      }
      append("after the refusals");
      assertGotEveryLine(bystander, t, id);
    }
  }

  @Test
  void tailStartsWithTheLastLinesAndFiltersApply() throws Exception {
    append("x1", "x2", "needle", "x3");
    try (SseClient c = open("?tail=2")) {
      assertThat(c.next("line", 2))
          .extracting(Event::id)
          .containsExactly(epoch() + ":4", epoch() + ":5");
    }
    try (SseClient c = open("?after=0&q=needle")) {
      assertThat(json(c.next("line")).get("message").asText()).isEqualTo("needle");
    }
    try (SseClient c = open("?tail=1&q=NEEDLE")) {
      Event line = c.next("line");
      assertThat(line.id()).isEqualTo(epoch() + ":4");
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
          .as("a status event whose line was filtered carries its position")
          .startsWith(epoch() + ":");
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
  }

  // ------------------------------------------------------------------ expiry, caps, lag

  /**
   * A token of {@code p} that the server accepts for about {@code validFor} more: minted by a JWT
   * service of the same secret whose clock runs behind, so that its {@code exp} plus the server's
   * 30 s leeway ends then.
   */
  private static String tokenValidFor(Principal p, Duration validFor) {
    Duration ttl = Duration.ofSeconds(1);
    Duration behind = JwtConfig.DEFAULT_LEEWAY.plus(ttl).minus(validFor);
    JwtService minter =
        JwtService.create(
            JwtConfig.builder().signingSecret(TestServer.SECRET).tokenTtl(ttl).build(),
            Clock.offset(Clock.systemUTC(), behind.negated()));
    return minter.issue(p).token();
  }

  @Test
  void aStreamEndsWhenItsTokenExpiresAndTheClientResumesWithAFreshOne() throws Exception {
    try (SseClient bystander = bystander(t, id, ALICE);
        SseClient expiring = open(t, id, tokenValidFor(ALICE, Duration.ofSeconds(1)), "?after=0")) {
      assertThat(expiring.response.statusCode()).isEqualTo(200);
      expiring.next("subscribed");
      Event last = expiring.next("line");
      append("one", "two");

      Event end = expiring.next("end");
      assertThat(json(end).get("reason").asText()).isEqualTo("token_expired");
      assertThat(expiring.next("<eof>")).isSameAs(SseClient.EOF);
      await().until(() -> t.server.openEventStreams() == 1);

      // The client resumes after the last line the expired stream sent, with a fresh token.
      String resumeFrom = last.id();
      for (Event e : expiring.events) {
        if (e.event().equals("line")) {
          resumeFrom = e.id();
        }
      }
      long lastSeen = Long.parseLong(resumeFrom.substring(resumeFrom.indexOf(':') + 1));
      try (SseClient resumed = open("", "Last-Event-ID", resumeFrom)) {
        assertThat(json(resumed.next("subscribed")).get("next").asLong()).isEqualTo(lastSeen + 1);
        append("three");
        List<String> rest = new ArrayList<>();
        for (long seq = lastSeen + 1; seq <= lastSeq(t, id); seq++) {
          rest.add(resumed.next("line").id());
        }
        List<String> expected = new ArrayList<>();
        for (long seq = lastSeen + 1; seq <= lastSeq(t, id); seq++) {
          expected.add(epoch() + ":" + seq);
        }
        assertThat(rest).containsExactlyElementsOf(expected);
      }
      assertGotEveryLine(bystander, t, id);
    }
  }

  private static TestServer server(UnaryOperator<ServerConfig.Builder> tweak) {
    return new TestServer(b -> tweak.apply(b.sseHeartbeat(Duration.ofMillis(50))));
  }

  @Test
  void streamsAreCappedPerPrincipalWith429AndAClosedOneFreesItsPlace() throws Exception {
    try (TestServer s = server(b -> b.sseMaxStreamsPerPrincipal(3))) {
      String mine = s.create(ALICE, "mine");
      String his = s.create(BOB, "his");
      List<SseClient> streams = new ArrayList<>();
      try (SseClient bystander = bystander(s, his, BOB)) {
        for (int i = 0; i < 3; i++) {
          SseClient c = open(s, mine, s.token(ALICE), "");
          assertThat(c.response.statusCode()).isEqualTo(200);
          streams.add(c);
        }
        try (SseClient fourth = open(s, mine, s.token(ALICE), "")) {
          assertThat(fourth.response.statusCode()).isEqualTo(429);
          assertThat(fourth.header("Retry-After")).isEqualTo("5");
          assertThat(fourth.header("Content-Type")).isEqualTo("application/problem+json");
          assertThat(TestServer.JSON.readTree(fourth.body()).get("detail").asText())
              .contains("too many event streams");
        }
        append(s, his, "his line");
        append(s, mine, "my line");
        for (SseClient c : streams) {
          assertThat(json(c.next("line")).get("message").asText()).isEqualTo("my line");
        }

        streams.remove(0).close();
        await().until(() -> s.server.openEventStreams() == 3);
        try (SseClient again = open(s, mine, s.token(ALICE), "")) {
          assertThat(again.response.statusCode()).isEqualTo(200);
        }
        assertGotEveryLine(bystander, s, his);
      } finally {
        streams.forEach(SseClient::close);
      }
    }
  }

  @Test
  void streamsAreCappedInTotal() throws Exception {
    try (TestServer s = server(b -> b.sseMaxStreams(2))) {
      String mine = s.create(ALICE, "mine");
      String his = s.create(BOB, "his");
      try (SseClient a = bystander(s, mine, ALICE);
          SseClient admin = open(s, his, s.token(ROOT), "?after=0");
          SseClient refused = open(s, his, s.token(BOB), "")) {
        assertThat(admin.response.statusCode()).isEqualTo(200);
        assertThat(refused.response.statusCode()).isEqualTo(429);
        assertThat(refused.header("Retry-After")).isEqualTo("5");
        append(s, mine, "x", "y");
        assertGotEveryLine(a, s, mine);
      }
    }
  }

  @Test
  void aStreamThatStopsReadingIsClosedUnderTheLagBoundsWhileOthersGetEveryLine() throws Exception {
    FollowConfig tight = FollowConfig.builder().maxLagBytes(64 << 10).build();
    try (TestServer s = server(b -> b.follow(tight))) {
      String busy = s.create(ALICE, "busy");
      String other = s.create(ALICE, "other");
      try (SseClient bystander = bystander(s, other, ALICE);
          Socket stalled = new Socket()) {
        stalled.setReceiveBufferSize(4096);
        stalled.connect(s.server.address());
        OutputStream out = stalled.getOutputStream();
        out.write(
            ("GET /api/deployments/"
                    + busy
                    + "/logs/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + s.token(ALICE)
                    + "\r\n\r\n")
                .getBytes(UTF_8));
        out.flush();
        await().until(() -> s.server.openEventStreams() == 2);

        String line = "x".repeat(2_000);
        for (int i = 0; i < 10_000; i++) {
          s.server.logStore().append(DeploymentId.of(busy), LogEntry.stdout(line));
        }
        append(s, other, "while the stalled stream is behind");

        await().atMost(Duration.ofSeconds(20)).until(() -> s.server.openEventStreams() == 1);
        append(s, other, "after it was closed");
        assertGotEveryLine(bystander, s, other);
      }
    }
  }

  @Test
  void fourPathologicalFiltersReplayingAWholeLogCostABystanderNoLine() throws Exception {
    String big = t.create(BOB, "big");
    String sixtyKb = "a".repeat(60_000);
    for (int i = 0; i < 210; i++) {
      append(t, big, sixtyKb);
    }
    String q = "a".repeat(255) + "b";
    List<SseClient> attackers = new ArrayList<>();
    try (SseClient bystander = bystander(t, id, ALICE)) {
      for (int i = 0; i < 4; i++) {
        attackers.add(open(t, big, t.token(BOB), "?tail=10000&q=" + q));
      }
      append("bystander 1", "bystander 2");
      for (SseClient a : attackers) {
        assertThat(json(a.next("subscribed")).get("next").asLong()).isEqualTo(212);
      }
      append("bystander 3");
      assertGotEveryLine(bystander, t, id);
    } finally {
      attackers.forEach(SseClient::close);
    }
  }
}
