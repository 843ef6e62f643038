package io.coderunner.server;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The system binaries integration tests drive (promtool, prometheus, chromium), and the files they
 * load (axe-core): a test skips with the package to install when one is missing, and fails under
 * {@code CI=true}, where {@code scripts/install-test-deps} has run.
 */
final class Binaries {
  private Binaries() {}

  /** Skips the calling test when {@code binary} is missing, or fails it under {@code CI=true}. */
  static void require(Path binary, String debianPackage) {
    Assumptions.assumeTrue(
        installed(binary, debianPackage), () -> missing(binary, "Debian package " + debianPackage));
  }

  /**
   * Skips the calling test when {@code file}, which is read rather than run, is missing, or fails
   * it under {@code CI=true}; {@code source} names what provides it, such as {@code "npm package
   * axe-core"}.
   */
  static void requireFile(Path file, String source) {
    Assumptions.assumeTrue(
        present(Files.isRegularFile(file), file, source), () -> missing(file, source));
  }

  /**
   * Whether {@code binary} is installed; fails under {@code CI=true} when it is not. For set-up
   * code, which should leave the skip to each test ({@link #require}), so that the reports count
   * the skipped tests and give the reason.
   */
  static boolean installed(Path binary, String debianPackage) {
    return present(Files.isExecutable(binary), binary, "Debian package " + debianPackage);
  }

  private static boolean present(boolean present, Path file, String source) {
    if (!present && "true".equals(System.getenv("CI"))) {
      fail(missing(file, source));
    }
    return present;
  }

  private static String missing(Path file, String source) {
    return file + " not installed (" + source + "): run scripts/install-test-deps";
  }
}
