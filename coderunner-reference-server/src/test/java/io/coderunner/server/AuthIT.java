package io.coderunner.server;

import static io.coderunner.server.TestServer.ALICE;
import static io.coderunner.server.TestServer.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.core.Principal;
import io.coderunner.server.TestServer.Res;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuthIT {
  static TestServer t;

  @BeforeAll
  static void start() {
    t = new TestServer();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  private static Res login(String username, String password) {
    return t.post(
        "/api/auth/login",
        null,
        "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}");
  }

  @Test
  void loginReturnsATokenThatOpensTheProfile() {
    Res r = login("alice", PASSWORD);
    assertThat(r.status()).isEqualTo(200);
    JsonNode body = r.json();
    assertThat(body.get("user").get("id").asText()).isEqualTo("u-alice");
    assertThat(body.get("user").get("username").asText()).isEqualTo("alice");
    assertThat(body.get("user").get("roles").get(0).asText()).isEqualTo("deployer");
    assertThat(Instant.parse(body.get("expiresAt").asText())).isAfter(Instant.now());
    assertThat(body.get("expiresAt").asText()).endsWith("Z");

    Res profile = t.send("GET", "/api/auth/profile", body.get("token").asText(), null);
    assertThat(profile.status()).isEqualTo(200);
    assertThat(profile.json().get("username").asText()).isEqualTo("alice");
  }

  @Test
  void usernamesAreMatchedWithoutRegardToCase() {
    assertThat(login("ALICE", PASSWORD).status()).isEqualTo(200);
  }

  @Test
  void unknownUserAndWrongPasswordGetTheSameAnswer() {
    Res unknown = login("nobody", "whatever");
    Res wrong = login("bob", "wrong password");
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(unknown.json().get("detail")).isEqualTo(wrong.json().get("detail"));
    assertThat(unknown.header("Content-Type")).isEqualTo("application/problem+json");
  }

  @Test
  void loginWithoutFieldsIsABadRequestNamingThem() {
    Res r = t.post("/api/auth/login", null, "{\"username\":42}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.json().get("errors").findValuesAsText("field"))
        .containsExactlyInAnyOrder("username", "password");
  }

  @Test
  void profileWithoutATokenAsksForBearer() {
    Res r = t.get("/api/auth/profile", null);
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(r.json().get("status").asInt()).isEqualTo(401);
  }

  @Test
  void profileWithABadTokenOrSchemeIs401() {
    assertThat(t.send("GET", "/api/auth/profile", "not.a.token", null).status()).isEqualTo(401);
    Res basic =
        t.send("GET", "/api/auth/profile", null, null, "Authorization", "Basic YWxpY2U6eA==");
    assertThat(basic.status()).isEqualTo(401);
    assertThat(basic.header("WWW-Authenticate")).startsWith("Bearer");
  }

  @Test
  void tokenOfAnotherSecretIsRefused() {
    io.coderunner.core.auth.JwtService other =
        io.coderunner.core.auth.JwtService.create(
            io.coderunner.core.auth.JwtConfig.builder()
                .signingSecret(
                    "a-completely-different-secret-0123456789"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .build(),
            java.time.Clock.systemUTC());
    String token = other.issue(ALICE).token();
    assertThat(t.send("GET", "/api/auth/profile", token, null).status()).isEqualTo(401);
  }

  @Test
  void bruteForceIsCutOffWith429AndRetryAfter() {
    try (TestServer own = new TestServer(b -> b.loginFailuresPerMinutePerUserAndAddress(3))) {
      String body = "{\"username\":\"alice\",\"password\":\"guess\"}";
      for (int i = 0; i < 3; i++) {
        assertThat(own.post("/api/auth/login", null, body).status()).isEqualTo(401);
      }
      Res blocked = own.post("/api/auth/login", null, body);
      assertThat(blocked.status()).isEqualTo(429);
      assertThat(Integer.parseInt(blocked.header("Retry-After"))).isPositive();
      // The right password does not help while blocked: the bucket is checked first.
      Res right =
          own.post(
              "/api/auth/login",
              null,
              "{\"username\":\"alice\",\"password\":\"" + PASSWORD + "\"}");
      assertThat(right.status()).isEqualTo(429);
    }
  }

  @Test
  void principalRolesComeFromTheToken() {
    Principal p = new Principal("x1", "xavier", Set.of("admin", "deployer"));
    Res r = t.get("/api/auth/profile", p);
    assertThat(r.json().get("roles").toString()).isEqualTo("[\"admin\",\"deployer\"]");
  }
}
