package io.coderunner.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.server.internal.ConfigLoader;
import io.coderunner.server.internal.ConfigLoader.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path file(String json) throws Exception {
    Path p = dir.resolve("coderunner.json");
    Files.writeString(p, json, UTF_8);
    return p;
  }

  private Path yaml(String yaml) throws Exception {
    Path p = dir.resolve("coderunner.yaml");
    Files.writeString(p, yaml, UTF_8);
    return p;
  }

  private static ServerConfig load(Map<String, String> env, String... args) throws Exception {
    return loaded(env, args).config();
  }

  private static ConfigLoader.Loaded loaded(Map<String, String> env, String... args)
      throws Exception {
    return ConfigLoader.load(ConfigLoader.parseFlags(args), env);
  }

  @Test
  void flagsWinOverEnvironmentWhichWinsOverTheFile() throws Exception {
    Path f =
        file(
            "{\"host\":\"10.0.0.1\",\"port\":7000,\"jwt\":{\"secret\":\"file-secret-0123456789-0123456789-ab\"},"
                + "\"runner\":{\"allowedCommands\":[\"node\"]},\"websocket\":{\"heartbeat\":\"PT5S\"}}");
    ServerConfig fileOnly = load(Map.of(), "--config", f.toString());
    assertThat(fileOnly.host()).isEqualTo("10.0.0.1");
    assertThat(fileOnly.port()).isEqualTo(7000);
    assertThat(new String(fileOnly.jwtSecret(), UTF_8)).startsWith("file-secret");
    assertThat(fileOnly.runner().allowedCommands()).containsExactly("node");
    assertThat(fileOnly.websocket().heartbeatInterval()).isEqualTo(Duration.ofSeconds(5));

    Map<String, String> env =
        Map.of(
            "CODERUNNER_HOST", "10.0.0.2",
            "CODERUNNER_PORT", "7001",
            "CODERUNNER_JWT_SECRET", "env-secret-0123456789-0123456789-abcd",
            "CODERUNNER_RUNNER_ALLOWED_COMMANDS", "java, python3,",
            "CODERUNNER_WEBSOCKET_HEARTBEAT", "PT7S",
            "CODERUNNER_CONFIG", f.toString());
    ServerConfig withEnv = load(env);
    assertThat(withEnv.host()).isEqualTo("10.0.0.2");
    assertThat(withEnv.port()).isEqualTo(7001);
    assertThat(new String(withEnv.jwtSecret(), UTF_8)).startsWith("env-secret");
    assertThat(withEnv.runner().allowedCommands()).containsExactlyInAnyOrder("java", "python3");
    assertThat(withEnv.websocket().heartbeatInterval()).isEqualTo(Duration.ofSeconds(7));

    ConfigLoader.Loaded withFlags =
        loaded(env, "--host=10.0.0.3", "--port", "0", "--websocket.heartbeat", "PT9S");
    assertThat(withFlags.config().host()).isEqualTo("10.0.0.3");
    assertThat(withFlags.config().port()).isZero();
    assertThat(withFlags.config().websocket().heartbeatInterval()).isEqualTo(Duration.ofSeconds(9));
    assertThat(withFlags.sources())
        .containsEntry("host", "flag --host")
        .containsEntry("jwt.secret", "environment CODERUNNER_JWT_SECRET")
        .containsEntry("runner.allowedCommands", "environment CODERUNNER_RUNNER_ALLOWED_COMMANDS")
        .containsEntry("websocket.heartbeat", "flag --websocket.heartbeat")
        .containsEntry("sse.heartbeat", "default");
  }

  @Test
  void theFileHoldsUsersCorsAndRetention() throws Exception {
    Path f =
        file(
            "{\"users\":[{\"username\":\"ann\",\"id\":\"u1\",\"roles\":[\"deployer\"],"
                + "\"passwordHash\":\""
                + TestServer.HASH
                + "\"}],\"corsOrigins\":[\"https://App.example.com\"],"
                + "\"retention\":{\"maxLines\":500,\"maxAge\":\"PT6H\"},\"jwt.tokenTtl\":\"PT30M\"}");
    ServerConfig c = load(Map.of(), "--config", f.toString());
    assertThat(c.users()).extracting(UserAccount::username).containsExactly("ann");
    assertThat(c.users().get(0).roles()).containsExactly("deployer");
    assertThat(c.corsOrigins()).containsExactly("https://app.example.com");
    assertThat(c.retention().maxLines()).isEqualTo(500);
    assertThat(c.retention().maxAge()).isEqualTo(Duration.ofHours(6));
    assertThat(c.tokenTtl()).isEqualTo(Duration.ofMinutes(30));
    assertThat(c.toString()).doesNotContain(TestServer.HASH);
  }

  @Test
  void theFileAndEnvironmentSetTheHardeningLimits() throws Exception {
    Path f =
        file(
            "{\"http\":{\"requestHeaderTimeout\":\"PT4S\",\"requestBodyTimeout\":\"PT5S\","
                + "\"idleTimeout\":\"PT30S\",\"maxConnectionsPerAddress\":64,"
                + "\"trustedProxies\":[\"10.0.0.0/8\",\"::1\"]},\"login\":{\"failuresPerMinutePerAddress\":20,"
                + "\"failuresPerMinutePerUser\":50,\"maxConcurrentPasswordChecks\":3},"
                + "\"deployments\":{\"maxPerOwner\":7,\"maxRunningPerOwner\":2,\"maxRunning\":9,"
                + "\"maxCommandArgs\":8,\"maxCommandBytes\":1000,\"maxEnvVariables\":4,"
                + "\"maxEnvBytes\":2000}}");
    ServerConfig c = load(Map.of(), "--config", f.toString());
    assertThat(c.requestHeaderTimeout()).isEqualTo(Duration.ofSeconds(4));
    assertThat(c.requestBodyTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxConnectionsPerAddress()).isEqualTo(64);
    assertThat(c.trustedProxies()).containsExactlyInAnyOrder("10.0.0.0/8", "0:0:0:0:0:0:0:1");
    assertThat(c.loginFailuresPerMinutePerAddress()).isEqualTo(20);
    assertThat(c.loginFailuresPerMinutePerUser()).isEqualTo(50);
    assertThat(c.maxConcurrentPasswordChecks()).isEqualTo(3);
    assertThat(c.deploymentLimits().maxDeploymentsPerOwner()).isEqualTo(7);
    assertThat(c.deploymentLimits().maxRunningPerOwner()).isEqualTo(2);
    assertThat(c.deploymentLimits().maxRunning()).isEqualTo(9);
    assertThat(c.deploymentLimits().maxCommandArgs()).isEqualTo(8);
    assertThat(c.deploymentLimits().maxCommandBytes()).isEqualTo(1000);
    assertThat(c.deploymentLimits().maxEnvVariables()).isEqualTo(4);
    assertThat(c.deploymentLimits().maxEnvBytes()).isEqualTo(2000);

    ServerConfig env =
        load(
            Map.of(
                "CODERUNNER_CONFIG",
                f.toString(),
                "CODERUNNER_HTTP_TRUSTED_PROXIES",
                "192.0.2.7, "));
    assertThat(env.trustedProxies()).containsExactly("192.0.2.7");
    assertThat(ServerConfig.builder().build().trustedProxies()).isEmpty();

    assertThatThrownBy(() -> load(Map.of("CODERUNNER_HTTP_TRUSTED_PROXIES", "proxy.example")))
        .hasMessageContaining("http.trustedProxies (environment CODERUNNER_HTTP_TRUSTED_PROXIES)")
        .hasMessageContaining("proxy.example");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(),
                    "--config",
                    file("{\"http\":{\"trustedProxies\":[\"10.0.0.0/33\"]}}").toString()))
        .hasMessageContaining("10.0.0.0/33");
    assertThatThrownBy(
            () ->
                load(Map.of(), "--config", file("{\"deployments\":{\"maxRuning\":1}}").toString()))
        .hasMessageContaining("unknown setting 'deployments.maxRuning'")
        .hasMessageContaining("did you mean 'deployments.maxRunning'?");
  }

  @Test
  void fileMistakesAreNamed() throws Exception {
    assertThatThrownBy(() -> load(Map.of(), "--config", file("{\"prot\":1}").toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown setting 'prot'")
        .hasMessageContaining("did you mean 'port'?");
    assertThatThrownBy(() -> load(Map.of(), "--config", file("{\"port\":\"x\"}").toString()))
        .hasMessageContaining("port (config file ")
        .hasMessageContaining("must be a whole number");
    assertThatThrownBy(() -> load(Map.of(), "--config", file("{\"port\":1,\"port\":2}").toString()))
        .hasMessageContaining("Duplicate field 'port'");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(),
                    "--config",
                    file("{\"users\":[{\"username\":\"a\",\"passwordHash\":\"plain\"}]}")
                        .toString()))
        .hasMessageContaining("hash-password");
    assertThatThrownBy(() -> load(Map.of(), "--config", file("{oops").toString()))
        .hasMessageContaining("cannot read config file");
    assertThatThrownBy(() -> load(Map.of(), "--config", dir.resolve("missing.json").toString()))
        .hasMessageContaining("cannot read config file");
    assertThatThrownBy(
            () -> load(Map.of(), "--config", file("{\"corsOrigins\":[\"ftp://x\"]}").toString()))
        .hasMessageContaining("corsOrigins");
  }

  @Test
  void badFlagsAndValuesAreRefused() {
    assertThatThrownBy(() -> load(Map.of(), "--port", "70000"))
        .hasMessage("port (flag --port) must be 0 to 65,535, was 70000");
    assertThatThrownBy(() -> load(Map.of(), "--port")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> load(Map.of(), "--verbose")).hasMessageContaining("unknown argument");
    assertThatThrownBy(() -> load(Map.of(), "--websocket.hearbeat", "PT1S"))
        .hasMessageContaining("did you mean --websocket.heartbeat?");
    assertThatThrownBy(() -> load(Map.of(), "--users", "x"))
        .hasMessage("users can only be set in the config file");
    assertThatThrownBy(() -> load(Map.of(), "--sse.heartbeat", "5s"))
        .hasMessage(
            "sse.heartbeat (flag --sse.heartbeat) must be an ISO-8601 duration such as PT30S,"
                + " was '5s'");
    assertThatThrownBy(() -> load(Map.of("CODERUNNER_RETENTION_MAX_LINES", "99999999999999")))
        .hasMessageContaining("must be 1 to 1,000,000,000");
    assertThatThrownBy(
            () -> load(Map.of("CODERUNNER_WEBSOCKET_MAX_CONNECTIONS_PER_PRINCIPAL", "4294967297")))
        .hasMessageContaining("was 4294967297");
    assertThatThrownBy(() -> load(Map.of("CODERUNNER_PORT", "http")))
        .hasMessageContaining("CODERUNNER_PORT");
    assertThatThrownBy(() -> load(Map.of("CODERUNNER_JWT_SECRET", "short")))
        .hasMessageContaining("at least 32 bytes");
  }

  @Test
  void redisIsRefusedFromFlagOrEnvironment() {
    assertThatThrownBy(() -> load(Map.of(), "--redis", "redis://localhost:6379"))
        .hasMessage("Redis is not supported by this build yet");
    assertThatThrownBy(() -> load(Map.of("CODERUNNER_REDIS_URI", "redis://x")))
        .hasMessage("Redis is not supported by this build yet");
  }

  @Test
  void startingNeedsASecretAndAUserOutsideTheDemo() throws Exception {
    assertThatThrownBy(() -> ConfigLoader.requireStartable(load(Map.of())))
        .hasMessageContaining("JWT secret")
        .hasMessageContaining("at least one user");
    ConfigLoader.requireStartable(load(Map.of(), "--demo"));
    ServerConfig ok =
        ServerConfig.builder()
            .jwtSecret(TestServer.SECRET)
            .users(java.util.List.of(TestServer.user(TestServer.ALICE)))
            .build();
    ConfigLoader.requireStartable(ok);
  }

  @Test
  void serverConfigRejectsBadValuesByName() {
    ServerConfig.Builder b = ServerConfig.builder();
    assertThatThrownBy(() -> b.port(-1)).hasMessageContaining("port");
    assertThatThrownBy(() -> b.host(" ")).hasMessageContaining("host");
    assertThatThrownBy(() -> b.maxBodyBytes(1)).hasMessageContaining("maxBodyBytes");
    assertThatThrownBy(() -> b.loginFailuresPerMinutePerUserAndAddress(0))
        .hasMessageContaining("loginFailuresPerMinutePerUserAndAddress");
    assertThatThrownBy(() -> b.apiRequestsPerMinute(0))
        .hasMessageContaining("apiRequestsPerMinute");
    assertThatThrownBy(() -> b.tokenTtl(Duration.ZERO)).hasMessageContaining("tokenTtl");
    assertThatThrownBy(() -> b.sseHeartbeat(Duration.ZERO)).hasMessageContaining("sseHeartbeat");
    assertThatThrownBy(() -> b.shutdownTimeout(Duration.ofHours(1)))
        .hasMessageContaining("shutdownTimeout");
    assertThatThrownBy(() -> b.requestBodyTimeout(Duration.ZERO))
        .hasMessageContaining("requestBodyTimeout");
    assertThatThrownBy(() -> b.jwtLeeway(Duration.ofHours(1))).hasMessageContaining("leeway");
    assertThatThrownBy(() -> b.idleTimeout(Duration.ofHours(2)))
        .hasMessageContaining("idleTimeout");
    assertThatThrownBy(() -> b.maxConnectionsPerAddress(0))
        .hasMessageContaining("maxConnectionsPerAddress");
    assertThatThrownBy(() -> b.loginFailuresPerMinutePerAddress(0))
        .hasMessageContaining("loginFailuresPerMinutePerAddress");
    assertThatThrownBy(() -> b.loginFailuresPerMinutePerUser(0))
        .hasMessageContaining("loginFailuresPerMinutePerUser");
    assertThatThrownBy(() -> b.maxConcurrentPasswordChecks(0))
        .hasMessageContaining("maxConcurrentPasswordChecks");
    UserAccount a = TestServer.user(TestServer.ALICE);
    assertThatThrownBy(() -> b.users(java.util.List.of(a, a))).hasMessageContaining("repeated");
    ServerConfig c = b.port(1).build();
    assertThat(c.toBuilder().build()).isEqualTo(c);
    assertThat(c.toString()).contains("jwtSecret=none");
  }

  @Test
  void yamlFilesNestByComponentLikeJson() throws Exception {
    Path f =
        yaml(
            "# operators write YAML\n"
                + "port: 9090\n"
                + "websocket:\n"
                + "  maxConnectionsPerPrincipal: 500\n"
                + "  heartbeat: PT10S\n"
                + "sse:\n"
                + "  maxStreamsPerPrincipal: 7\n"
                + "ingest:\n"
                + "  linesPerSecond: 1000\n"
                + "health.failureRateThreshold: 25.5\n"
                + "runner:\n"
                + "  allowedCommands: [sh, /usr/bin/python3]\n"
                + "  baseEnvironment: {NODE_ENV: production}\n"
                + "  processGroups: false\n"
                + "users:\n"
                + "  - username: ann\n"
                + "    roles: [admin]\n"
                + "    passwordHash: '"
                + TestServer.HASH
                + "'\n");
    ConfigLoader.Loaded l = loaded(Map.of(), "--config", f.toString());
    ServerConfig c = l.config();
    assertThat(c.port()).isEqualTo(9090);
    assertThat(c.websocket().maxConnectionsPerPrincipal()).isEqualTo(500);
    assertThat(c.websocket().heartbeatInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.sseMaxStreamsPerPrincipal()).isEqualTo(7);
    assertThat(c.ingestLinesPerSecond()).isEqualTo(1000);
    assertThat(c.health().failureRateThreshold()).isEqualTo(25.5f);
    assertThat(c.runner().allowedCommands()).containsExactlyInAnyOrder("sh", "/usr/bin/python3");
    assertThat(c.runner().baseEnvironment()).containsEntry("NODE_ENV", "production");
    assertThat(c.runner().processGroups()).isFalse();
    assertThat(c.users()).extracting(UserAccount::username).containsExactly("ann");
    assertThat(l.sources()).containsEntry("websocket.heartbeat", "config file " + f);

    assertThatThrownBy(
            () -> load(Map.of(), "--config", yaml("websocket:\n  heartbeet: PT1S\n").toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "unknown setting 'websocket.heartbeet'; did you mean 'websocket.heartbeat'?");
    assertThatThrownBy(() -> load(Map.of(), "--config", yaml("- a\n- b\n").toString()))
        .hasMessageContaining("must hold one object of settings");
    assertThatThrownBy(() -> load(Map.of(), "--config", yaml("port: [1\n").toString()))
        .hasMessageContaining("cannot read config file");
  }

  @Test
  void settingsOfOneComponentAreCheckedTogetherWhateverTheirOrder() throws Exception {
    // maxBytes below the default line limit is fine once the line limit comes down too
    ServerConfig c =
        load(Map.of("CODERUNNER_RETENTION_MAX_LINE_BYTES", "256"), "--retention.maxBytes", "2048");
    assertThat(c.retention().maxBytes()).isEqualTo(2048);
    assertThat(c.retention().maxLineBytes()).isEqualTo(256);
    assertThatThrownBy(() -> load(Map.of(), "--retention.maxBytes", "2048"))
        .hasMessageStartingWith("retention: ");
  }

  @Test
  void unknownEnvironmentVariablesAreWarnedAboutWithTheClosestName() throws Exception {
    ConfigLoader.Loaded l =
        loaded(
            Map.of(
                "CODERUNNER_WEBSOCKET_HEARTBAET", "PT1S",
                "CODERUNNER_TRUSTED_PROXIES", "10.0.0.1",
                "CODERUNNER_USERS", "ann",
                "CODERUNNER_URL", "http://127.0.0.1:8080",
                "CODERUNNER_TOKEN", "t",
                "PATH", "/usr/bin"));
    assertThat(l.warnings())
        .containsExactly(
            "unknown environment variable CODERUNNER_TRUSTED_PROXIES is ignored;"
                + " did you mean CODERUNNER_HTTP_TRUSTED_PROXIES?",
            "CODERUNNER_USERS is ignored: users can only be set in the config file",
            "unknown environment variable CODERUNNER_WEBSOCKET_HEARTBAET is ignored;"
                + " did you mean CODERUNNER_WEBSOCKET_HEARTBEAT?");
    assertThat(l.config().websocket().heartbeatInterval())
        .isEqualTo(ServerConfig.builder().build().websocket().heartbeatInterval());
  }

  @Test
  void printConfigGivesEverySettingItsValueAndSourceAndRedactsSecrets() throws Exception {
    Path f = file("{\"sse\":{\"maxStreams\":77}}");
    ConfigLoader.Loaded l =
        loaded(
            Map.of("CODERUNNER_JWT_SECRET", "env-secret-0123456789-0123456789-abcd"),
            "--config",
            f.toString(),
            "--demo");
    String printed = ConfigLoader.printConfig(l);
    assertThat(printed.lines()).hasSize(io.coderunner.server.internal.Settings.ALL.size());
    assertThat(printed)
        .containsPattern(
            "(?m)^sse\\.maxStreams +77  # config file "
                + java.util.regex.Pattern.quote(f.toString())
                + "$")
        .containsPattern("(?m)^jwt\\.secret +\\(redacted\\)  # environment CODERUNNER_JWT_SECRET$")
        .containsPattern("(?m)^demo +true  # flag --demo$")
        .containsPattern("(?m)^websocket\\.heartbeat +PT20S  # default$")
        .doesNotContain("env-secret");
  }
}
