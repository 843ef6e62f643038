package io.coderunner.server.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.coderunner.server.ServerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Turns command-line flags, environment variables and the config file (JSON or YAML) into a {@link
 * ServerConfig}, through the one table of {@link Settings}. Flags win over the environment, the
 * environment over the file. Every problem is a {@link ConfigException} whose message names the
 * setting and where its value came from; nothing here exits the JVM.
 */
public final class ConfigLoader {
  static final String REDIS_REFUSAL = "Redis is not supported by this build yet";

  /** Largest config file read. */
  static final int MAX_FILE_BYTES = 1 << 20;

  /**
   * {@code CODERUNNER_} variables that are not settings: the file, Redis, and the CLI's own, which
   * a shell that runs both may have set.
   */
  static final Set<String> OTHER_ENV =
      Set.of("CODERUNNER_CONFIG", "CODERUNNER_REDIS_URI", "CODERUNNER_URL", "CODERUNNER_TOKEN");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** A setting that cannot be used; the message is for the operator. */
  public static final class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * What the command line asked for.
   *
   * @param settings setting paths to the text given on the command line, in order
   */
  public record Flags(
      boolean help,
      boolean version,
      boolean printConfig,
      @Nullable String config,
      @Nullable String redis,
      Map<String, String> settings) {
    public Flags {
      settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }
  }

  /**
   * A loaded configuration.
   *
   * @param sources each setting's path to where its value came from: {@code default}, {@code file
   *     F}, {@code environment NAME} or {@code flag --path}
   * @param warnings what the operator should hear about but that does not stop the server
   */
  public record Loaded(ServerConfig config, Map<String, String> sources, List<String> warnings) {
    public Loaded {
      sources = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sources));
      warnings = List.copyOf(warnings);
    }
  }

  private ConfigLoader() {}

  /** The usage line and every setting's flag, from the table. */
  public static String usage() {
    return "usage: java -jar coderunner-reference-server.jar [--config FILE] [--SETTING VALUE]..."
        + " [--print-config] [--version] [--help]\n"
        + "       java -jar coderunner-reference-server.jar hash-password [--password P]\n";
  }

  /** {@link #usage()} and every setting: its flag, doc line, default and range. */
  public static String help() {
    return usage()
        + "\nA setting is given as a flag (--websocket.heartbeat PT10S), an environment variable"
        + "\n(CODERUNNER_WEBSOCKET_HEARTBEAT) or a key in the config file (JSON or YAML, nested by"
        + "\ncomponent); a flag wins over the environment, the environment over the file."
        + "\nDurations are ISO-8601 (PT30S), sizes are bytes, lists are comma-separated.\n\n"
        + Settings.help();
  }

  /** Parses the server's flags ({@code --name value} or {@code --name=value}). */
  public static Flags parseFlags(String[] args) throws ConfigException {
    boolean help = false;
    boolean version = false;
    boolean printConfig = false;
    String config = null;
    String redis = null;
    Map<String, String> settings = new LinkedHashMap<>();
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
        case "--help", "-h" -> help = true;
        case "--version" -> version = true;
        case "--print-config" -> printConfig = true;
        case "--data-dir" -> settings.put("dataDir", value != null ? value : next(args, ++i, name));
        case "--config", "--redis" -> {
          if (value == null) {
            value = next(args, ++i, name);
          }
          if (name.equals("--config")) {
            config = value;
          } else {
            redis = value;
          }
        }
        default -> {
          Setting<?> s =
              name.startsWith("--") ? Settings.byPath(name.substring(2)).orElse(null) : null;
          if (s == null) {
            throw new ConfigException("unknown argument '" + arg + "'" + didYouMeanFlag(name));
          }
          if (s.fileOnly()) {
            throw new ConfigException(s.path() + " can only be set in the config file");
          }
          if (value == null) {
            value = s.kind() == SettingKind.BOOLEAN ? "true" : next(args, ++i, name);
          }
          settings.put(s.path(), value);
        }
      }
    }
    return new Flags(help, version, printConfig, config, redis, settings);
  }

  private static String next(String[] args, int i, String name) throws ConfigException {
    if (i >= args.length) {
      throw new ConfigException(name + " needs a value");
    }
    return args[i];
  }

  private static String didYouMeanFlag(String name) {
    if (!name.startsWith("-")) {
      return "";
    }
    List<String> flags =
        new ArrayList<>(List.of("--config", "--redis", "--help", "--version", "--data-dir"));
    flags.add("--print-config");
    for (Setting<?> s : Settings.ALL) {
      String f = s.flag();
      if (f != null) {
        flags.add(f);
      }
    }
    String near = Settings.closest(name, flags);
    return near == null ? "" : "; did you mean " + near + "?";
  }

  /** Where the runnable server keeps its data outside the demo when no {@code dataDir} is set. */
  public static final Path DEFAULT_DATA_DIR = Path.of("data");

  /** The configuration from {@code flags}, {@code env} and the config file they name. */
  public static Loaded load(Flags flags, Map<String, String> env) throws ConfigException {
    if (flags.redis() != null || nonBlank(env.get("CODERUNNER_REDIS_URI")) != null) {
      throw new ConfigException(REDIS_REFUSAL);
    }
    ServerConfig defaults = ServerConfig.builder().build();
    SettingsDraft draft = new SettingsDraft(defaults);
    Map<String, String> sources = new LinkedHashMap<>();
    for (Setting<?> s : Settings.ALL) {
      sources.put(s.path(), "default");
    }
    List<String> warnings = new ArrayList<>(unknownEnvironment(env));

    String file = flags.config() != null ? flags.config() : nonBlank(env.get("CODERUNNER_CONFIG"));
    if (file != null) {
      Path path = Path.of(file);
      applyObject(draft, read(path), "", "config file " + path, sources);
    }
    for (Setting<?> s : Settings.ALL) {
      String name = s.env();
      String value = name == null ? null : env.get(name);
      if (name != null && value != null && !value.isBlank()) {
        apply(s, draft, value, "environment " + name, sources);
      }
    }
    for (Map.Entry<String, String> e : flags.settings().entrySet()) {
      Setting<?> s = Settings.byPath(e.getKey()).orElseThrow();
      apply(s, draft, e.getValue(), "flag --" + s.path(), sources);
    }
    try {
      ServerConfig config = draft.build();
      if (config.dataDir() == null && !config.demo()) {
        config = config.toBuilder().dataDir(DEFAULT_DATA_DIR).build();
        sources.put("dataDir", "default outside the demo");
      }
      return new Loaded(config, sources, warnings);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(String.valueOf(e.getMessage()));
    }
  }

  private static void apply(
      Setting<?> s, SettingsDraft draft, String text, String source, Map<String, String> sources)
      throws ConfigException {
    try {
      s.applyText(draft, text);
    } catch (IllegalArgumentException e) {
      throw refused(s.path(), source, e);
    }
    sources.put(s.path(), source);
  }

  private static void applyObject(
      SettingsDraft draft,
      JsonNode object,
      String prefix,
      String source,
      Map<String, String> sources)
      throws ConfigException {
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      JsonNode value = e.getValue();
      Setting<?> s = Settings.byPath(path).orElse(null);
      if (s != null) {
        try {
          s.applyJson(draft, value);
        } catch (IllegalArgumentException ex) {
          throw refused(path, source, ex);
        }
        sources.put(path, source);
      } else if (value.isObject() && Settings.isGroup(path)) {
        applyObject(draft, value, path, source, sources);
      } else {
        String near = Settings.closest(path, Settings.paths());
        throw new ConfigException(
            source
                + ": unknown setting '"
                + path
                + "'"
                + (near == null ? "" : "; did you mean '" + near + "'?")
                + " (docs/configuration.md lists them all)");
      }
    }
  }

  private static ConfigException refused(String path, String source, IllegalArgumentException e) {
    String msg = String.valueOf(e.getMessage());
    return new ConfigException(path + " (" + source + ")" + (msg.startsWith("[") ? "" : " ") + msg);
  }

  private static JsonNode read(Path path) throws ConfigException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(path)) {
      bytes = in.readNBytes(MAX_FILE_BYTES + 1);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read config file " + path + ": " + firstLine(String.valueOf(e.getMessage())));
    }
    if (bytes.length > MAX_FILE_BYTES) {
      throw new ConfigException(
          "config file " + path + " is larger than " + MAX_FILE_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = (isYaml(path, bytes) ? YAML : JSON).readTree(bytes);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read config file " + path + ": " + firstLine(String.valueOf(e.getMessage())));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return JSON.createObjectNode();
    }
    if (!root.isObject()) {
      throw new ConfigException("config file " + path + " must hold one object of settings");
    }
    return root;
  }

  /** {@code .yaml} and {@code .yml} are YAML, {@code .json} is JSON, anything else is sniffed. */
  private static boolean isYaml(Path path, byte[] bytes) {
    String name = path.getFileName() == null ? "" : path.getFileName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
      return true;
    }
    if (lower.endsWith(".json")) {
      return false;
    }
    for (byte b : bytes) {
      if (!Character.isWhitespace(b)) {
        return b != '{';
      }
    }
    return false;
  }

  /** Warnings for {@code CODERUNNER_} variables that no setting reads. */
  static List<String> unknownEnvironment(Map<String, String> env) {
    List<String> known = Settings.envNames();
    List<String> warnings = new ArrayList<>();
    for (String name : new TreeMap<>(env).keySet()) {
      if (!name.startsWith("CODERUNNER_") || OTHER_ENV.contains(name) || known.contains(name)) {
        continue;
      }
      Setting<?> fileOnly =
          Settings.ALL.stream()
              .filter(s -> s.fileOnly() && Setting.envName(s.path()).equals(name))
              .findFirst()
              .orElse(null);
      if (fileOnly != null) {
        warnings.add(
            name + " is ignored: " + fileOnly.path() + " can only be set in the config file");
        continue;
      }
      String near = Settings.closest(name, known);
      warnings.add(
          "unknown environment variable "
              + name
              + " is ignored"
              + (near == null ? "" : "; did you mean " + near + "?"));
    }
    return warnings;
  }

  /** The effective configuration, one setting a line: path, value (secrets redacted), source. */
  public static String printConfig(Loaded loaded) {
    int width = 0;
    for (Setting<?> s : Settings.ALL) {
      width = Math.max(width, s.path().length());
    }
    StringBuilder sb = new StringBuilder();
    for (Setting<?> s : Settings.ALL) {
      String value = s.format(loaded.config());
      sb.append(String.format(Locale.ROOT, "%-" + width + "s  ", s.path()))
          .append(value.isEmpty() ? "none" : value)
          .append("  # ")
          .append(loaded.sources().getOrDefault(s.path(), "default"))
          .append('\n');
    }
    return sb.toString();
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
              + " bytes (CODERUNNER_JWT_SECRET, or jwt.secret in the config file)");
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

  private static @Nullable String nonBlank(@Nullable String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  private static String firstLine(String s) {
    int cut = s.indexOf('\n');
    return cut < 0 ? s : s.substring(0, cut);
  }
}
