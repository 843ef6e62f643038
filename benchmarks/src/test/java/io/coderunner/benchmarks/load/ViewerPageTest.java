package io.coderunner.benchmarks.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.LogLevel;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ViewerPageTest {
  @Test
  void defaultsMeasureBothSizesFiveTimes() throws Exception {
    ViewerPage.Options o = ViewerPage.Options.parse(new String[0]);
    assertThat(o.sizes()).containsExactly(100_000, 1_000_000);
    assertThat(o.runs()).isEqualTo(5);
    assertThat(ViewerPage.Options.parse(new String[] {"--lines", "2000, 5000"}).sizes())
        .containsExactly(2000, 5000);
  }

  @Test
  void badOptionsAreNamed() {
    assertThatThrownBy(() -> ViewerPage.Options.parse(new String[] {"--lines", "100,2000"}))
        .hasMessageContaining("--lines must be between 1000");
    assertThatThrownBy(() -> ViewerPage.Options.parse(new String[] {"--runs", "0"}))
        .hasMessageContaining("--runs must be between 1");
    assertThatThrownBy(() -> ViewerPage.Options.parse(new String[] {"--rate", "5"}))
        .hasMessageContaining("unknown option --rate");
  }

  @Test
  void theLogHasANeedleInEveryThousandLinesAndBalancedSections() {
    List<String> lines =
        IntStream.rangeClosed(1, 20_000).mapToObj(i -> ViewerPage.lineAt(i).message()).toList();
    assertThat(lines.stream().filter(m -> m.contains("needle"))).hasSize(20);
    assertThat(lines.stream().filter(m -> m.startsWith("section_start:"))).hasSize(2);
    assertThat(lines.stream().filter(m -> m.startsWith("section_end:"))).hasSize(2);
    assertThat(lines.get(0)).startsWith("section_start:").contains(":step_0");
    assertThat(lines.get(9_999)).startsWith("section_end:").contains(":step_0");
    assertThat(
            IntStream.rangeClosed(1, 1000)
                .filter(i -> ViewerPage.lineAt(i).level() == LogLevel.ERROR))
        .hasSize(2);
  }
}
