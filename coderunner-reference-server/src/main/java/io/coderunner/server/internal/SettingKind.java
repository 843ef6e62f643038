package io.coderunner.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.core.deploy.DeploymentService;
import io.coderunner.server.UserAccount;
import io.coderunner.storage.FsyncPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The type of a {@link Setting}: how its value is parsed from the environment or a flag, read from
 * the config file, checked against its range and written back. Every message completes a sentence
 * that starts with the setting's name ("must be a whole number, was 'x'").
 *
 * @param <T> the value's Java type
 */
public abstract class SettingKind<T> {
  private final String type;

  private SettingKind(String type) {
    this.type = type;
  }

  /** The type as the docs name it: {@code integer}, {@code bytes}, {@code duration}, … */
  public final String type() {
    return type;
  }

  /** The accepted range as the docs give it, or an empty string. */
  public String range() {
    return "";
  }

  /** Whether the value is an object that only the config file can hold. */
  boolean fileOnly() {
    return false;
  }

  abstract T parse(String text);

  abstract T read(JsonNode node);

  /** Throws when {@code value} is out of the table's range. */
  void check(T value) {}

  abstract String format(T value);

  // ---------------------------------------------------------------------------------------------

  static SettingKind<Integer> integer(int min, int max) {
    return new Whole<>("integer", min, max, false, l -> (int) l);
  }

  static SettingKind<Long> longInteger(long min, long max) {
    return new Whole<>("integer", min, max, false, l -> l);
  }

  /** A size in bytes held in an {@code int}. */
  static SettingKind<Integer> bytes(int min, int max) {
    return new Whole<>("bytes", min, max, true, l -> (int) l);
  }

  static SettingKind<Long> longBytes(long min, long max) {
    return new Whole<>("bytes", min, max, true, l -> l);
  }

  /** An ISO-8601 duration from {@code min} to {@code max} ({@code null}: no upper bound). */
  static SettingKind<Duration> duration(Duration min, @Nullable Duration max) {
    return new Span(min, max);
  }

  static final SettingKind<Boolean> BOOLEAN = new Bool();
  static final SettingKind<String> STRING = new Text();
  static final SettingKind<Set<String>> LIST = new Texts();
  static final SettingKind<byte[]> SECRET = new Secret();
  static final SettingKind<Float> PERCENT = new Percent();
  static final SettingKind<Path> PATH = new PathKind();
  static final SettingKind<FsyncPolicy> FSYNC = new Fsync();
  static final SettingKind<DeploymentService.OnRestart> ON_RESTART = new OnRestartKind();
  static final SettingKind<List<UserAccount>> USERS = new Users();
  static final SettingKind<Map<String, String>> STRING_MAP = new StringMap();

  // ---------------------------------------------------------------------------------------------

  private static final class Whole<T extends Number> extends SettingKind<T> {
    private final long min;
    private final long max;
    private final boolean size;
    private final java.util.function.LongFunction<T> box;

    Whole(String type, long min, long max, boolean size, java.util.function.LongFunction<T> box) {
      super(type);
      this.min = min;
      this.max = max;
      this.size = size;
      this.box = box;
    }

    long min() {
      return min;
    }

    long max() {
      return max;
    }

    @Override
    public String range() {
      if (max == Long.MAX_VALUE || max == Integer.MAX_VALUE) {
        return "at least " + number(min);
      }
      return number(min) + " to " + number(max);
    }

    private String number(long n) {
      String plain = String.format(Locale.ROOT, "%,d", n);
      String unit = size ? binaryUnit(n) : null;
      return unit == null ? plain : plain + " (" + unit + ")";
    }

    @Override
    T parse(String text) {
      try {
        return inRange(Long.parseLong(text.trim().replace("_", "")));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("must be a whole number, was '" + text + "'");
      }
    }

    /** Checks before boxing, so a value too large for an {@code int} is not cut to fit. */
    private T inRange(long v) {
      if (v < min || v > max) {
        throw new IllegalArgumentException("must be " + range() + ", was " + v);
      }
      return box.apply(v);
    }

    @Override
    T read(JsonNode node) {
      if (!node.isIntegralNumber() || !node.canConvertToLong()) {
        throw new IllegalArgumentException("must be a whole number, was " + node);
      }
      return inRange(node.longValue());
    }

    @Override
    void check(T value) {
      var unused = inRange(value.longValue());
    }

    @Override
    String format(T value) {
      return Long.toString(value.longValue());
    }
  }

  /** The least and greatest values of a whole-number kind, for tests that probe a builder. */
  static long @Nullable [] bounds(SettingKind<?> kind) {
    return kind instanceof Whole<?> w ? new long[] {w.min(), w.max()} : null;
  }

  /** {@code v} boxed as a whole-number kind's values are ({@code Integer} or {@code Long}). */
  static Object wholeValue(SettingKind<?> kind, long v) {
    return ((Whole<?>) kind).box.apply(v);
  }

  /** The least and greatest durations of a duration kind (greatest {@code null}: unbounded). */
  static Duration @Nullable [] durationBounds(SettingKind<?> kind) {
    return kind instanceof Span s ? new Duration[] {s.min, s.max} : null;
  }

  static @Nullable String binaryUnit(long n) {
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    long v = n;
    String unit = null;
    for (String u : units) {
      if (v < 1024 || v % 1024 != 0) {
        break;
      }
      v /= 1024;
      unit = v + " " + u;
    }
    return unit;
  }

  private static final class Span extends SettingKind<Duration> {
    final Duration min;
    final @Nullable Duration max;

    Span(Duration min, @Nullable Duration max) {
      super("duration");
      this.min = min;
      this.max = max;
    }

    @Override
    public String range() {
      Duration top = max;
      return top == null ? "at least " + human(min) : human(min) + " to " + human(top);
    }

    @Override
    Duration parse(String text) {
      try {
        return Duration.parse(text.trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "must be an ISO-8601 duration such as PT30S, was '" + text + "'");
      }
    }

    @Override
    Duration read(JsonNode node) {
      if (!node.isTextual()) {
        throw new IllegalArgumentException(
            "must be an ISO-8601 duration such as \"PT30S\", was " + node);
      }
      return parse(node.textValue());
    }

    @Override
    void check(Duration value) {
      Duration top = max;
      if (value.compareTo(min) < 0 || (top != null && value.compareTo(top) > 0)) {
        throw new IllegalArgumentException("must be " + range() + ", was " + value);
      }
    }

    @Override
    String format(Duration value) {
      return value.toString();
    }

    private static String human(Duration d) {
      if (d.isZero()) {
        return "0";
      }
      long ms = d.toMillis();
      if (ms % 86_400_000 == 0) {
        return ms / 86_400_000 + " d";
      }
      if (ms % 3_600_000 == 0) {
        return ms / 3_600_000 + " h";
      }
      if (ms % 60_000 == 0) {
        return ms / 60_000 + " min";
      }
      if (ms % 1000 == 0) {
        return ms / 1000 + " s";
      }
      return ms + " ms";
    }
  }

  private static final class Bool extends SettingKind<Boolean> {
    Bool() {
      super("boolean");
    }

    @Override
    Boolean parse(String text) {
      String t = text.trim().toLowerCase(Locale.ROOT);
      if (t.equals("true")) {
        return true;
      }
      if (t.equals("false")) {
        return false;
      }
      throw new IllegalArgumentException("must be true or false, was '" + text + "'");
    }

    @Override
    Boolean read(JsonNode node) {
      if (!node.isBoolean()) {
        throw new IllegalArgumentException("must be true or false, was " + node);
      }
      return node.booleanValue();
    }

    @Override
    String format(Boolean value) {
      return value.toString();
    }
  }

  private static final class Text extends SettingKind<String> {
    Text() {
      super("string");
    }

    @Override
    String parse(String text) {
      return text.trim();
    }

    @Override
    String read(JsonNode node) {
      if (!node.isTextual()) {
        throw new IllegalArgumentException("must be a string, was " + node);
      }
      return node.textValue();
    }

    @Override
    String format(String value) {
      return value;
    }
  }

  private static final class Texts extends SettingKind<Set<String>> {
    Texts() {
      super("list");
    }

    @Override
    Set<String> parse(String text) {
      Set<String> set = new LinkedHashSet<>();
      for (String item : text.split(",", -1)) {
        if (!item.isBlank()) {
          set.add(item.trim());
        }
      }
      return set;
    }

    @Override
    Set<String> read(JsonNode node) {
      if (!node.isArray()) {
        throw new IllegalArgumentException("must be a list of strings, was " + node);
      }
      Set<String> set = new LinkedHashSet<>();
      for (JsonNode e : node) {
        if (!e.isTextual()) {
          throw new IllegalArgumentException("must be a list of strings, holds " + e);
        }
        set.add(e.textValue());
      }
      return set;
    }

    /** Sorted: each list is a set, and a set's default has no order of its own. */
    @Override
    String format(Set<String> value) {
      return String.join(",", new java.util.TreeSet<>(value));
    }
  }

  private static final class Secret extends SettingKind<byte[]> {
    Secret() {
      super("secret");
    }

    @Override
    public String range() {
      return "at least 32 bytes (UTF-8)";
    }

    @Override
    byte[] parse(String text) {
      return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    byte[] read(JsonNode node) {
      if (!node.isTextual()) {
        throw new IllegalArgumentException("must be a string");
      }
      return parse(node.textValue());
    }

    @Override
    String format(byte[] value) {
      return "(redacted)";
    }
  }

  private static final class Percent extends SettingKind<Float> {
    Percent() {
      super("percent");
    }

    @Override
    public String range() {
      return "above 0, at most 100";
    }

    @Override
    Float parse(String text) {
      try {
        return Float.parseFloat(text.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("must be a number, was '" + text + "'");
      }
    }

    @Override
    Float read(JsonNode node) {
      if (!node.isNumber()) {
        throw new IllegalArgumentException("must be a number, was " + node);
      }
      return node.floatValue();
    }

    @Override
    void check(Float value) {
      if (!(value > 0 && value <= 100)) {
        throw new IllegalArgumentException("must be " + range() + ", was " + value);
      }
    }

    @Override
    String format(Float value) {
      float f = value;
      return f == Math.rint(f) ? Integer.toString((int) f) : Float.toString(f);
    }
  }

  private static final class Fsync extends SettingKind<FsyncPolicy> {
    Fsync() {
      super("fsync policy");
    }

    @Override
    public String range() {
      return "`always`, `batch` or `none`";
    }

    @Override
    FsyncPolicy parse(String text) {
      return FsyncPolicy.fromName(text);
    }

    @Override
    FsyncPolicy read(JsonNode node) {
      if (!node.isTextual()) {
        throw new IllegalArgumentException("must be always, batch or none, was " + node);
      }
      return parse(node.textValue());
    }

    @Override
    String format(FsyncPolicy value) {
      return value.configName();
    }
  }

  private static final class OnRestartKind extends SettingKind<DeploymentService.OnRestart> {
    OnRestartKind() {
      super("choice");
    }

    @Override
    public String range() {
      return "`failed` or `start`";
    }

    @Override
    DeploymentService.OnRestart parse(String text) {
      return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "failed" -> DeploymentService.OnRestart.MARK_FAILED;
        case "start" -> DeploymentService.OnRestart.START_AGAIN;
        default -> throw new IllegalArgumentException("must be failed or start, was " + text);
      };
    }

    @Override
    DeploymentService.OnRestart read(JsonNode node) {
      if (!node.isTextual()) {
        throw new IllegalArgumentException("must be failed or start, was " + node);
      }
      return parse(node.textValue());
    }

    @Override
    String format(DeploymentService.OnRestart value) {
      return value == DeploymentService.OnRestart.START_AGAIN ? "start" : "failed";
    }
  }

  private static final class PathKind extends SettingKind<Path> {
    PathKind() {
      super("path");
    }

    @Override
    Path parse(String text) {
      try {
        return Path.of(text.trim());
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException("must be a path, was '" + text + "'");
      }
    }

    @Override
    Path read(JsonNode node) {
      if (!node.isTextual()) {
        throw new IllegalArgumentException("must be a path string, was " + node);
      }
      return parse(node.textValue());
    }

    @Override
    String format(Path value) {
      return value.toString();
    }
  }

  /** Objects that only the file holds. */
  private abstract static class FileObject<T> extends SettingKind<T> {
    FileObject(String type) {
      super(type);
    }

    @Override
    boolean fileOnly() {
      return true;
    }

    @Override
    final T parse(String text) {
      throw new IllegalArgumentException("can only be set in the config file");
    }
  }

  private static final class StringMap extends FileObject<Map<String, String>> {
    StringMap() {
      super("object");
    }

    @Override
    public String range() {
      return "names to string values";
    }

    @Override
    Map<String, String> read(JsonNode node) {
      if (!node.isObject()) {
        throw new IllegalArgumentException("must be an object of names to strings, was " + node);
      }
      Map<String, String> map = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        if (!e.getValue().isTextual()) {
          throw new IllegalArgumentException(
              "must map names to strings, maps " + e.getKey() + " to " + e.getValue());
        }
        map.put(e.getKey(), e.getValue().textValue());
      }
      return map;
    }

    @Override
    String format(Map<String, String> value) {
      return String.join(",", value.keySet());
    }
  }

  private static final class Users extends FileObject<List<UserAccount>> {
    private static final Set<String> KEYS = Set.of("username", "id", "roles", "passwordHash");

    Users() {
      super("list of objects");
    }

    @Override
    public String range() {
      return "each `{username, id, roles, passwordHash}`";
    }

    @Override
    List<UserAccount> read(JsonNode v) {
      if (!v.isArray()) {
        throw new IllegalArgumentException("must be a list of users");
      }
      List<UserAccount> users = new ArrayList<>();
      for (int i = 0; i < v.size(); i++) {
        JsonNode u = v.get(i);
        String at = "[" + i + "].";
        if (!u.isObject()) {
          throw new IllegalArgumentException("[" + i + "] must be an object");
        }
        for (Iterator<String> it = u.fieldNames(); it.hasNext(); ) {
          String k = it.next();
          if (!KEYS.contains(k)) {
            throw new IllegalArgumentException(
                at + k + " is not a user's key (username, id, roles, passwordHash)");
          }
        }
        String username = text(u.path("username"), at + "username");
        String id = u.has("id") ? text(u.get("id"), at + "id") : username;
        Set<String> roles = u.has("roles") ? LIST.read(u.get("roles")) : Set.of();
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

    private static String text(JsonNode v, String key) {
      if (!v.isTextual()) {
        throw new IllegalArgumentException(key + " must be a string");
      }
      return v.textValue();
    }

    @Override
    String format(List<UserAccount> value) {
      List<String> names = new ArrayList<>();
      value.forEach(u -> names.add(u.username()));
      return String.join(",", names);
    }
  }
}
