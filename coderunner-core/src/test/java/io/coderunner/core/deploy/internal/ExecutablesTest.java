package io.coderunner.core.deploy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutablesTest {

  @Test
  void theFirstExecutableInAnAbsolutePathEntryWins(@TempDir Path dir) throws Exception {
    Path first = Files.createDirectory(dir.resolve("first"));
    Path second = Files.createDirectory(dir.resolve("second"));
    Files.writeString(first.resolve("app"), "not executable");
    Path app = Files.writeString(second.resolve("app"), "#!/bin/sh\n");
    assertThat(app.toFile().setExecutable(true)).isTrue();
    Files.createDirectories(dir.resolve("zero/app")); // a directory is no executable

    String path = "relative::" + dir.resolve("zero") + ":" + first + ":" + second + ":\0bad";
    assertThat(Executables.findOnPath("app", path)).contains(app);
  }

  @Test
  void namesWithASlashMissingNamesAndNoPathFindNothing() {
    assertThat(Executables.findOnPath("bin/sh", "/")).isEmpty();
    assertThat(Executables.findOnPath("sh", null)).isEmpty();
    assertThat(Executables.findOnPath("no-such-command-anywhere", "/usr/bin:/bin")).isEmpty();
    assertThat(Executables.findOnPath("sh", "/usr/bin:/bin")).isPresent();
  }
}
