package io.coderunner.client;

import io.coderunner.core.Principal;
import io.coderunner.core.deploy.LocalRunnerConfig;
import io.coderunner.server.CodeRunnerServer;
import io.coderunner.server.ServerConfig;
import io.coderunner.server.UserAccount;
import io.coderunner.server.internal.Passwords;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The real reference server on a free port for the client's tests: four users, and a local process
 * runner that may run {@code sh}.
 */
final class Server implements AutoCloseable {
  static final byte[] SECRET =
      "client-tests-hs256-secret-0123456789-abcdef".getBytes(StandardCharsets.UTF_8);
  static final String PASSWORD = "correct horse battery staple";
  private static final String HASH = Passwords.hash(PASSWORD.toCharArray());

  static final Principal ALICE = new Principal("u-alice", "alice", Set.of("deployer"));
  static final Principal BOB = new Principal("u-bob", "bob", Set.of("deployer"));
  static final Principal CAROL = new Principal("u-carol", "carol", Set.of("viewer"));
  static final Principal ROOT = new Principal("u-root", "root", Set.of("admin"));

  final CodeRunnerServer server;

  Server() {
    this(b -> b);
  }

  Server(UnaryOperator<ServerConfig.Builder> tweak) {
    this(tweak, s -> s);
  }

  Server(
      UnaryOperator<ServerConfig.Builder> tweak, UnaryOperator<CodeRunnerServer.Builder> server) {
    ServerConfig config =
        tweak
            .apply(
                ServerConfig.builder()
                    .port(0)
                    .jwtSecret(SECRET)
                    .users(List.of(user(ALICE), user(BOB), user(CAROL), user(ROOT)))
                    .runner(
                        LocalRunnerConfig.builder()
                            .allowedCommands(Set.of("sh"))
                            .stopGrace(Duration.ofSeconds(2))
                            .build()))
            .build();
    this.server = server.apply(CodeRunnerServer.builder(config)).start();
  }

  private static UserAccount user(Principal p) {
    return new UserAccount(p.username(), p.id(), p.roles(), HASH);
  }

  URI uri() {
    return server.uri();
  }

  String token(Principal p) {
    return server.jwt().issue(p).token();
  }

  /** A client of this server with a fixed token of {@code p}. */
  CodeRunnerClient client(Principal p) {
    return CodeRunnerClient.builder().baseUri(uri()).token(token(p)).build();
  }

  @Override
  public void close() {
    server.close();
  }
}
