package io.coderunner.storage;

import java.util.Locale;

/**
 * When an acknowledged append is on the disk. The policy trades the lines a crash of the machine
 * (power, kernel) can lose for append cost; a crash of the server process alone loses nothing that
 * was written to the operating system under any policy.
 */
public enum FsyncPolicy {
  /** Every append is written and fsynced before it is acknowledged. */
  ALWAYS,
  /**
   * Appends are acknowledged at once and written behind in batches, each fsynced: at most the
   * configured interval of acknowledged lines is at risk.
   */
  BATCH,
  /** Appends are written behind in batches and never fsynced; the operating system decides. */
  NONE;

  /**
   * The policy named {@code name} ({@code always}, {@code batch} or {@code none}, any case).
   *
   * @param name the policy's name
   * @return the policy
   * @throws IllegalArgumentException for any other name
   */
  public static FsyncPolicy fromName(String name) {
    for (FsyncPolicy p : values()) {
      if (p.name().equalsIgnoreCase(name.trim())) {
        return p;
      }
    }
    throw new IllegalArgumentException("must be always, batch or none, was " + name);
  }

  /**
   * The policy's name as configured.
   *
   * @return {@code always}, {@code batch} or {@code none}
   */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
