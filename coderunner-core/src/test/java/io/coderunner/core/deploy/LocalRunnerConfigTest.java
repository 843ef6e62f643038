package io.coderunner.core.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LocalRunnerConfigTest {

  @Test
  void defaultsAllowNothingAndInheritPathHomeAndLang() {
    LocalRunnerConfig c = LocalRunnerConfig.defaults();
    assertThat(c.allowedCommands()).isEmpty();
    assertThat(c.stopGrace()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.maxLineBytes()).isEqualTo(64 << 10);
    assertThat(c.inheritedVariables()).containsExactlyInAnyOrder("PATH", "HOME", "LANG");
    assertThat(c.baseEnvironment()).isEmpty();
    assertThat(c.defaultWorkingDir()).isNull();
    assertThat(LocalRunnerConfig.builder().build()).isEqualTo(c).hasSameHashCodeAs(c);
  }

  @Test
  void toBuilderKeepsEverySettingAndToStringHidesEnvironmentValues() {
    LocalRunnerConfig c =
        LocalRunnerConfig.builder()
            .allowedCommands(List.of("sh", "/usr/bin/python3"))
            .stopGrace(Duration.ZERO)
            .maxLineBytes(256)
            .inheritedVariables(Set.of("PATH"))
            .baseEnvironment(Map.of("TOKEN", "s3cret"))
            .defaultWorkingDir(Path.of("/tmp"))
            .build();

    assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
    assertThat(c).isNotEqualTo(LocalRunnerConfig.defaults()).isNotEqualTo("config");
    assertThat(c.toString()).contains("TOKEN", "python3").doesNotContain("s3cret");
    assertThat(c.toBuilder().maxLineBytes(1 << 20).build()).isNotEqualTo(c);
  }

  @Test
  void allowedCommandsMustBeBareNamesOrAbsolutePaths() {
    for (String bad : List.of("", "./run.sh", "bin/app", "/", ".", "..", " sh", "s\0h")) {
      assertThatThrownBy(() -> LocalRunnerConfig.builder().allowedCommands(List.of(bad)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("allowedCommands entries must be bare names or absolute paths");
    }
  }

  @Test
  void badValuesAreRefusedByName() {
    LocalRunnerConfig.Builder b = LocalRunnerConfig.builder();
    assertThatThrownBy(() -> b.stopGrace(Duration.ofSeconds(-1)))
        .hasMessage("stopGrace must be between 0 and 10 min, was PT-1S");
    assertThatThrownBy(() -> b.stopGrace(Duration.ofMinutes(11))).hasMessageContaining("stopGrace");
    assertThatThrownBy(() -> b.maxLineBytes(255))
        .hasMessage("maxLineBytes must be between 256 and 1048576, was 255");
    assertThatThrownBy(() -> b.maxLineBytes((1 << 20) + 1)).hasMessageContaining("maxLineBytes");
    assertThatThrownBy(() -> b.inheritedVariables(List.of("A=B")))
        .hasMessageContaining("inheritedVariables names");
    assertThatThrownBy(() -> b.baseEnvironment(Map.of("", "x")))
        .hasMessageContaining("baseEnvironment names");
    assertThatThrownBy(() -> b.baseEnvironment(Map.of("A", "x\0y")))
        .hasMessage("baseEnvironment value of A must not contain NUL");
  }
}
