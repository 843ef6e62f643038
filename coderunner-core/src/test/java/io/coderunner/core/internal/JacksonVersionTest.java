package io.coderunner.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.core.Version;
import org.junit.jupiter.api.Test;

class JacksonVersionTest {
  private static Version v(int major, int minor, int patch) {
    return new Version(major, minor, patch, null, "com.fasterxml.jackson.core", "jackson-core");
  }

  @Test
  void theJacksonWeBuildWithIsNewEnough() {
    assertThatCode(JacksonVersion::require).doesNotThrowAnyException();
  }

  @Test
  void twoEighteenAndNewerAreNewEnough() {
    assertThat(JacksonVersion.problem(v(2, 18, 0), v(2, 18, 0))).isNull();
    assertThat(JacksonVersion.problem(v(2, 21, 8), v(2, 19, 1))).isNull();
    assertThat(JacksonVersion.problem(v(3, 0, 0), v(3, 0, 0))).isNull();
  }

  @Test
  void anOlderCoreOrDatabindIsNamedWithTheVersionNeeded() {
    assertThat(JacksonVersion.problem(v(2, 17, 3), v(2, 21, 8)))
        .startsWith("CodeRunner needs Jackson 2.18 or newer")
        .contains("jackson-core 2.17.3")
        .contains("jackson-databind 2.21.8");
    assertThat(JacksonVersion.problem(v(2, 21, 8), v(2, 17, 3)))
        .contains("jackson-databind 2.17.3");
    assertThat(JacksonVersion.problem(v(1, 99, 0), v(2, 18, 0))).isNotNull();
  }
}
