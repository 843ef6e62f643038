package io.coderunner.core.deploy.internal;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** Looks an executable's bare name up on a {@code PATH}, strictly. */
public final class Executables {
  private Executables() {}

  /**
   * The first regular, executable file named {@code name} in the absolute directories of {@code
   * path} (colon-separated). Empty and relative entries, which would depend on the working
   * directory, are skipped.
   */
  public static Optional<Path> findOnPath(String name, @Nullable String path) {
    if (path == null || name.indexOf('/') >= 0) {
      return Optional.empty();
    }
    for (String dir : path.split(":", -1)) {
      if (!dir.startsWith("/")) {
        continue;
      }
      try {
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
          return Optional.of(candidate);
        }
      } catch (InvalidPathException e) {
        // a PATH entry that is no valid path cannot hold the executable
      }
    }
    return Optional.empty();
  }
}
