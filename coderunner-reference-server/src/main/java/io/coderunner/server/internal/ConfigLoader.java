package io.coderunner.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.core.deploy.DeploymentLimits;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.server.ServerConfig;
import io.coderunner.server.UserAccount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Turns command-line flags, environment variables and the config file into a {@link ServerConfig}.
 * Flags win over the environment, the environment over the file. Every problem is a {@link
 * ConfigException} whose message says what to fix; nothing here exits the JVM.
 */
public final class ConfigLoader {
  public static final String USAGE =
      "usage: java -jar coderunner-reference-server.jar [--demo] [--host H] [--port N]"
          + " [--config FILE] [--redis URI]\n"
          + "       java -jar coderunner-reference-server.jar hash-password [--password P]";

  static final String REDIS_REFUSAL = "Redis is not supported by this build yet";

  /** A setting that cannot be used; the message is for the operator. */
  public static final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
      super(message, null, false, false);
    }
  }

  /** What the command line asked for. */
  public record Flags(
      boolean demo,
      boolean help,
      @Nullable String host,
      @Nullable Integer port,
      @Nullable String config,
      @Nullable String redis) {}

  private ConfigLoader() {}

  /** Parses the server's flags ({@code --name value} or {@code --name=value}). */
  public static Flags parseFlags(String[] args) throws ConfigException {
    boolean demo = false;
    boolean help = false;
    String host = null;
    Integer port = null;
    String config = null;
    String redis = null;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      switch (name) {
        case "--demo" -> demo = true;
        case "--help", "-h" -> help = true;
        case "--host", "--port", "--config", "--redis" -> {
          if (value == null) {
            if (i + 1 >= args.length) {
              throw new ConfigException(name + " needs a value");
            }
            value = args[++i];
          }
          switch (name) {
            case "--host" -> host = value;
            case "--port" -> port = port(value, "--port");
            case "--config" -> config = value;
            default -> redis = value;
          }
        }
        default -> throw new ConfigException("unknown argument '" + arg + "'");
      }
    }
    return new Flags(demo, help, host, port, config, redis);
  }

  /** The configuration from {@code flags}, {@code env} and the config file they name. */
  public static ServerConfig load(Flags flags, Map<String, String> env) throws ConfigException {
    if (flags.redis() != null || nonBlank(env.get("CODERUNNER_REDIS_URI")) != null) {
      throw new ConfigException(REDIS_REFUSAL);
    }
    ServerConfig.Builder b = ServerConfig.builder().demo(flags.demo());
    String file = flags.config() != null ? flags.config() : nonBlank(env.get("CODERUNNER_CONFIG"));
    try {
      if (file != null) {
        applyFile(b, Path.of(file));
      }
      String host = nonBlank(env.get("CODERUNNER_HOST"));
      if (host != null) {
        b.host(host);
      }
      String port = nonBlank(env.get("CODERUNNER_PORT"));
      if (port != null) {
        b.port(port(port, "CODERUNNER_PORT"));
      }
      String secret = env.get("CODERUNNER_JWT_SECRET");
      if (secret != null && !secret.isEmpty()) {
        b.jwtSecret(secret.getBytes(StandardCharsets.UTF_8));
      }
      String proxies = nonBlank(env.get("CODERUNNER_TRUSTED_PROXIES"));
      if (proxies != null) {
        b.trustedProxies(commaSeparated(proxies));
      }
      String commands = nonBlank(env.get("CODERUNNER_ALLOWED_COMMANDS"));
      if (commands != null) {
        b.allowedCommands(commaSeparated(commands));
      }
      if (flags.host() != null) {
        b.host(flags.host());
      }
      if (flags.port() != null) {
        b.port(flags.port());
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(String.valueOf(e.getMessage()));
    }
    return b.build();
  }

  /**
   * Refuses a configuration the server must not start with: outside the demo, a secret of at least
   * 32 bytes and one user are required.
   */
  public static void requireStartable(ServerConfig config) throws ConfigException {
    if (config.demo()) {
      return;
    }
    List<String> missing = new ArrayList<>();
    if (config.jwtSecret() == null) {
      missing.add(
          "a JWT secret of at least "
              + ServerConfig.MIN_SECRET_BYTES
              + " bytes (CODERUNNER_JWT_SECRET or jwtSecret in the config file)");
    }
    if (config.users().isEmpty()) {
      missing.add(
          "at least one user (users in the config file; make password hashes with"
              + " hash-password)");
    }
    if (!missing.isEmpty()) {
      throw new ConfigException(
          "refusing to start without "
              + String.join(" and ", missing)
              + "; or run with --demo to try it out");
    }
  }

  private static void applyFile(ServerConfig.Builder b, Path path) throws ConfigException {
    JsonNode root;
    try {
      root = Http.JSON.readTree(Files.readAllBytes(path));
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read config file " + path + ": " + firstLine(String.valueOf(e.getMessage())));
    }
    if (root == null || !root.isObject()) {
      throw new ConfigException("config file " + path + " must hold one JSON object");
    }
    String where = "config file " + path + ": ";
    try {
      for (Map.Entry<String, JsonNode> e : root.properties()) {
        JsonNode v = e.getValue();
        switch (e.getKey()) {
          case "host" -> b.host(text(v, "host"));
          case "port" -> b.port(integer(v, "port"));
          case "jwtSecret" -> b.jwtSecret(text(v, "jwtSecret").getBytes(StandardCharsets.UTF_8));
          case "users" -> b.users(users(v));
          case "allowedCommands" -> b.allowedCommands(new LinkedHashSet<>(texts(v, e.getKey())));
          case "corsOrigins" -> b.corsOrigins(new LinkedHashSet<>(texts(v, e.getKey())));
          case "retention" -> b.retention(retention(v));
          case "maxBodyBytes" -> b.maxBodyBytes(integer(v, "maxBodyBytes"));
          case "loginFailuresPerMinute" ->
              b.loginFailuresPerMinute(integer(v, "loginFailuresPerMinute"));
          case "apiRequestsPerMinute" -> b.apiRequestsPerMinute(integer(v, "apiRequestsPerMinute"));
          case "tokenTtl" -> b.tokenTtl(duration(v, "tokenTtl"));
          case "stopGrace" -> b.stopGrace(duration(v, "stopGrace"));
          case "requestTimeout" -> b.requestTimeout(duration(v, "requestTimeout"));
          case "idleTimeout" -> b.idleTimeout(duration(v, "idleTimeout"));
          case "maxConnectionsPerAddress" ->
              b.maxConnectionsPerAddress(integer(v, "maxConnectionsPerAddress"));
          case "trustedProxies" -> b.trustedProxies(new LinkedHashSet<>(texts(v, e.getKey())));
          case "loginFailuresPerMinutePerAddress" ->
              b.loginFailuresPerMinutePerAddress(integer(v, "loginFailuresPerMinutePerAddress"));
          case "loginFailuresPerMinutePerUser" ->
              b.loginFailuresPerMinutePerUser(integer(v, "loginFailuresPerMinutePerUser"));
          case "maxConcurrentPasswordChecks" ->
              b.maxConcurrentPasswordChecks(integer(v, "maxConcurrentPasswordChecks"));
          case "deployments" -> b.deploymentLimits(deploymentLimits(v));
          default -> throw new IllegalArgumentException("unknown key '" + e.getKey() + "'");
        }
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + e.getMessage());
    }
  }

  private static List<UserAccount> users(JsonNode v) {
    if (!v.isArray()) {
      throw new IllegalArgumentException("users must be an array");
    }
    List<UserAccount> users = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode u = v.get(i);
      String at = "users[" + i + "].";
      if (!u.isObject()) {
        throw new IllegalArgumentException("users[" + i + "] must be an object");
      }
      for (Iterator<String> it = u.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!Set.of("username", "id", "roles", "passwordHash").contains(k)) {
          throw new IllegalArgumentException("unknown key '" + at + k + "'");
        }
      }
      String username = text(u.path("username"), at + "username");
      String id = u.has("id") ? text(u.get("id"), at + "id") : username;
      Set<String> roles =
          u.has("roles") ? new LinkedHashSet<>(texts(u.get("roles"), at + "roles")) : Set.of();
      String hash = text(u.path("passwordHash"), at + "passwordHash");
      if (!Passwords.isWellFormed(hash)) {
        throw new IllegalArgumentException(
            at
                + "passwordHash must be pbkdf2-sha256$<iterations>$<salt>$<hash> with at least "
                + Passwords.MIN_ITERATIONS
                + " iterations (make one with hash-password)");
      }
      users.add(new UserAccount(username, id, roles, hash));
    }
    return users;
  }

  private static Set<String> commaSeparated(String list) {
    Set<String> set = new LinkedHashSet<>();
    for (String item : list.split(",", -1)) {
      if (!item.isBlank()) {
        set.add(item.trim());
      }
    }
    return set;
  }

  private static DeploymentLimits deploymentLimits(JsonNode v) {
    if (!v.isObject()) {
      throw new IllegalArgumentException("deployments must be an object");
    }
    DeploymentLimits.Builder d = DeploymentLimits.builder();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      String key = "deployments." + e.getKey();
      int n = integer(e.getValue(), key);
      switch (e.getKey()) {
        case "maxPerOwner" -> d.maxDeploymentsPerOwner(n);
        case "maxRunningPerOwner" -> d.maxRunningPerOwner(n);
        case "maxRunning" -> d.maxRunning(n);
        case "maxCommandArgs" -> d.maxCommandArgs(n);
        case "maxCommandBytes" -> d.maxCommandBytes(n);
        case "maxEnvVariables" -> d.maxEnvVariables(n);
        case "maxEnvBytes" -> d.maxEnvBytes(n);
        default -> throw new IllegalArgumentException("unknown key '" + key + "'");
      }
    }
    return d.build();
  }

  private static RetentionConfig retention(JsonNode v) {
    if (!v.isObject()) {
      throw new IllegalArgumentException("retention must be an object");
    }
    RetentionConfig.Builder r = RetentionConfig.builder();
    for (Map.Entry<String, JsonNode> e : v.properties()) {
      String key = "retention." + e.getKey();
      switch (e.getKey()) {
        case "maxLines" -> r.maxLines(longValue(e.getValue(), key));
        case "maxBytes" -> r.maxBytes(longValue(e.getValue(), key));
        case "maxAge" -> r.maxAge(duration(e.getValue(), key));
        case "globalMaxBytes" -> r.globalMaxBytes(longValue(e.getValue(), key));
        case "maxLineBytes" -> r.maxLineBytes(integer(e.getValue(), key));
        default -> throw new IllegalArgumentException("unknown key '" + key + "'");
      }
    }
    return r.build();
  }

  private static String text(JsonNode v, String key) {
    if (!v.isTextual()) {
      throw new IllegalArgumentException(key + " must be a string");
    }
    return v.textValue();
  }

  private static List<String> texts(JsonNode v, String key) {
    if (!v.isArray()) {
      throw new IllegalArgumentException(key + " must be an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      out.add(text(e, key + "[]"));
    }
    return out;
  }

  private static int integer(JsonNode v, String key) {
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException(key + " must be a whole number");
    }
    return v.intValue();
  }

  private static long longValue(JsonNode v, String key) {
    if (!v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException(key + " must be a whole number");
    }
    return v.longValue();
  }

  private static Duration duration(JsonNode v, String key) {
    try {
      return Duration.parse(text(v, key));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(key + " must be an ISO-8601 duration such as PT6H");
    }
  }

  static int port(String text, String setting) throws ConfigException {
    try {
      int port = Integer.parseInt(text.trim());
      if (port >= 0 && port <= 65_535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(setting + " must be a port between 0 and 65535, was '" + text + "'");
  }

  private static @Nullable String nonBlank(@Nullable String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static String firstLine(String s) {
    int cut = s.indexOf('\n');
    return cut < 0 ? s : s.substring(0, cut);
  }
}
