package io.coderunner.benchmarks.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.JwtConfig;
import io.coderunner.core.auth.JwtService;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The reference server's runnable jar as a child process: {@code --demo} on a free loopback port
 * with given settings, for load tools that measure it from outside. Settings are given as flags; a
 * build from before settings had flags refuses them (exit 2), and then the same settings are given
 * in a config file under their old flat keys, so one tool measures both builds. Each start has a
 * fresh secret, so the tool can issue the demo user's token itself.
 */
final class ServerJar implements AutoCloseable {
  private static final String LISTENING = "CodeRunner listening on ";
  private static final Principal DEMO = new Principal("u-demo", "demo", Set.of("deployer"));
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final URI base;
  private final String secret;

  private ServerJar(Process process, URI base, String secret) {
    this.process = process;
    this.base = base;
    this.secret = secret;
  }

  /**
   * Starts {@code jar} and waits until it listens.
   *
   * @param settings setting paths ({@code api.requestsPerMinute}) to values
   * @param legacyKeys the same settings' flat config-file keys in older builds
   * @param jvmOptions options of the server's JVM
   */
  static ServerJar start(
      Path jar,
      Map<String, String> settings,
      Map<String, String> legacyKeys,
      List<String> jvmOptions)
      throws IOException {
    if (!Files.isRegularFile(jar)) {
      throw new IOException(jar + " not found; build it with ./mvnw -q -DskipTests package");
    }
    byte[] raw = new byte[36];
    new SecureRandom().nextBytes(raw);
    String secret = Base64.getEncoder().encodeToString(raw);
    List<String> flags = new ArrayList<>();
    settings.forEach((k, v) -> flags.addAll(List.of("--" + k, v)));
    @Nullable ServerJar started = tryStart(jar, secret, flags, jvmOptions);
    if (started != null) {
      return started;
    }
    StringBuilder json = new StringBuilder("{");
    settings.forEach(
        (k, v) -> {
          String key = legacyKeys.get(k);
          if (key == null) {
            throw new IllegalArgumentException("no legacy key for " + k);
          }
          json.append(json.length() > 1 ? "," : "").append('"').append(key).append("\":");
          json.append(v.matches("-?\\d+") ? v : "\"" + v + "\"");
        });
    Path config = Files.createTempFile("coderunner-bench", ".json");
    config.toFile().deleteOnExit();
    Files.writeString(config, json.append('}').toString());
    started = tryStart(jar, secret, List.of("--config", config.toString()), jvmOptions);
    if (started == null) {
      throw new IOException("the server ended before it listened");
    }
    return started;
  }

  private static @Nullable ServerJar tryStart(
      Path jar, String secret, List<String> args, List<String> jvmOptions) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.addAll(List.of("-jar", jar.toString(), "--demo", "--port", "0"));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("CODERUNNER_JWT_SECRET", secret);
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine(); // the JVM may print its own lines first (JFR, say)
    while (line != null && !line.startsWith(LISTENING)) {
      line = out.readLine();
    }
    if (line == null) {
      stop(p);
      return null;
    }
    Thread drain = new Thread(() -> out.lines().forEach(l -> {}), "server-stdout");
    drain.setDaemon(true);
    drain.start();
    return new ServerJar(p, URI.create(line.substring(LISTENING.length()).trim()), secret);
  }

  URI base() {
    return base;
  }

  /** A token of the demo user ({@code u-demo}, role deployer), signed with this server's secret. */
  String demoToken() {
    return JwtService.create(
            JwtConfig.builder().signingSecret(secret.getBytes(StandardCharsets.UTF_8)).build(),
            Clock.systemUTC())
        .issue(DEMO)
        .token();
  }

  /**
   * Creates a deployment of the demo user (command {@code app}, never started) for a tool to ingest
   * into or follow.
   *
   * @return its id
   * @throws IOException when the server does not answer 201
   */
  String createDeployment(String name) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(base.resolve("/api/deployments"))
            .header("Authorization", "Bearer " + demoToken())
            .header("Content-Type", "application/json")
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    "{\"name\":\"" + name + "\",\"command\":[\"app\"]}"))
            .timeout(Duration.ofSeconds(30))
            .build();
    HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new IOException("create " + name + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body()).get("id").asText();
  }

  /** The server's user and system CPU so far, from /proc; {@link Cpu#UNKNOWN} elsewhere. */
  Cpu cpu() {
    try {
      String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
      return new Cpu(Long.parseLong(f[11]) + Long.parseLong(f[12]), System.nanoTime());
    } catch (IOException | RuntimeException e) {
      return new Cpu(-1, System.nanoTime());
    }
  }

  /**
   * A reading of a process's CPU.
   *
   * @param ticks user and system clock ticks (1/100 s) so far, or -1 when unknown
   * @param nanoTime when it was read
   */
  record Cpu(long ticks, long nanoTime) {
    /** CPU from this reading to {@code later}, as a percentage of one core; NaN when unknown. */
    double percentTo(Cpu later) {
      if (ticks < 0 || later.ticks < 0) {
        return Double.NaN;
      }
      double cpuSeconds = (later.ticks - ticks) / 100.0;
      double wallSeconds = (later.nanoTime - nanoTime) / 1e9;
      return 100 * cpuSeconds / wallSeconds;
    }
  }

  long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    stop(process);
  }

  private static void stop(Process p) {
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
