package io.coderunner.server.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.deploy.DeploymentLimits;
import io.coderunner.core.deploy.LocalRunnerConfig;
import io.coderunner.core.follow.FollowConfig;
import io.coderunner.core.log.RetentionConfig;
import io.coderunner.metrics.health.HealthConfig;
import io.coderunner.server.ServerConfig;
import io.coderunner.websocket.WebSocketConfig;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The settings table against the builders it drives and the docs it generates. */
class SettingsTest {
  private static final String BEGIN = "<!-- settings:begin -->";
  private static final String END = "<!-- settings:end -->";

  @Test
  void theDocsTableIsTheTable() throws Exception {
    Path doc = Path.of("..", "docs", "configuration.md");
    String text = Files.readString(doc, UTF_8);
    int from = text.indexOf(BEGIN);
    int to = text.indexOf(END);
    assertThat(from).as("docs/configuration.md has " + BEGIN).isNotNegative();
    assertThat(to).as("docs/configuration.md has " + END).isGreaterThan(from);
    String documented = text.substring(from + BEGIN.length(), to).strip();
    String expected = Settings.markdownTable().strip();
    if (!documented.equals(expected)) {
      Path fresh = Path.of("target", "settings-table.md");
      Files.writeString(fresh, expected + "\n", UTF_8);
      assertThat(documented)
          .as(
              "docs/configuration.md's settings table differs from Settings.ALL; the table as it"
                  + " should read is in coderunner-reference-server/"
                  + fresh)
          .isEqualTo(expected);
    }
  }

  @Test
  void everyRangeIsTheBuildersOwn() {
    List<String> probed = new ArrayList<>();
    for (Setting<?> s : Settings.ALL) {
      long[] whole = SettingKind.bounds(s.kind());
      Duration[] span = SettingKind.durationBounds(s.kind());
      if (whole != null) {
        probeWhole(s, whole[0], whole[1]);
        probed.add(s.path());
      } else if (span != null) {
        probeDuration(s, span[0], span[1]);
        probed.add(s.path());
      }
    }
    assertThat(probed).hasSizeGreaterThan(50);
  }

  @SuppressWarnings("unchecked")
  private static void probeWhole(Setting<?> setting, long min, long max) {
    Setting<Object> s = (Setting<Object>) setting;
    SettingKind<?> k = s.kind();
    boolean isInt = SettingKind.wholeValue(k, 0) instanceof Integer;
    long least = isInt ? Integer.MIN_VALUE : Long.MIN_VALUE;
    long most = isInt ? Integer.MAX_VALUE : Long.MAX_VALUE;
    Object lo = SettingKind.wholeValue(k, min);
    Object hi = SettingKind.wholeValue(k, max);
    assertThatCode(() -> s.applyUnchecked(draft(), lo))
        .as(s + " accepts " + min)
        .doesNotThrowAnyException();
    assertThatCode(() -> s.applyUnchecked(draft(), hi))
        .as(s + " accepts " + max)
        .doesNotThrowAnyException();
    if (min > least) {
      Object below = SettingKind.wholeValue(k, min - 1);
      assertThatThrownBy(() -> s.applyUnchecked(draft(), below))
          .as(s + " refuses " + (min - 1) + " in its builder")
          .isInstanceOf(IllegalArgumentException.class);
    }
    if (max < most) {
      Object above = SettingKind.wholeValue(k, max + 1);
      assertThatThrownBy(() -> s.applyUnchecked(draft(), above))
          .as(s + " refuses " + (max + 1) + " in its builder")
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @SuppressWarnings("unchecked")
  private static void probeDuration(Setting<?> setting, Duration min, Duration max) {
    Setting<Duration> s = (Setting<Duration>) setting;
    assertThatCode(() -> s.applyUnchecked(draft(), min))
        .as(s + " accepts " + min)
        .doesNotThrowAnyException();
    Duration below = min.minusMillis(1);
    assertThatThrownBy(() -> s.applyUnchecked(draft(), below))
        .as(s + " refuses " + below + " in its builder")
        .isInstanceOf(IllegalArgumentException.class);
    if (max != null) {
      assertThatCode(() -> s.applyUnchecked(draft(), max))
          .as(s + " accepts " + max)
          .doesNotThrowAnyException();
      Duration above = max.plusMillis(1);
      assertThatThrownBy(() -> s.applyUnchecked(draft(), above))
          .as(s + " refuses " + above + " in its builder")
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static SettingsDraft draft() {
    return new SettingsDraft(ServerConfig.builder().build());
  }

  @Test
  void everyDefaultIsInItsRangeAndSurvivesTheLoader() {
    ServerConfig defaults = ServerConfig.builder().build();
    SettingsDraft d = draft();
    for (Setting<?> s : Settings.ALL) {
      if (!s.fileOnly() && s.kind() != SettingKind.SECRET) {
        String text = s.format(defaults);
        if (!text.isEmpty() && !text.equals("none")) {
          assertThatCode(() -> s.applyText(d, text)).as(s.path()).doesNotThrowAnyException();
        }
      }
    }
    ServerConfig loaded = d.build();
    assertThat(loaded.retention()).isEqualTo(defaults.retention());
    assertThat(loaded.follow()).isEqualTo(defaults.follow());
    assertThat(loaded.websocket()).isEqualTo(defaults.websocket());
    assertThat(loaded.runner()).isEqualTo(defaults.runner());
    assertThat(loaded.deploymentLimits()).isEqualTo(defaults.deploymentLimits());
    assertThat(loaded.health()).isEqualTo(defaults.health());
    assertThat(loaded).isEqualTo(defaults);
  }

  @Test
  void namesAreUniqueAndFollowThePath() {
    Set<String> env = new HashSet<>();
    for (Setting<?> s : Settings.ALL) {
      assertThat(s.path()).matches("[a-z][a-zA-Z]*(\\.[a-z][a-zA-Z]*)?");
      assertThat(s.doc()).as(s.path()).isNotBlank().doesNotEndWith(".");
      if (s.env() != null) {
        assertThat(env.add(s.env())).as("environment name of " + s).isTrue();
      }
    }
    assertThat(Setting.envName("websocket.maxConnectionsPerPrincipal"))
        .isEqualTo("CODERUNNER_WEBSOCKET_MAX_CONNECTIONS_PER_PRINCIPAL");
    assertThat(Setting.envName("corsOrigins")).isEqualTo("CODERUNNER_CORS_ORIGINS");
    assertThat(Settings.byPath("users").orElseThrow().env()).isNull();
  }

  /**
   * Every setter of every builder the server wires has a row, so a tunable added to a library
   * cannot stay out of operators' reach unnoticed. The exclusions are the settings the server sets
   * itself.
   */
  @Test
  void everyTunableOfEveryWiredBuilderHasARow() {
    Map<Class<?>, String> groups =
        Map.of(
            WebSocketConfig.Builder.class, "websocket",
            FollowConfig.Builder.class, "follow",
            RetentionConfig.Builder.class, "retention",
            LocalRunnerConfig.Builder.class, "runner",
            DeploymentLimits.Builder.class, "deployments",
            HealthConfig.Builder.class, "health");
    Set<String> serverSets =
        Set.of(
            "websocket.follow",
            "websocket.allowedOrigins",
            "runner.maxLineBytes",
            "server.retention",
            "server.follow",
            "server.websocket",
            "server.runner",
            "server.deploymentLimits",
            "server.health");
    Map<String, String> renamed =
        Map.of(
            "websocket.heartbeatInterval", "websocket.heartbeat",
            "deployments.maxDeploymentsPerOwner", "deployments.maxPerOwner");
    Set<String> missing = new TreeSet<>();
    for (Map.Entry<Class<?>, String> g : groups.entrySet()) {
      for (String setter : setters(g.getKey())) {
        String key = g.getValue() + "." + setter;
        String path = renamed.getOrDefault(key, key);
        if (!serverSets.contains(key) && Settings.byPath(path).isEmpty()) {
          missing.add(key);
        }
      }
    }
    for (String setter : setters(ServerConfig.Builder.class)) {
      boolean found =
          serverSets.contains("server." + setter)
              || Settings.ALL.stream().anyMatch(s -> matchesServerSetter(s.path(), setter));
      if (!found) {
        missing.add("server." + setter);
      }
    }
    assertThat(missing).as("builder setters without a settings row").isEmpty();
  }

  private static boolean matchesServerSetter(String path, String setter) {
    int dot = path.indexOf('.');
    if (dot < 0) {
      return path.equals(setter);
    }
    String group = path.substring(0, dot);
    String leaf = path.substring(dot + 1);
    String joined = group + Character.toUpperCase(leaf.charAt(0)) + leaf.substring(1);
    return leaf.equals(setter) || joined.equals(setter);
  }

  private static List<String> setters(Class<?> builder) {
    List<String> names = new ArrayList<>();
    for (Method m : builder.getDeclaredMethods()) {
      if (Modifier.isPublic(m.getModifiers())
          && !Modifier.isStatic(m.getModifiers())
          && m.getReturnType() == builder
          && m.getParameterCount() == 1) {
        names.add(m.getName());
      }
    }
    return names;
  }

  @Test
  void theClosestNameIsSuggestedAndFarOnesAreNot() {
    List<String> paths = Settings.paths();
    assertThat(Settings.closest("websocket.hearbeat", paths)).isEqualTo("websocket.heartbeat");
    assertThat(Settings.closest("jwtSecret", paths)).isEqualTo("jwt.secret");
    assertThat(Settings.closest("allowedCommands", paths)).isEqualTo("runner.allowedCommands");
    assertThat(Settings.closest("prot", paths)).isEqualTo("port");
    assertThat(Settings.closest("zzzzzzzzzzzz", paths)).isNull();
  }

  @Test
  void helpListsEveryFlag() {
    String help = ConfigLoader.help();
    for (Setting<?> s : Settings.ALL) {
      assertThat(help).contains(s.flag() != null ? s.flag() : s.path());
    }
  }
}
