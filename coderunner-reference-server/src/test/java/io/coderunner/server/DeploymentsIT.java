package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static io.coderunner.server.TestServer.BOB;
import static io.coderunner.server.TestServer.CAROL;
import static io.coderunner.server.TestServer.ROOT;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.server.TestServer.Res;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeploymentsIT {
  TestServer t;

  @BeforeEach
  void start() {
    t = new TestServer();
  }

  @AfterEach
  void stop() {
    t.close();
  }

  @Test
  void createAnswers201WithLocationAndTheDeployment() {
    Res r =
        t.post(
            "/api/deployments",
            ALICE,
            "{\"name\":\"web\",\"command\":[\"node\",\"server.js\"],\"env\":{\"PORT\":\"3000\"},"
                + "\"workingDir\":\"/srv/web\"}");
    assertThat(r.status()).isEqualTo(201);
    JsonNode d = r.json();
    assertThat(r.header("Location")).isEqualTo("/api/deployments/" + d.get("id").asText());
    assertThat(d.get("name").asText()).isEqualTo("web");
    assertThat(d.get("ownerId").asText()).isEqualTo("u-alice");
    assertThat(d.get("status").asText()).isEqualTo("created");
    assertThat(d.get("env").get("PORT").asText()).isEqualTo("3000");
    assertThat(d.get("createdAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*\\.\\d{6}Z");

    Res get = t.get(r.header("Location"), ALICE);
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.json().get("workingDir").asText()).isEqualTo("/srv/web");
  }

  @Test
  void createNamesEveryBadField() {
    Res r =
        t.post(
            "/api/deployments",
            ALICE,
            "{\"name\":\"\",\"command\":[\"ok\", 3, \" \"],\"env\":{\"A=B\":\"x\",\"N\":1},"
                + "\"extra\":true}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("errors").findValuesAsText("field"))
        .containsExactlyInAnyOrder("name", "command[1]", "command[2]", "env.A=B", "env.N", "extra");
  }

  @Test
  void createWithoutCommandOrWithAnEmptyOneIsRefused() {
    assertThat(
            t.post("/api/deployments", ALICE, "{\"name\":\"a\"}")
                .json()
                .get("errors")
                .get(0)
                .get("field")
                .asText())
        .isEqualTo("command");
    assertThat(t.post("/api/deployments", ALICE, "{\"name\":\"a\",\"command\":[]}").status())
        .isEqualTo(400);
    assertThat(t.post("/api/deployments", ALICE, "{\"name\":\"a\",\"command\":\"ls\"}").status())
        .isEqualTo(400);
  }

  @Test
  void aPrincipalWithoutDeployerOrAdminCannotCreate() {
    Res r = t.post("/api/deployments", CAROL, "{\"name\":\"x\",\"command\":[\"ls\"]}");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.json().get("title").asText()).isEqualTo("Forbidden");
  }

  @Test
  void anotherOwnersDeploymentAnswers404ForEveryVerb() {
    String id = t.create(ALICE, "secret-app");
    assertThat(t.get("/api/deployments/" + id, BOB).status()).isEqualTo(404);
    assertThat(
            t.call("PUT", "/api/deployments/" + id, BOB, "{\"name\":\"x\",\"command\":[\"a\"]}")
                .status())
        .isEqualTo(404);
    assertThat(t.call("DELETE", "/api/deployments/" + id, BOB, null).status()).isEqualTo(404);
    assertThat(t.post("/api/deployments/" + id + "/start", BOB, null).status()).isEqualTo(404);
    assertThat(t.get("/api/deployments/" + id + "/logs", BOB).status()).isEqualTo(404);
    Res unknown = t.get("/api/deployments/no-such-id", BOB);
    assertThat(t.get("/api/deployments/" + id, BOB).json().get("detail").asText())
        .isEqualTo(unknown.json().get("detail").asText().replace("no-such-id", id));
    assertThat(t.get("/api/deployments/" + id, ROOT).status()).isEqualTo(200);
  }

  @Test
  void listShowsOwnDeploymentsAndAdminSeesAllInPages() {
    List<String> mine = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      mine.add(t.create(ALICE, "a" + i));
    }
    t.create(BOB, "b");
    List<String> seen = new ArrayList<>();
    String cursor = null;
    do {
      Res page =
          t.get("/api/deployments?limit=2" + (cursor == null ? "" : "&cursor=" + cursor), ALICE);
      assertThat(page.status()).isEqualTo(200);
      assertThat(page.json().get("items").size()).isLessThanOrEqualTo(2);
      page.json().get("items").forEach(d -> seen.add(d.get("id").asText()));
      JsonNode next = page.json().get("nextCursor");
      cursor = next.isNull() ? null : next.asText();
    } while (cursor != null);
    assertThat(seen).containsExactlyInAnyOrderElementsOf(mine);
    assertThat(t.get("/api/deployments", ROOT).json().get("items").size()).isEqualTo(6);
  }

  @Test
  void listRefusesBadLimitAndCursor() {
    Res r = t.get("/api/deployments?limit=0&cursor=bad%20cursor", ALICE);
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("errors").findValuesAsText("field"))
        .containsExactlyInAnyOrder("limit", "cursor");
    assertThat(t.get("/api/deployments?limit=abc", ALICE).status()).isEqualTo(400);
  }

  @Test
  void replaceChangesTheSpecAndValidatesIt() {
    String id = t.create(ALICE, "old");
    Res r =
        t.call(
            "PUT",
            "/api/deployments/" + id,
            ALICE,
            "{\"name\":\"new\",\"command\":[\"java\",\"-jar\",\"app.jar\"]}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.json().get("name").asText()).isEqualTo("new");
    assertThat(r.json().get("command").size()).isEqualTo(3);
    assertThat(t.call("PUT", "/api/deployments/" + id, ALICE, "{\"name\":1}").status())
        .isEqualTo(400);
  }

  @Test
  void lifecycleActionsAnswer202AndIllegalOnes409() {
    String id = t.create(ALICE, "svc");
    Res started = t.post("/api/deployments/" + id + "/start", ALICE, null);
    assertThat(started.status()).isEqualTo(202);
    assertThat(started.json().get("id").asText()).isEqualTo(id);
    assertThat(t.get("/api/deployments/" + id, ALICE).json().get("status").asText())
        .isEqualTo("running");

    Res again = t.post("/api/deployments/" + id + "/start", ALICE, null);
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.json().get("detail").asText()).contains("running");

    assertThat(
            t.call("PUT", "/api/deployments/" + id, ALICE, "{\"name\":\"x\",\"command\":[\"a\"]}")
                .status())
        .isEqualTo(409);
    assertThat(t.call("DELETE", "/api/deployments/" + id, ALICE, null).status()).isEqualTo(409);

    assertThat(t.post("/api/deployments/" + id + "/restart", ALICE, null).status()).isEqualTo(202);
    assertThat(t.post("/api/deployments/" + id + "/stop", ALICE, null).status()).isEqualTo(202);
    assertThat(t.get("/api/deployments/" + id, ALICE).json().get("status").asText())
        .isEqualTo("stopped");
    assertThat(t.post("/api/deployments/" + id + "/stop", ALICE, null).status()).isEqualTo(409);

    assertThat(t.call("DELETE", "/api/deployments/" + id, ALICE, null).status()).isEqualTo(204);
    assertThat(t.get("/api/deployments/" + id, ALICE).status()).isEqualTo(404);
  }

  @Test
  void aCommandThatCannotStartLeavesTheDeploymentFailed() {
    String id = t.create(ALICE, "bad", "fail");
    Res r = t.post("/api/deployments/" + id + "/start", ALICE, null);
    assertThat(r.status()).isEqualTo(202);
    assertThat(r.json().get("status").asText()).isEqualTo("failed");
  }

  @Test
  void aViewerCannotRunEvenItsOwnDeployment() {
    assertThat(t.post("/api/deployments/whatever/start", CAROL, null).status()).isEqualTo(403);
    assertThat(t.call("DELETE", "/api/deployments/whatever", CAROL, null).status()).isEqualTo(403);
  }

  @Test
  void adminManagesAnyonesDeployment() {
    String id = t.create(ALICE, "svc");
    assertThat(t.post("/api/deployments/" + id + "/start", ROOT, null).status()).isEqualTo(202);
    assertThat(t.post("/api/deployments/" + id + "/stop", ROOT, null).status()).isEqualTo(202);
    assertThat(t.call("DELETE", "/api/deployments/" + id, ROOT, null).status()).isEqualTo(204);
  }

  @Test
  void limitsOnDeploymentsProcessesAndSpecSizesAnswer409And400AndSpareOthers() {
    try (TestServer limited =
        new TestServer(
            b ->
                b.deploymentLimits(
                    io.coderunner.core.deploy.DeploymentLimits.builder()
                        .maxDeploymentsPerOwner(2)
                        .maxRunningPerOwner(1)
                        .maxCommandArgs(4)
                        .maxEnvBytes(64)
                        .build()))) {
      String a1 = limited.create(ALICE, "a1");
      String a2 = limited.create(ALICE, "a2");
      Res third =
          limited.post("/api/deployments", ALICE, "{\"name\":\"a3\",\"command\":[\"app\"]}");
      assertThat(third.status()).isEqualTo(409);
      assertThat(third.header("Content-Type")).isEqualTo("application/problem+json");
      assertThat(third.json().get("detail").asText()).contains("at most 2 deployments");
      // another owner is not affected
      String b1 = limited.create(BOB, "b1");
      assertThat(limited.get("/api/deployments", ALICE).json().get("items")).hasSize(2);

      assertThat(limited.post("/api/deployments/" + a1 + "/start", ALICE, null).status())
          .isEqualTo(202);
      Res second = limited.post("/api/deployments/" + a2 + "/start", ALICE, null);
      assertThat(second.status()).isEqualTo(409);
      assertThat(second.json().get("detail").asText()).contains("at most 1 deployments at once");
      assertThat(limited.get("/api/deployments/" + a2, ALICE).json().get("status").asText())
          .isEqualTo("created");
      assertThat(limited.post("/api/deployments/" + b1 + "/start", BOB, null).status())
          .isEqualTo(202);

      Res args =
          limited.call(
              "PUT",
              "/api/deployments/" + a2,
              ALICE,
              "{\"name\":\"a2\",\"command\":[\"app\",\"1\",\"2\",\"3\",\"4\"],"
                  + "\"env\":{\"K\":\""
                  + "v".repeat(100)
                  + "\"}}");
      assertThat(args.status()).isEqualTo(400);
      assertThat(args.json().get("errors").findValuesAsText("field"))
          .containsExactlyInAnyOrder("command", "env");
      assertThat(limited.get("/api/deployments/" + a2, ALICE).json().get("command")).hasSize(1);
    }
  }
}
