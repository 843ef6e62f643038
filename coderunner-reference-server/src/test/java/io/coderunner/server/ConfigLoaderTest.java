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
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path file(String json) throws Exception {
    Path p = dir.resolve("coderunner.json");
    Files.writeString(p, json, UTF_8);
    return p;
  }

  private static ServerConfig load(Map<String, String> env, String... args) throws Exception {
    return ConfigLoader.load(ConfigLoader.parseFlags(args), env);
  }

  @Test
  void flagsWinOverEnvironmentWhichWinsOverTheFile() throws Exception {
    Path f =
        file(
            "{\"host\":\"10.0.0.1\",\"port\":7000,\"jwtSecret\":\"file-secret-0123456789-0123456789-ab\","
                + "\"allowedCommands\":[\"node\"]}");
    ServerConfig fileOnly = load(Map.of(), "--config", f.toString());
    assertThat(fileOnly.host()).isEqualTo("10.0.0.1");
    assertThat(fileOnly.port()).isEqualTo(7000);
    assertThat(new String(fileOnly.jwtSecret(), UTF_8)).startsWith("file-secret");
    assertThat(fileOnly.allowedCommands()).containsExactly("node");

    Map<String, String> env =
        Map.of(
            "CODERUNNER_HOST", "10.0.0.2",
            "CODERUNNER_PORT", "7001",
            "CODERUNNER_JWT_SECRET", "env-secret-0123456789-0123456789-abcd",
            "CODERUNNER_ALLOWED_COMMANDS", "java, python3,",
            "CODERUNNER_CONFIG", f.toString());
    ServerConfig withEnv = load(env);
    assertThat(withEnv.host()).isEqualTo("10.0.0.2");
    assertThat(withEnv.port()).isEqualTo(7001);
    assertThat(new String(withEnv.jwtSecret(), UTF_8)).startsWith("env-secret");
    assertThat(withEnv.allowedCommands()).containsExactlyInAnyOrder("java", "python3");

    ServerConfig withFlags = load(env, "--host=10.0.0.3", "--port", "0");
    assertThat(withFlags.host()).isEqualTo("10.0.0.3");
    assertThat(withFlags.port()).isZero();
  }

  @Test
  void theFileHoldsUsersCorsAndRetention() throws Exception {
    Path f =
        file(
            "{\"users\":[{\"username\":\"ann\",\"id\":\"u1\",\"roles\":[\"deployer\"],"
                + "\"passwordHash\":\""
                + TestServer.HASH
                + "\"}],\"corsOrigins\":[\"https://App.example.com\"],"
                + "\"retention\":{\"maxLines\":500,\"maxAge\":\"PT6H\"},\"tokenTtl\":\"PT30M\"}");
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
            "{\"requestTimeout\":\"PT5S\",\"idleTimeout\":\"PT30S\",\"maxConnectionsPerAddress\":64,"
                + "\"trustedProxies\":[\"10.0.0.0/8\",\"::1\"],\"loginFailuresPerMinutePerAddress\":20,"
                + "\"loginFailuresPerMinutePerUser\":50,\"maxConcurrentPasswordChecks\":3,"
                + "\"deployments\":{\"maxPerOwner\":7,\"maxRunningPerOwner\":2,\"maxRunning\":9,"
                + "\"maxCommandArgs\":8,\"maxCommandBytes\":1000,\"maxEnvVariables\":4,"
                + "\"maxEnvBytes\":2000}}");
    ServerConfig c = load(Map.of(), "--config", f.toString());
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
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
            Map.of("CODERUNNER_CONFIG", f.toString(), "CODERUNNER_TRUSTED_PROXIES", "192.0.2.7, "));
    assertThat(env.trustedProxies()).containsExactly("192.0.2.7");
    assertThat(ServerConfig.builder().build().trustedProxies()).isEmpty();

    assertThatThrownBy(() -> load(Map.of("CODERUNNER_TRUSTED_PROXIES", "proxy.example")))
        .hasMessageContaining("trustedProxies")
        .hasMessageContaining("proxy.example");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(),
                    "--config",
                    file("{\"trustedProxies\":[\"10.0.0.0/33\"]}").toString()))
        .hasMessageContaining("10.0.0.0/33");
    assertThatThrownBy(
            () ->
                load(Map.of(), "--config", file("{\"deployments\":{\"maxRuning\":1}}").toString()))
        .hasMessageContaining("deployments.maxRuning");
  }

  @Test
  void fileMistakesAreNamed() throws Exception {
    assertThatThrownBy(() -> load(Map.of(), "--config", file("{\"prot\":1}").toString()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown key 'prot'");
    assertThatThrownBy(() -> load(Map.of(), "--config", file("{\"port\":\"x\"}").toString()))
        .hasMessageContaining("port must be a whole number");
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
    assertThatThrownBy(() -> load(Map.of(), "--port", "70000")).hasMessageContaining("--port");
    assertThatThrownBy(() -> load(Map.of(), "--port")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> load(Map.of(), "--verbose")).hasMessageContaining("unknown argument");
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
    assertThatThrownBy(() -> b.loginFailuresPerMinute(0))
        .hasMessageContaining("loginFailuresPerMinute");
    assertThatThrownBy(() -> b.apiRequestsPerMinute(0))
        .hasMessageContaining("apiRequestsPerMinute");
    assertThatThrownBy(() -> b.tokenTtl(Duration.ZERO)).hasMessageContaining("tokenTtl");
    assertThatThrownBy(() -> b.stopGrace(Duration.ofHours(1))).hasMessageContaining("stopGrace");
    assertThatThrownBy(() -> b.sseHeartbeat(Duration.ZERO)).hasMessageContaining("sseHeartbeat");
    assertThatThrownBy(() -> b.shutdownTimeout(Duration.ofHours(1)))
        .hasMessageContaining("shutdownTimeout");
    assertThatThrownBy(() -> b.requestTimeout(Duration.ZERO))
        .hasMessageContaining("requestTimeout");
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
    assertThatThrownBy(() -> b.allowedCommands(Set.of(" ")))
        .hasMessageContaining("allowedCommands");
    UserAccount a = TestServer.user(TestServer.ALICE);
    assertThatThrownBy(() -> b.users(java.util.List.of(a, a))).hasMessageContaining("repeated");
    ServerConfig c = b.port(1).build();
    assertThat(c.toBuilder().build()).isEqualTo(c);
    assertThat(c.toString()).contains("jwtSecret=none");
  }
}
