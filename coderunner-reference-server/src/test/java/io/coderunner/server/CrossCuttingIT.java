package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static io.coderunner.server.TestServer.BOB;
import static io.coderunner.server.TestServer.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.server.TestServer.Res;
import io.coderunner.server.internal.OpenApi;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CrossCuttingIT {
  static TestServer t;

  @BeforeAll
  static void start() {
    t = new TestServer();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void everyErrorIsAProblemDocument() {
    Res r = t.get("/api/deployments/nope", ALICE);
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.header("Content-Type")).isEqualTo("application/problem+json");
    JsonNode p = r.json();
    assertThat(p.get("type").asText()).isEqualTo("about:blank");
    assertThat(p.get("title").asText()).isEqualTo("Not Found");
    assertThat(p.get("status").asInt()).isEqualTo(404);
    assertThat(p.get("detail").asText()).contains("nope");
    assertThat(p.get("errors").isArray()).isTrue();
    assertThat(p.get("requestId").asText()).isEqualTo(r.header("X-Request-Id"));
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"name\":\"x\",               | body",
        "[1,2]                          | body",
        "\"just a string\"              | body",
        "{\"name\":\"x\"} trailing      | body",
        "{\"name\":\"x\",\"name\":\"y\",\"command\":[\"a\"]} | body",
        "{\"name\":true,\"command\":[\"a\"]} | name",
        "{\"name\":\"x\",\"command\":{\"a\":1}} | command",
        "{\"name\":\"x\",\"command\":[\"a\"],\"env\":[]} | env",
        "{\"name\":\"x\",\"command\":[\"a\"],\"workingDir\":5} | workingDir",
      })
  void malformedJsonAndWrongTypesAre400NamingTheField(String body, String field) {
    Res r = t.post("/api/deployments", ALICE, body.trim());
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("errors").findValuesAsText("field")).contains(field.trim());
  }

  @Test
  void anEmptyBodyIsABadRequest() {
    Res r = t.post("/api/auth/login", null, "");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("body");
  }

  @Test
  void securityHeadersAreOnEveryResponse() {
    Res api = t.get("/api/deployments", ALICE);
    assertThat(api.header("X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(api.header("Referrer-Policy")).isEqualTo("no-referrer");
    assertThat(api.header("X-Frame-Options")).isEqualTo("DENY");
    assertThat(api.header("Cache-Control")).isEqualTo("no-store");
    Res root = t.get("/", null);
    assertThat(root.status()).isEqualTo(200);
    assertThat(root.header("Content-Type")).startsWith("text/html");
    assertThat(root.header("Content-Security-Policy"))
        .contains("default-src 'self'")
        .contains("style-src 'self';")
        .doesNotContain("unsafe-inline");
    assertThat(api.header("Content-Security-Policy"))
        .isEqualTo("default-src 'none'; frame-ancestors 'none'");
    assertThat(t.get("/nowhere", null).header("X-Frame-Options")).isEqualTo("DENY");
  }

  @Test
  void requestIdIsEchoedOrGenerated() {
    Res given = t.call("GET", "/health", null, null, "X-Request-Id", "abc-123");
    assertThat(given.header("X-Request-Id")).isEqualTo("abc-123");
    Res generated = t.get("/health", null);
    assertThat(generated.header("X-Request-Id")).hasSize(36);
    Res unsafe = t.call("GET", "/health", null, null, "X-Request-Id", "a b<script>");
    assertThat(unsafe.header("X-Request-Id")).isNotEqualTo("a b<script>");
  }

  @Test
  void corsPreflightFromAnAllowedOriginIsAnswered() {
    Res r =
        t.call(
            "OPTIONS",
            "/api/deployments",
            null,
            null,
            "Origin",
            "https://app.example.com",
            "Access-Control-Request-Method",
            "POST",
            "Access-Control-Request-Headers",
            "authorization,content-type");
    assertThat(r.status()).isEqualTo(204);
    assertThat(r.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
    assertThat(r.header("Access-Control-Allow-Methods")).contains("POST");
    assertThat(r.header("Access-Control-Allow-Headers")).contains("Authorization");

    Res simple = t.call("GET", "/health", null, null, "Origin", "https://app.example.com");
    assertThat(simple.header("Access-Control-Allow-Origin")).isEqualTo("https://app.example.com");
  }

  @Test
  void corsPreflightFromAnyOtherOriginIsRefused() {
    Res r =
        t.call(
            "OPTIONS",
            "/api/deployments",
            null,
            null,
            "Origin",
            "https://evil.example.com",
            "Access-Control-Request-Method",
            "POST");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.header("Access-Control-Allow-Origin")).isNull();
    Res simple = t.call("GET", "/health", null, null, "Origin", "https://evil.example.com");
    assertThat(simple.header("Access-Control-Allow-Origin")).isNull();
  }

  @Test
  void theServersOwnOriginIsAllowed() {
    String own = "http://127.0.0.1:" + t.server.port();
    Res r =
        t.call(
            "OPTIONS",
            "/api/deployments",
            null,
            null,
            "Origin",
            own,
            "Access-Control-Request-Method",
            "GET");
    assertThat(r.status()).isEqualTo(204);
  }

  @Test
  void healthMetricsAndUnknownRoutes() {
    Res health = t.get("/health", null);
    assertThat(health.status()).isEqualTo(200);
    assertThat(health.json().get("status").asText()).isEqualTo("UP");
    assertThat(t.get("/health/live", null).status()).isEqualTo(200);
    assertThat(t.get("/health/ready", null).json().get("status").asText()).isEqualTo("UP");
    Res metrics = t.get("/metrics", null);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.header("Content-Type")).startsWith("text/plain; version=0.0.4");
    assertThat(t.get("/nowhere", null).status()).isEqualTo(404);
    Res wrongMethod = t.call("PATCH", "/api/deployments", ALICE, "{}");
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(wrongMethod.header("Allow")).isEqualTo("GET, HEAD, POST");
  }

  @Test
  void everyGetAnswersHeadWithItsHeadersAndNoBodyButStreamsDoNot() {
    String id = t.create(ALICE, "headed");
    for (String path :
        List.of("/", "/health", "/metrics", "/openapi.json", "/api/deployments/" + id)) {
      Res get = t.get(path, ALICE);
      Res head = t.call("HEAD", path, ALICE, null);
      assertThat(head.status()).as(path).isEqualTo(get.status()).isEqualTo(200);
      assertThat(head.body()).as(path).isEmpty();
      assertThat(head.header("Content-Type")).as(path).isEqualTo(get.header("Content-Type"));
    }
    Res page = t.get("/", null);
    assertThat(t.call("HEAD", "/", null, null).header("Content-Length"))
        .isEqualTo(String.valueOf(page.body().getBytes(StandardCharsets.UTF_8).length));
    assertThat(t.call("HEAD", "/api/deployments/" + id, BOB, null).status())
        .as("HEAD is authorised as GET is")
        .isEqualTo(404);
    assertThat(t.call("HEAD", "/api/deployments", null, null).status()).isEqualTo(401);

    Res stream = t.call("HEAD", "/api/deployments/" + id + "/logs/stream", ALICE, null);
    assertThat(stream.status()).isEqualTo(405);
    assertThat(stream.header("Allow")).isEqualTo("GET");
    assertThat(t.call("HEAD", "/ws", null, null).header("Allow")).isEqualTo("GET");
    assertThat(t.get("/api/deployments/" + id, ALICE).status()).isEqualTo(200);
  }

  @Test
  void openApiListsExactlyTheRegisteredRoutes() {
    Res r = t.get("/openapi.json", null);
    assertThat(r.status()).isEqualTo(200);
    JsonNode doc = r.json();
    assertThat(doc.get("openapi").asText()).startsWith("3.1");
    List<String> documented = new ArrayList<>();
    for (Iterator<String> paths = doc.get("paths").fieldNames(); paths.hasNext(); ) {
      String path = paths.next();
      doc.get("paths")
          .get(path)
          .fieldNames()
          .forEachRemaining(m -> documented.add(m.toUpperCase(java.util.Locale.ROOT) + " " + path));
    }
    assertThat(documented).containsExactlyInAnyOrderElementsOf(t.server.routes());
    assertThat(OpenApi.operationKeys()).containsExactlyInAnyOrderElementsOf(t.server.routes());
  }

  @Test
  void webSocketAdminIsForAdminsOnly() {
    assertThat(t.get("/api/ws/stats", ALICE).status()).isEqualTo(403);
    assertThat(t.get("/api/ws/connections", ALICE).status()).isEqualTo(403);
    assertThat(t.call("DELETE", "/api/ws/connections/x", ALICE, null).status()).isEqualTo(403);
    assertThat(t.get("/api/ws/stats", null).status()).isEqualTo(401);
    Res stats = t.get("/api/ws/stats", ROOT);
    assertThat(stats.status()).isEqualTo(200);
    List<String> fields = new ArrayList<>();
    stats.json().fieldNames().forEachRemaining(fields::add);
    assertThat(fields)
        .as("the shape /api/ws/stats has always had")
        .containsExactly(
            "connections",
            "authenticated",
            "subscriptions",
            "connectionsAccepted",
            "framesSent",
            "bytesSent",
            "linesSent",
            "logsFramesEncoded",
            "logsFramesShared",
            "closesByCode",
            "authFailuresByReason");
    assertThat(t.call("DELETE", "/api/ws/connections/unknown", ROOT, null).status()).isEqualTo(404);
  }

  @Test
  void aWebSocketWatchFollowsTheOwnersDeploymentsAsTheApiChangesThem() throws Exception {
    WsFrames frames = new WsFrames();
    WebSocket ws = WsFrames.open(t, ALICE, frames);
    frames.await("\"welcome\"");
    WsFrames.send(ws, "{\"type\":\"watch\",\"deployments\":true}");
    frames.await("\"type\":\"watching\",\"deployments\":true");

    String id = t.create(ALICE, "watched");
    String bobs = t.create(BOB, "not-alices");
    frames.await("\"event\":\"created\",\"deployment\":{\"id\":\"" + id + "\"");
    assertThat(t.post("/api/deployments/" + id + "/start", ALICE, null).status()).isEqualTo(202);
    Awaitility.await()
        .atMost(10, TimeUnit.SECONDS)
        .untilAsserted(
            () ->
                assertThat(frames.received)
                    .anyMatch(f -> f.contains(id) && f.contains("\"status\":\"running\"")));
    assertThat(t.post("/api/deployments/" + id + "/stop", ALICE, null).status()).isEqualTo(202);
    Awaitility.await()
        .atMost(10, TimeUnit.SECONDS)
        .untilAsserted(
            () ->
                assertThat(frames.received)
                    .anyMatch(f -> f.contains(id) && f.contains("\"status\":\"stopped\"")));
    assertThat(t.call("DELETE", "/api/deployments/" + id, ALICE, null).status()).isEqualTo(204);
    frames.await("\"event\":\"deleted\",\"deployment\":{\"id\":\"" + id + "\"");

    assertThat(frames.received).noneMatch(f -> f.contains(bobs));
    ws.abort();
  }

  @Test
  void webSocketAtSlashWsIsListedAndCanBeDisconnectedByAnAdmin() throws Exception {
    WsFrames frames = new WsFrames();
    WebSocket ws = WsFrames.open(t, ALICE, frames);
    frames.await("\"welcome\"");
    JsonNode list = t.get("/api/ws/connections", ROOT).json().get("items");
    assertThat(list.size()).isEqualTo(1);
    assertThat(list.get(0).get("principal").get("username").asText()).isEqualTo("alice");
    String connectionId = list.get(0).get("id").asText();
    assertThat(t.call("DELETE", "/api/ws/connections/" + connectionId, ROOT, null).status())
        .isEqualTo(204);
    assertThat(frames.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
    ws.abort();
  }

  @Test
  void apiRequestsPastThePrincipalsRateAre429() {
    try (TestServer limited = new TestServer(b -> b.apiRequestsPerMinute(2))) {
      assertThat(limited.get("/api/auth/profile", ALICE).status()).isEqualTo(200);
      assertThat(limited.get("/api/auth/profile", ALICE).status()).isEqualTo(200);
      Res r = limited.get("/api/auth/profile", ALICE);
      assertThat(r.status()).isEqualTo(429);
      assertThat(r.header("Retry-After")).isNotNull();
      assertThat(limited.get("/api/auth/profile", ROOT).status()).isEqualTo(200);
    }
  }
}
