package io.coderunner.server;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The system binaries integration tests drive (promtool, prometheus, chromium): a test skips with
 * the Debian package to install when one is missing, and fails under {@code CI=true}, where {@code
 * scripts/install-test-deps} has run.
 */
final class Binaries {
  private Binaries() {}

  /** Skips the calling test when {@code binary} is missing, or fails it under {@code CI=true}. */
  static void require(Path binary, String debianPackage) {
    Assumptions.assumeTrue(installed(binary, debianPackage), () -> missing(binary, debianPackage));
  }

  /**
   * Whether {@code binary} is installed; fails under {@code CI=true} when it is not. For set-up
   * code, which should leave the skip to each test ({@link #require}), so that the reports count
   * the skipped tests and give the reason.
   */
  static boolean installed(Path binary, String debianPackage) {
    if (Files.isExecutable(binary)) {
      return true;
    }
    if ("true".equals(System.getenv("CI"))) {
      fail(missing(binary, debianPackage));
    }
    return false;
  }

  private static String missing(Path binary, String debianPackage) {
    return binary
        + " not installed (Debian package "
        + debianPackage
        + "): run scripts/install-test-deps";
  }
}
