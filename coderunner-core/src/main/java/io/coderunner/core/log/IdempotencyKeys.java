package io.coderunner.core.log;

import io.coderunner.core.LogEntry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The rules for idempotency keys, in one place for every store and transport: what a key may look
 * like, and the fingerprint that tells a retry of an append from a different append under the same
 * key.
 */
public final class IdempotencyKeys {
  /** Longest key accepted, in characters. */
  public static final int MAX_LENGTH = 255;

  private IdempotencyKeys() {}

  /**
   * Checks that {@code key} is 1 to {@value #MAX_LENGTH} visible ASCII characters (no spaces or
   * control characters), as a UUID or any token a client generates is.
   *
   * @param key the key
   * @return {@code key}
   * @throws IllegalArgumentException naming what is wrong with it
   */
  public static String check(String key) {
    if (key.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    if (key.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("must be at most " + MAX_LENGTH + " characters");
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x21 || c > 0x7e) {
        throw new IllegalArgumentException(
            "must be visible ASCII characters, without spaces; found one at " + i);
      }
    }
    return key;
  }

  /**
   * The SHA-256, in lower-case hex, of what {@code entries} carry: each message, level, stream and
   * timestamp (or its absence), so that the same lines give the same fingerprint however their JSON
   * was spelled.
   *
   * @param entries the lines of an append
   * @return 64 hex digits
   */
  public static String fingerprint(List<LogEntry> entries) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    byte[] sep = {0};
    for (LogEntry e : entries) {
      Instant ts = e.timestamp();
      String head =
          e.level().name()
              + ' '
              + e.stream().name()
              + ' '
              + (ts == null ? "-" : ts.getEpochSecond() + "." + ts.getNano())
              + ' '
              + e.message().length()
              + ' ';
      sha.update(head.getBytes(StandardCharsets.UTF_8));
      sha.update(e.message().getBytes(StandardCharsets.UTF_8));
      sha.update(sep);
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
