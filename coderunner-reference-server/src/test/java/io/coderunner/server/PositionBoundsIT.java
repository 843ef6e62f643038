package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.core.DeploymentId;
import io.coderunner.core.LogEntry;
import io.coderunner.server.SseClient.Event;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code after}, {@code tail} and {@code limit} at the edges of their ranges (0, 1, -1, the head,
 * head ± 1, {@code Long.MAX_VALUE - 1}, {@code Long.MAX_VALUE}) on every path: REST history,
 * WebSocket and Server-Sent Events. Each answer is either a clear refusal naming the parameter or
 * exactly the lines above the position, never an internal error, and no position is ever negative.
 */
class PositionBoundsIT {
  static TestServer t;
  static long head;

  @BeforeAll
  static void start() {
    t = new TestServer(b -> b.sseHeartbeat(Duration.ofMillis(50)));
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  /** A fresh deployment with a few lines; {@link #head} is its last seq. */
  private static String deployment() {
    String id = t.create(ALICE, "bounds");
    t.ingest(ALICE, id, "one", "two", "three", "four");
    head = t.server.logStore().info(DeploymentId.of(id)).orElseThrow().lastSeq();
    return id;
  }

  private static List<Long> edges() {
    return List.of(0L, 1L, -1L, head - 1, head, head + 1, Long.MAX_VALUE - 1, Long.MAX_VALUE);
  }

  private static void append(String id, int n) {
    for (int i = 0; i < n; i++) {
      t.server.logStore().append(DeploymentId.of(id), LogEntry.stdout("later " + i));
    }
  }

  /**
   * Seqs {@code (after, last]}: what a reader after {@code after} is owed when the log ends at
   * last.
   */
  private static List<Long> owed(long after, long last) {
    return after >= last
        ? List.of()
        : LongStream.rangeClosed(Math.max(after, 0) + 1, last).boxed().toList();
  }

  @Test
  void historyAnswersEveryEdgeWithTheLinesAboveItOrANamedRefusal() {
    String id = deployment();
    for (long after : edges()) {
      for (long limit : edges()) {
        TestServer.Res r =
            t.get("/api/deployments/" + id + "/logs?after=" + after + "&limit=" + limit, ALICE);
        String what = "after=" + after + " limit=" + limit + ": " + r.body();
        boolean afterOk = after >= 0;
        boolean limitOk = limit >= 1 && limit <= 10_000;
        if (!afterOk || !limitOk) {
          assertThat(r.status()).as(what).isEqualTo(400);
          Set<String> fields = new LinkedHashSet<>();
          r.json().get("errors").forEach(e -> fields.add(e.get("field").asText()));
          Set<String> expected = new LinkedHashSet<>();
          if (!afterOk) {
            expected.add("after");
          }
          if (!limitOk) {
            expected.add("limit");
          }
          assertThat(fields).as(what).isEqualTo(expected);
          continue;
        }
        assertThat(r.status()).as(what).isEqualTo(200);
        JsonNode page = r.json();
        List<Long> seqs = new ArrayList<>();
        page.get("lines").forEach(l -> seqs.add(l.get("seq").asLong()));
        List<Long> owed = owed(after, head);
        assertThat(seqs).as(what).isEqualTo(owed.subList(0, (int) Math.min(limit, owed.size())));
        assertThat(page.get("lost").asLong()).as(what).isZero();
        assertThat(page.get("firstAvailable").asLong()).as(what).isEqualTo(1);
        long next =
            seqs.isEmpty()
                ? Math.max(head + 1, after == Long.MAX_VALUE ? after : after + 1)
                : seqs.get(seqs.size() - 1) + 1;
        assertThat(page.get("next").asLong()).as(what).isEqualTo(next);
      }
    }
  }

  @Test
  void aWebSocketSubscriptionAtEveryEdgeGetsTheLinesAboveItAndWaitsBeyondTheHead()
      throws Exception {
    String barrier = t.create(ALICE, "barrier");
    WsFrames frames = new WsFrames();
    WebSocket ws = WsFrames.open(t, ALICE, frames);
    WsFrames.send(ws, "{\"type\":\"subscribe\",\"deploymentId\":\"" + barrier + "\"}");
    frames.await("\"subscribed\"");
    for (String field : List.of("after", "tail")) {
      for (long value : edges()) {
        String id = deployment();
        long before = head;
        String what = field + "=" + value;
        boolean valid = value >= 0 && (field.equals("after") || value <= 10_000);
        if (!valid) {
          // A refused frame counts as malformed, so each one goes on a connection of its own.
          WsFrames other = new WsFrames();
          WebSocket refused = WsFrames.open(t, ALICE, other);
          WsFrames.send(refused, subscribe(id, field, value));
          other.await("\"error\"");
          JsonNode error =
              TestServer.JSON.readTree(
                  other.received.stream().filter(f -> f.contains("\"error\"")).findFirst().get());
          assertThat(error.get("code").asText()).as(what).isEqualTo("bad_frame");
          assertThat(other.received).as(what).noneMatch(f -> f.contains("\"subscribed\""));
          refused.abort();
          continue;
        }
        frames.received.clear();
        WsFrames.send(ws, subscribe(id, field, value));
        await()
            .atMost(10, TimeUnit.SECONDS)
            .until(() -> frames.received.stream().anyMatch(f -> answers(f, id)));
        JsonNode answer =
            TestServer.JSON.readTree(
                frames.received.stream().filter(f -> answers(f, id)).findFirst().orElseThrow());
        assertThat(answer.get("type").asText()).as(what + ": " + answer).isEqualTo("subscribed");
        assertThat(answer.get("next").asLong()).as(what).isPositive();
        assertThat(answer.get("firstAvailable").asLong()).as(what).isEqualTo(1);
        append(id, 2);
        // Lines of the barrier deployment come after those of this one in the follower's turn; a
        // ping after them closes the turn, so whatever this subscription was owed has arrived.
        append(barrier, 1);
        await()
            .atMost(10, TimeUnit.SECONDS)
            .until(() -> seqsOf(frames.received, barrier).size() == 1);
        WsFrames.send(ws, "{\"type\":\"ping\",\"id\":\"" + what + "\"}");
        frames.await("\"pong\"");
        long afterValue = field.equals("after") ? value : Math.max(0, before - value);
        assertThat(seqsOf(frames.received, id)).as(what).isEqualTo(owed(afterValue, before + 2));
        assertThat(frames.received).as(what).noneMatch(f -> f.contains("\"error\""));
        WsFrames.send(ws, "{\"type\":\"unsubscribe\",\"deploymentId\":\"" + id + "\"}");
      }
    }
    assertThat(frames.closeCode).isNotDone();
    ws.abort();
  }

  private static String subscribe(String id, String field, long value) {
    return "{\"type\":\"subscribe\",\"deploymentId\":\""
        + id
        + "\",\""
        + field
        + "\":"
        + value
        + "}";
  }

  private static boolean answers(String frame, String id) {
    return (frame.contains("\"subscribed\"") && frame.contains(id))
        || frame.contains("\"type\":\"error\"");
  }

  private static List<Long> seqsOf(List<String> frames, String id) throws Exception {
    List<Long> seqs = new ArrayList<>();
    for (String f : frames) {
      JsonNode n = TestServer.JSON.readTree(f);
      if (n.get("type").asText().equals("logs") && n.get("deploymentId").asText().equals(id)) {
        n.get("lines").forEach(l -> seqs.add(l.get("seq").asLong()));
      }
    }
    return seqs;
  }

  @Test
  void anEventStreamAtEveryEdgeGetsTheLinesAboveItAndWaitsBeyondTheHead() throws Exception {
    for (String field : List.of("after", "tail")) {
      for (long value : edges()) {
        String id = deployment();
        long before = head;
        String what = field + "=" + value;
        try (SseClient sse =
            new SseClient(
                t.http,
                t.uri("/api/deployments/" + id + "/logs/stream?" + field + "=" + value),
                t.token(ALICE))) {
          boolean valid = value >= 0 && (field.equals("after") || value <= 10_000);
          if (!valid) {
            assertThat(sse.response.statusCode()).as(what).isEqualTo(400);
            assertThat(sse.body()).as(what).contains("\"field\":\"" + field + "\"");
            continue;
          }
          assertThat(sse.response.statusCode()).as(what).isEqualTo(200);
          JsonNode subscribed = TestServer.JSON.readTree(sse.next("subscribed").data());
          assertThat(subscribed.get("next").asLong()).as(what).isPositive();
          append(id, 2);
          long afterValue = field.equals("after") ? value : Math.max(0, before - value);
          List<Long> owed = owed(afterValue, before + 2);
          List<Long> seqs = new ArrayList<>();
          for (int i = 0; i < owed.size(); i++) {
            Event e = sse.next("line");
            assertThat(e.id()).as(what).doesNotContain("-");
            seqs.add(TestServer.JSON.readTree(e.data()).get("seq").asLong());
          }
          assertThat(seqs).as(what).isEqualTo(owed);
          // Two heartbeats after the appends: a line owed would have been written before them.
          int comments = commentCount(sse);
          await().atMost(10, TimeUnit.SECONDS).until(() -> commentCount(sse) >= comments + 2);
          assertThat(linesQueued(sse.events)).as(what).isEmpty();
        }
      }
    }
  }

  private static int commentCount(SseClient sse) {
    synchronized (sse.comments) {
      return sse.comments.size();
    }
  }

  private static List<Event> linesQueued(BlockingQueue<Event> events) {
    return events.stream().filter(e -> e.event().equals("line")).toList();
  }
}
