package io.coderunner.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelTest {
  private static final Instant T0 = Instant.parse("2026-11-24T10:15:30Z");

  private static Deployment deployment(DeploymentStatus status) {
    return new Deployment(
        DeploymentId.of("web-1"),
        "web",
        "u1",
        List.of("java", "-jar", "app.jar"),
        Map.of("PORT", "8080"),
        null,
        status,
        T0,
        T0);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "a",
        "web-1",
        "A.b_c-9",
        "0123456789012345678901234567890123456789012345678901234567890123"
      })
  void deploymentIdsAcceptSafeCharacters(String value) {
    assertThat(DeploymentId.of(value).value()).isEqualTo(value);
    assertThat(DeploymentId.isValid(value)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "a b",
        "a/b",
        "é",
        "../x",
        "a\nb",
        "01234567890123456789012345678901234567890123456789012345678901234"
      })
  void deploymentIdsRejectUnsafeOrOverlongValues(String value) {
    assertThat(DeploymentId.isValid(value)).isFalse();
    assertThatThrownBy(() -> DeploymentId.of(value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("deployment id");
  }

  @Test
  void randomDeploymentIdsAreValidAndDistinct() {
    assertThat(DeploymentId.random()).isNotEqualTo(DeploymentId.random());
    assertThat(DeploymentId.isValid(null)).isFalse();
    assertThat(DeploymentId.of("b").compareTo(DeploymentId.of("a"))).isPositive();
    assertThat(DeploymentId.of("x")).hasToString("x");
  }

  @Test
  void logLinesAreValidatedAtConstruction() {
    assertThatThrownBy(() -> new LogLine(0, T0, StreamKind.STDOUT, LogLevel.INFO, "x"))
        .hasMessageContaining("seq");
    assertThatThrownBy(
            () ->
                new LogLine(1, T0, StreamKind.STDOUT, LogLevel.INFO, "x", DeploymentStatus.RUNNING))
        .hasMessageContaining("system");
    LogLine status =
        new LogLine(1, T0, StreamKind.SYSTEM, LogLevel.INFO, "x", DeploymentStatus.RUNNING);
    assertThat(status.status()).isEqualTo(DeploymentStatus.RUNNING);
  }

  @Test
  void logEntriesHaveConvenientFactories() {
    assertThat(LogEntry.stdout("a"))
        .isEqualTo(new LogEntry(null, StreamKind.STDOUT, LogLevel.INFO, "a"));
    assertThat(LogEntry.stderr("b").level()).isEqualTo(LogLevel.ERROR);
    assertThat(LogEntry.stdout("a").withTimestamp(T0).timestamp()).isEqualTo(T0);
  }

  @Test
  void wireNamesParseCaseInsensitively() {
    assertThat(StreamKind.fromWire("STDERR")).isEqualTo(StreamKind.STDERR);
    assertThat(StreamKind.SYSTEM.wireName()).isEqualTo("system");
    assertThat(LogLevel.fromWire("Warn")).isEqualTo(LogLevel.WARN);
    assertThat(LogLevel.fromWire("warning")).isEqualTo(LogLevel.WARN);
    assertThat(DeploymentStatus.fromWire("running")).isEqualTo(DeploymentStatus.RUNNING);
    assertThatThrownBy(() -> StreamKind.fromWire("stdin")).hasMessageContaining("stdout");
    assertThatThrownBy(() -> LogLevel.fromWire("fatal")).hasMessageContaining("trace");
    assertThatThrownBy(() -> DeploymentStatus.fromWire("gone")).hasMessageContaining("created");
  }

  @Test
  void theLifecycleAllowsOnlyItsTransitions() {
    assertThat(DeploymentStatus.CREATED.canTransitionTo(DeploymentStatus.STARTING)).isTrue();
    assertThat(DeploymentStatus.STARTING.canTransitionTo(DeploymentStatus.RUNNING)).isTrue();
    assertThat(DeploymentStatus.RUNNING.canTransitionTo(DeploymentStatus.STOPPING)).isTrue();
    assertThat(DeploymentStatus.STOPPING.canTransitionTo(DeploymentStatus.STOPPED)).isTrue();
    assertThat(DeploymentStatus.RUNNING.canTransitionTo(DeploymentStatus.RESTARTING)).isTrue();
    assertThat(DeploymentStatus.RESTARTING.canTransitionTo(DeploymentStatus.STARTING)).isTrue();
    assertThat(DeploymentStatus.FAILED.canTransitionTo(DeploymentStatus.STARTING)).isTrue();
    assertThat(DeploymentStatus.CREATED.canTransitionTo(DeploymentStatus.RUNNING)).isFalse();
    assertThat(DeploymentStatus.STOPPED.canTransitionTo(DeploymentStatus.STOPPING)).isFalse();
    assertThat(DeploymentStatus.CREATED.canTransitionTo(DeploymentStatus.CREATED)).isFalse();
    for (DeploymentStatus s : DeploymentStatus.values()) {
      assertThat(s.allowedNext()).doesNotContain(DeploymentStatus.CREATED);
    }
    assertThat(DeploymentStatus.RUNNING.isActive()).isTrue();
    assertThat(DeploymentStatus.STOPPED.isActive()).isFalse();
  }

  @Test
  void aDeploymentChangesStatusOnlyAlongTheLifecycle() {
    Deployment created = deployment(DeploymentStatus.CREATED);
    Deployment starting = created.withStatus(DeploymentStatus.STARTING, T0.plusSeconds(1));
    assertThat(starting.status()).isEqualTo(DeploymentStatus.STARTING);
    assertThat(starting.updatedAt()).isEqualTo(T0.plusSeconds(1));
    assertThat(starting.createdAt()).isEqualTo(T0);
    assertThatThrownBy(() -> created.withStatus(DeploymentStatus.STOPPED, T0))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("created")
        .hasMessageContaining("stopped");
  }

  @Test
  void deploymentsAreValidatedAtConstruction() {
    DeploymentId id = DeploymentId.of("d");
    DeploymentStatus st = DeploymentStatus.CREATED;
    assertThatThrownBy(() -> new Deployment(id, " ", "u", List.of("x"), Map.of(), null, st, T0, T0))
        .hasMessageContaining("name");
    assertThatThrownBy(() -> new Deployment(id, "n", "u", List.of(), Map.of(), null, st, T0, T0))
        .hasMessageContaining("command");
    assertThatThrownBy(() -> new Deployment(id, "n", "u", List.of(" "), Map.of(), null, st, T0, T0))
        .hasMessageContaining("command");
    assertThatThrownBy(
            () -> new Deployment(id, "n", "u", List.of("x"), Map.of("A=B", "c"), null, st, T0, T0))
        .hasMessageContaining("env");
    assertThatThrownBy(() -> new Deployment(id, "n", "u", List.of("x"), Map.of(), " ", st, T0, T0))
        .hasMessageContaining("workingDir");
    assertThatThrownBy(() -> new Deployment(id, "n", " ", List.of("x"), Map.of(), null, st, T0, T0))
        .hasMessageContaining("ownerId");
    assertThatThrownBy(
            () ->
                new Deployment(
                    id, "n", "u", List.of("x"), Map.of(), null, st, T0, T0.minusSeconds(1)))
        .hasMessageContaining("updatedAt");
    assertThat(deployment(st).isOwnedBy(new Principal("u1", "ann", Set.of()))).isTrue();
    assertThat(deployment(st).isOwnedBy(new Principal("u2", "bob", Set.of()))).isFalse();
  }

  @Test
  void principalsKnowTheirRoles() {
    Principal admin = new Principal("1", "root", Set.of("admin", "deployer"));
    assertThat(admin.isAdmin()).isTrue();
    assertThat(admin.hasRole("deployer")).isTrue();
    assertThat(new Principal("2", "ann", Set.of()).isAdmin()).isFalse();
    assertThatThrownBy(() -> new Principal(" ", "a", Set.of())).hasMessageContaining("id");
    assertThatThrownBy(() -> new Principal("1", "", Set.of())).hasMessageContaining("username");
    assertThatThrownBy(() -> new Principal("1", "a", Set.of(" "))).hasMessageContaining("role");
  }

  @Test
  void exceptionsCarryWhatTheirMapperNeeds() {
    DeploymentId id = DeploymentId.of("x");
    assertThat(new AccessDeniedException(id, "no").deploymentId()).isEqualTo(id);
    assertThat(new DeploymentNotFoundException(id).deploymentId()).isEqualTo(id);
    assertThat(new CodeRunnerException("m", new RuntimeException("c")))
        .hasCauseInstanceOf(RuntimeException.class);
  }
}
