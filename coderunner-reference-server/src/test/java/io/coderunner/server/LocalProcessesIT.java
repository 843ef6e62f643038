package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static io.coderunner.server.TestServer.HASH;
import static io.coderunner.server.TestServer.JSON;
import static io.coderunner.server.TestServer.SECRET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The server with its real local process runner: deployments run real commands. */
class LocalProcessesIT {
  private final HttpClient http = HttpClient.newHttpClient();

  private JsonNode call(CodeRunnerServer server, String method, String path, String body, int want)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(server.uri().resolve(path))
            .header("Authorization", "Bearer " + server.jwt().issue(ALICE).token())
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(want);
    return r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
  }

  private static CodeRunnerServer start(Set<String> allowed) {
    ServerConfig config =
        ServerConfig.builder()
            .port(0)
            .jwtSecret(SECRET)
            .users(List.of(new UserAccount("alice", ALICE.id(), ALICE.roles(), HASH)))
            .allowedCommands(allowed)
            .stopGrace(Duration.ofSeconds(2))
            .build();
    return CodeRunnerServer.builder(config).start();
  }

  @Test
  void aStartedDeploymentRunsItsCommandAndItsOutputAndStatusesLandInTheLog() throws Exception {
    try (CodeRunnerServer server = start(Set.of("sh"))) {
      String body =
          "{\"name\":\"job\",\"command\":[\"sh\",\"-c\",\"echo hello; echo 'ERROR boom' >&2\"]}";
      String id = call(server, "POST", "/api/deployments", body, 201).get("id").asText();
      call(server, "POST", "/api/deployments/" + id + "/start", null, 202);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  "stopped"
                      .equals(
                          call(server, "GET", "/api/deployments/" + id, null, 200)
                              .get("status")
                              .asText()));

      JsonNode lines =
          call(server, "GET", "/api/deployments/" + id + "/logs", null, 200).get("lines");
      List<String> messages = new ArrayList<>();
      lines.forEach(l -> messages.add(l.get("stream").asText() + ":" + l.get("message").asText()));
      assertThat(messages).contains("stdout:hello", "stderr:ERROR boom");
      assertThat(messages.get(messages.size() - 1)).startsWith("system:stopped");
      lines.forEach(
          l -> {
            if (l.get("message").asText().equals("ERROR boom")) {
              assertThat(l.get("level").asText()).isEqualTo("error");
            }
          });
    }
  }

  @Test
  void aCommandOffTheAllowlistFailsWithAReasonInTheLog() throws Exception {
    try (CodeRunnerServer server = start(Set.of("sh"))) {
      String body = "{\"name\":\"nope\",\"command\":[\"rm\",\"-rf\",\"/tmp/nothing\"]}";
      String id = call(server, "POST", "/api/deployments", body, 201).get("id").asText();
      call(server, "POST", "/api/deployments/" + id + "/start", null, 202);

      assertThat(call(server, "GET", "/api/deployments/" + id, null, 200).get("status").asText())
          .isEqualTo("failed");
      JsonNode lines =
          call(server, "GET", "/api/deployments/" + id + "/logs", null, 200).get("lines");
      List<String> messages = new ArrayList<>();
      lines.forEach(l -> messages.add(l.get("message").asText()));
      assertThat(messages).anyMatch(m -> m.contains("rm"));
    }
  }

  @Test
  void stoppingALongRunningDeploymentEndsItsProcess() throws Exception {
    try (CodeRunnerServer server = start(Set.of("sh"))) {
      String body =
          "{\"name\":\"loop\",\"command\":[\"sh\",\"-c\",\"while :; do echo tick; sleep 0.2; done\"]}";
      String id = call(server, "POST", "/api/deployments", body, 201).get("id").asText();
      call(server, "POST", "/api/deployments/" + id + "/start", null, 202);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  call(server, "GET", "/api/deployments/" + id + "/logs?q=tick", null, 200)
                          .get("lines")
                          .size()
                      > 0);
      call(server, "POST", "/api/deployments/" + id + "/stop", null, 202);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  "stopped"
                      .equals(
                          call(server, "GET", "/api/deployments/" + id, null, 200)
                              .get("status")
                              .asText()));
      call(server, "POST", "/api/deployments/" + id + "/stop", null, 409);
    }
  }
}
