package io.coderunner.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the system commands the disk fixtures need (mount, losetup, mkfs), failing loudly. */
final class RootCommands {
  private RootCommands() {}

  /** Runs {@code command}; its output, if it exits with 0 or {@code alsoOk}. */
  static String run(int alsoOk, String... command) throws IOException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
    assertThat(p.exitValue())
        .as(
            String.join(" ", command)
                + " (needs root, as CI runs, and the tools of scripts/install-test-deps): "
                + out)
        .isIn(0, alsoOk);
    return out;
  }

  /** Runs {@code command}; its output, if it exits with 0. */
  static String run(String... command) throws IOException {
    return run(0, command);
  }
}
