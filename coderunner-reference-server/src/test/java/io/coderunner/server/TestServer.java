package io.coderunner.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.coderunner.core.Principal;
import io.coderunner.server.internal.Passwords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A {@link CodeRunnerServer} on 127.0.0.1, port 0, with four users and a {@link FakeRunner}, plus a
 * JDK {@link HttpClient} to call it. Tokens come from the server's own JWT service ({@link
 * #token}), so tests do not pay for a password hash per call; {@code AuthIT} logs in for real.
 */
final class TestServer implements AutoCloseable {
  static final byte[] SECRET = "server-tests-hs256-secret-0123456789-abcdef".getBytes(UTF_8);
  static final String PASSWORD = "correct horse battery staple";
  static final String HASH = Passwords.hash(PASSWORD.toCharArray());

  static final Principal ALICE = new Principal("u-alice", "alice", Set.of("deployer"));
  static final Principal BOB = new Principal("u-bob", "bob", Set.of("deployer"));
  static final Principal CAROL = new Principal("u-carol", "carol", Set.of("viewer"));
  static final Principal ROOT = new Principal("u-root", "root", Set.of("admin"));

  static final ObjectMapper JSON = new ObjectMapper();

  final FakeRunner runner = new FakeRunner();
  final CodeRunnerServer server;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  TestServer() {
    this(b -> b);
  }

  TestServer(UnaryOperator<ServerConfig.Builder> tweak) {
    this(tweak, true);
  }

  /** A server whose deployments run real commands through its local process runner. */
  static TestServer withLocalProcesses(UnaryOperator<ServerConfig.Builder> tweak) {
    return new TestServer(tweak, false);
  }

  /** A server whose {@link CodeRunnerServer.Builder} is adjusted by {@code server}. */
  static TestServer withServer(UnaryOperator<CodeRunnerServer.Builder> server) {
    return new TestServer(b -> b, true, server);
  }

  /** A server with both its config and its {@link CodeRunnerServer.Builder} adjusted. */
  static TestServer withServer(
      UnaryOperator<ServerConfig.Builder> tweak, UnaryOperator<CodeRunnerServer.Builder> server) {
    return new TestServer(tweak, true, server);
  }

  private TestServer(UnaryOperator<ServerConfig.Builder> tweak, boolean fakeRunner) {
    this(tweak, fakeRunner, b -> b);
  }

  private TestServer(
      UnaryOperator<ServerConfig.Builder> tweak,
      boolean fakeRunner,
      UnaryOperator<CodeRunnerServer.Builder> server) {
    ServerConfig config =
        tweak
            .apply(
                ServerConfig.builder()
                    .port(0)
                    .jwtSecret(SECRET)
                    .users(List.of(user(ALICE), user(BOB), user(CAROL), user(ROOT)))
                    .corsOrigins(Set.of("https://app.example.com")))
            .build();
    CodeRunnerServer.Builder builder = server.apply(CodeRunnerServer.builder(config));
    this.server = (fakeRunner ? builder.runner(runner) : builder).start();
  }

  /** A hash made outside {@link Passwords}, with the JDK's PBKDF2 and {@code iterations}. */
  static String hashWith(String password, int iterations) throws Exception {
    byte[] salt = new byte[16];
    new java.security.SecureRandom().nextBytes(salt);
    var spec = new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt, iterations, 256);
    byte[] hash =
        javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
            .generateSecret(spec)
            .getEncoded();
    var b64 = java.util.Base64.getEncoder().withoutPadding();
    return "pbkdf2-sha256$"
        + iterations
        + "$"
        + b64.encodeToString(salt)
        + "$"
        + b64.encodeToString(hash);
  }

  static UserAccount user(Principal p) {
    return new UserAccount(p.username(), p.id(), p.roles(), HASH);
  }

  String token(Principal p) {
    return server.jwt().issue(p).token();
  }

  URI uri(String path) {
    return server.uri().resolve(path);
  }

  /** A response with its body as text. */
  record Res(int status, HttpHeaders headers, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + body, e);
      }
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  Res call(String method, String path, Principal as, String body, String... headers) {
    return send(method, path, as == null ? null : token(as), body, headers);
  }

  Res get(String path, Principal as) {
    return call("GET", path, as, null);
  }

  Res post(String path, Principal as, String body) {
    return call("POST", path, as, body);
  }

  Res send(String method, String path, String token, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(10))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Res(r.statusCode(), r.headers(), r.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Creates a deployment of {@code owner} and returns its id. */
  String create(Principal owner, String name, String... command) {
    String cmd;
    try {
      cmd = JSON.writeValueAsString(command.length == 0 ? new String[] {"app"} : command);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Res r = post("/api/deployments", owner, "{\"name\":\"" + name + "\",\"command\":" + cmd + "}");
    if (r.status() != 201) {
      throw new IllegalStateException("create failed: " + r.status() + " " + r.body());
    }
    return r.json().get("id").asText();
  }

  /** Ingests {@code messages} into deployment {@code id} as {@code as}, one line each. */
  void ingest(Principal as, String id, String... messages) {
    StringBuilder body = new StringBuilder("{\"lines\":[");
    for (int i = 0; i < messages.length; i++) {
      body.append(i == 0 ? "" : ",").append("{\"message\":\"").append(messages[i]).append("\"}");
    }
    Res r = post("/api/deployments/" + id + "/logs", as, body.append("]}").toString());
    if (r.status() != 202) {
      throw new IllegalStateException("ingest failed: " + r.status() + " " + r.body());
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
