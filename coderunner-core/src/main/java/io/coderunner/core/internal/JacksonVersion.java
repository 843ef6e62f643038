package io.coderunner.core.internal;

import com.fasterxml.jackson.core.Version;
import org.jspecify.annotations.Nullable;

/**
 * The Jackson that core needs, checked where core first uses it (the wire codec, the JWT service):
 * 2.18 or newer, since 2.18 added {@code JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8},
 * which the codec enables so that a character outside the BMP is written as one UTF-8 sequence. An
 * older Jackson would fail later with a {@link NoSuchFieldError} that names neither CodeRunner nor
 * a fix; this check fails at once with both.
 */
public final class JacksonVersion {
  /** The oldest Jackson (core and databind) core runs with, as major and minor. */
  public static final int MIN_MAJOR = 2;

  public static final int MIN_MINOR = 18;

  private static final @Nullable String PROBLEM =
      problem(
          com.fasterxml.jackson.core.json.PackageVersion.VERSION,
          com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION);

  private JacksonVersion() {}

  /**
   * Checks the Jackson on the class path.
   *
   * @throws IllegalStateException naming the versions found and the one needed, when older
   */
  public static void require() {
    if (PROBLEM != null) {
      throw new IllegalStateException(PROBLEM);
    }
  }

  /** What is wrong with these versions, or null when both are new enough. */
  static @Nullable String problem(Version core, Version databind) {
    if (newEnough(core) && newEnough(databind)) {
      return null;
    }
    return "CodeRunner needs Jackson "
        + MIN_MAJOR
        + "."
        + MIN_MINOR
        + " or newer, but the class path has jackson-core "
        + core
        + " and jackson-databind "
        + databind
        + "; align Jackson to "
        + MIN_MAJOR
        + "."
        + MIN_MINOR
        + "+ (import com.fasterxml.jackson:jackson-bom, or let coderunner-bom's versions win)";
  }

  private static boolean newEnough(Version v) {
    return v.getMajorVersion() > MIN_MAJOR
        || (v.getMajorVersion() == MIN_MAJOR && v.getMinorVersion() >= MIN_MINOR);
  }
}
