package io.coderunner.server.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2-HMAC-SHA256 password hashes as {@code pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>}.
 * Verification compares in constant time and takes as long for a malformed hash as for a real one,
 * so that an unknown user costs as much as a wrong password.
 */
public final class Passwords {
  /** Iterations of new hashes: OWASP's figure for PBKDF2-HMAC-SHA256. */
  public static final int ITERATIONS = 600_000;

  /**
   * Fewest iterations a stored hash may have: OWASP's figure for PBKDF2-HMAC-SHA512, accepted so
   * that hashes made before {@link #ITERATIONS} rose keep working until they are re-made.
   */
  public static final int MIN_ITERATIONS = 210_000;

  private static final String PREFIX = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A hash of an unknown password, checked when the user does not exist. */
  private static final String DUMMY = hash(new char[] {'x'});

  private Passwords() {}

  /** A new hash of {@code password} with a random salt. */
  public static String hash(char[] password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] hash = derive(password, salt, ITERATIONS);
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return PREFIX
        + '$'
        + ITERATIONS
        + '$'
        + b64.encodeToString(salt)
        + '$'
        + b64.encodeToString(hash);
  }

  /**
   * The iterations of a well-formed hash, or 0 if {@code text} is not one. A hash with fewer than
   * {@link #ITERATIONS} is accepted but should be made again.
   */
  public static int iterations(String text) {
    Parsed p = parse(text);
    return p == null ? 0 : p.iterations;
  }

  /** Whether {@code text} is a well-formed hash this class can verify. */
  public static boolean isWellFormed(String text) {
    return parse(text) != null;
  }

  /**
   * Whether {@code password} matches {@code stored}; {@code stored == null} (no such user) checks
   * against a dummy hash and answers false, so both take the same time.
   */
  public static boolean verify(char[] password, @org.jspecify.annotations.Nullable String stored) {
    Parsed parsed = stored == null ? null : parse(stored);
    boolean known = parsed != null;
    Parsed p = known ? parsed : parse(DUMMY);
    if (p == null) {
      return false;
    }
    byte[] actual = derive(password, p.salt, p.iterations);
    return MessageDigest.isEqual(actual, p.hash) && known;
  }

  private static final class Parsed {
    final int iterations;
    final byte[] salt;
    final byte[] hash;

    Parsed(int iterations, byte[] salt, byte[] hash) {
      this.iterations = iterations;
      this.salt = salt;
      this.hash = hash;
    }
  }

  private static @org.jspecify.annotations.Nullable Parsed parse(String text) {
    String[] parts = text.split("\\$", -1);
    if (parts.length != 4 || !PREFIX.equals(parts[0])) {
      return null;
    }
    try {
      int iterations = Integer.parseInt(parts[1]);
      byte[] salt = Base64.getDecoder().decode(parts[2]);
      byte[] hash = Base64.getDecoder().decode(parts[3]);
      if (iterations < MIN_ITERATIONS
          || iterations > 10_000_000
          || salt.length < 8
          || hash.length != HASH_BITS / 8) {
        return null;
      }
      return new Parsed(iterations, salt, hash);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static byte[] derive(char[] password, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK lacks PBKDF2WithHmacSHA256", e);
    } finally {
      spec.clearPassword();
    }
  }
}
