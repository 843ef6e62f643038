package io.coderunner.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version and commit this build was made from, for {@code --version}. */
public final class BuildInfo {
  private BuildInfo() {}

  /** {@code coderunner-reference-server 0.1.0 (commit 1a2b3c4)}, with what is known. */
  public static String describe() {
    Properties p = new Properties();
    try (InputStream in =
        BuildInfo.class.getResourceAsStream("/io/coderunner/server/build.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      // a build without the file says what it does not know
    }
    String version = p.getProperty("git.build.version");
    if (version == null || version.isBlank()) {
      version = BuildInfo.class.getPackage().getImplementationVersion();
    }
    String commit = p.getProperty("git.commit.id");
    String dirty = "true".equals(p.getProperty("git.dirty")) ? ", with uncommitted changes" : "";
    return "coderunner-reference-server "
        + (version == null ? "(version unknown)" : version)
        + " (commit "
        + (commit == null || commit.isBlank() ? "unknown" : commit)
        + dirty
        + ")";
  }
}
