package io.coderunner.server.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.coderunner.server.ServerConfig;
import java.util.Locale;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * One setting of the reference server, declared once in {@link Settings}: its path in the config
 * file, its type and range, its doc line, where its value lives in a {@link ServerConfig} and how a
 * value is put into a {@link SettingsDraft}. The environment variable and the flag follow from the
 * path.
 *
 * @param <T> the value's Java type
 */
public final class Setting<T> {
  private final String path;
  private final SettingKind<T> kind;
  private final String doc;
  private final Function<ServerConfig, @Nullable T> getter;
  private final BiConsumer<SettingsDraft, T> setter;
  private final @Nullable String defaultText;
  private final boolean fileOnly;

  private Setting(
      String path,
      SettingKind<T> kind,
      String doc,
      Function<ServerConfig, @Nullable T> getter,
      BiConsumer<SettingsDraft, T> setter,
      @Nullable String defaultText,
      boolean fileOnly) {
    this.path = path;
    this.kind = kind;
    this.doc = doc;
    this.getter = getter;
    this.setter = setter;
    this.defaultText = defaultText;
    this.fileOnly = fileOnly;
  }

  static <T> Setting<T> of(
      String path,
      SettingKind<T> kind,
      String doc,
      Function<ServerConfig, @Nullable T> getter,
      BiConsumer<SettingsDraft, T> setter) {
    return new Setting<>(path, kind, doc, getter, setter, null, kind.fileOnly());
  }

  /** The same setting, whose default reads {@code text} in the docs (a default per machine). */
  Setting<T> documentedDefault(String text) {
    return new Setting<>(path, kind, doc, getter, setter, text, fileOnly);
  }

  /** The key in the config file, nested by component: {@code websocket.heartbeat}. */
  public String path() {
    return path;
  }

  /** {@code CODERUNNER_} and the path in upper snake case, or {@code null} for file-only ones. */
  public @Nullable String env() {
    return fileOnly ? null : envName(path);
  }

  /** {@code --} and the path, or {@code null} for file-only ones. */
  public @Nullable String flag() {
    return fileOnly ? null : "--" + path;
  }

  public SettingKind<T> kind() {
    return kind;
  }

  public String doc() {
    return doc;
  }

  /** Settings that are objects (users, an environment map) come only from the file. */
  public boolean fileOnly() {
    return fileOnly;
  }

  /** This setting's value in {@code config}, formatted as it is written (secrets redacted). */
  public String format(ServerConfig config) {
    T value = getter.apply(config);
    return value == null ? "none" : kind.format(value);
  }

  /** The default as the docs give it. */
  public String defaultText() {
    String text = defaultText;
    return text != null ? text : format(ServerConfig.builder().build());
  }

  /** Parses an environment variable's or a flag's value and puts it into {@code draft}. */
  void applyText(SettingsDraft draft, String text) {
    apply(draft, kind.parse(text));
  }

  /** Reads a config-file value and puts it into {@code draft}. */
  void applyJson(SettingsDraft draft, JsonNode node) {
    apply(draft, kind.read(node));
  }

  /** Puts a value into {@code draft}: the table's range first, then the builder's own checks. */
  void apply(SettingsDraft draft, T value) {
    kind.check(value);
    setter.accept(draft, value);
  }

  /**
   * Puts a value into {@code draft} with the builder's checks only, bypassing the table's range.
   */
  void applyUnchecked(SettingsDraft draft, T value) {
    setter.accept(draft, value);
  }

  /**
   * {@code CODERUNNER_} + the path in upper snake case: {@code a.maxFooBar} → {@code
   * A_MAX_FOO_BAR}.
   */
  static String envName(String path) {
    StringBuilder sb = new StringBuilder("CODERUNNER_");
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '.') {
        sb.append('_');
      } else if (Character.isUpperCase(c)) {
        sb.append('_').append(c);
      } else {
        sb.append(Character.toUpperCase(c));
      }
    }
    return sb.toString().toUpperCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return path;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Setting<?> s && path.equals(s.path);
  }

  @Override
  public int hashCode() {
    return Objects.hash(path);
  }
}
