package io.coderunner.core.auth;

import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;

/**
 * Settings of a {@link JwtService}: who issues tokens, for whom, for how long, and with which keys
 * they are signed and verified. Immutable; build one with {@link #builder()} and derive a variant
 * (for example to rotate keys) with {@link #toBuilder()}.
 *
 * <p>Each setter checks its value at once and throws {@link IllegalArgumentException} naming the
 * setting; {@link Builder#build()} checks what needs several settings together. Secrets are copied
 * in and never handed out, and {@link #toString()} does not show them.
 *
 * <pre>{@code
 * JwtConfig config = JwtConfig.builder()
 *     .signingSecret(secretBytes)              // HS256, at least 32 bytes
 *     .signingKeyId("k2")                      // written to the header of issued tokens
 *     .verificationKey("k1", oldSecretBytes)   // tokens signed before the rotation still verify
 *     .tokenTtl(Duration.ofHours(1))
 *     .build();
 * }</pre>
 */
public final class JwtConfig {
  /** Default {@code iss}. */
  public static final String DEFAULT_ISSUER = "coderunner";

  /** Default {@code aud}. */
  public static final String DEFAULT_AUDIENCE = "coderunner";

  /** Default lifetime of an issued token. */
  public static final Duration DEFAULT_TOKEN_TTL = Duration.ofHours(1);

  /** Default tolerance for clock skew on {@code exp}, {@code nbf} and {@code iat}. */
  public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(30);

  /** Default longest token accepted, in characters. */
  public static final int DEFAULT_MAX_TOKEN_LENGTH = 8192;

  /** Shortest HMAC secret accepted, in bytes (the HS256 output size, as RFC 7518 requires). */
  public static final int MIN_HMAC_SECRET_BYTES = 32;

  /** Smallest RSA modulus accepted, in bits. */
  public static final int MIN_RSA_KEY_BITS = 2048;

  static final Duration MIN_TOKEN_TTL = Duration.ofSeconds(1);
  static final Duration MAX_TOKEN_TTL = Duration.ofDays(30);
  static final Duration MAX_LEEWAY = Duration.ofMinutes(5);
  static final int MIN_MAX_TOKEN_LENGTH = 256;
  static final int MAX_MAX_TOKEN_LENGTH = 1 << 20;
  static final int MAX_KEY_ID_LENGTH = 128;
  static final int MAX_NAME_LENGTH = 256;

  private static final String HMAC_SHA256 = "HmacSHA256";

  private final String issuer;
  private final String audience;
  private final Duration tokenTtl;
  private final Duration leeway;
  private final @Nullable SecretKey signingKey;
  private final @Nullable String signingKeyId;
  private final Map<String, Key> verificationKeys;
  private final int maxTokenLength;

  private JwtConfig(Builder builder) {
    this.issuer = builder.issuer;
    this.audience = builder.audience;
    this.tokenTtl = builder.tokenTtl;
    this.leeway = builder.leeway;
    this.signingKey = builder.signingKey;
    this.signingKeyId = builder.signingKeyId;
    this.verificationKeys =
        Collections.unmodifiableMap(new LinkedHashMap<>(builder.verificationKeys));
    this.maxTokenLength = builder.maxTokenLength;
  }

  /**
   * A builder with every default set and no key.
   *
   * @return a new builder; {@link Builder#build()} needs at least one key
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder holding this config's values, keys included, to derive a variant.
   *
   * @return a new builder; changing it leaves this config as it is
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * The {@code iss} written into issued tokens and required of verified ones.
   *
   * @return the issuer, 1 to 256 characters
   */
  public String issuer() {
    return issuer;
  }

  /**
   * The {@code aud} written into issued tokens and required of verified ones.
   *
   * @return the audience, 1 to 256 characters
   */
  public String audience() {
    return audience;
  }

  /**
   * How long an issued token is valid.
   *
   * @return the lifetime, 1 second to 30 days
   */
  public Duration tokenTtl() {
    return tokenTtl;
  }

  /**
   * Tolerance for clock skew on {@code exp}, {@code nbf} and {@code iat}.
   *
   * @return the leeway, 0 to 5 minutes
   */
  public Duration leeway() {
    return leeway;
  }

  /**
   * Whether an HS256 signing secret is set, so that the service can issue tokens.
   *
   * @return {@code true} if {@link JwtService#issue} works with this config
   */
  public boolean canIssue() {
    return signingKey != null;
  }

  /**
   * The {@code kid} written into the header of issued tokens, or {@code null} for none.
   *
   * @return the key id, or {@code null}
   */
  public @Nullable String signingKeyId() {
    return signingKeyId;
  }

  /**
   * The ids of the extra verification keys, in the order they were added. The keys themselves are
   * not handed out.
   *
   * @return the ids; unmodifiable, empty if only the signing secret verifies
   */
  public Set<String> verificationKeyIds() {
    return verificationKeys.keySet();
  }

  /**
   * Longest token accepted, in characters.
   *
   * @return the limit, 256 to 1,048,576
   */
  public int maxTokenLength() {
    return maxTokenLength;
  }

  /** The HS256 signing secret; package-private so that the secret never leaves the package. */
  @Nullable SecretKey signingKey() {
    return signingKey;
  }

  /**
   * The extra verification keys by {@code kid}: {@link SecretKey}, {@link RSAPublicKey} or {@link
   * ECPublicKey}.
   */
  Map<String, Key> verificationKeys() {
    return verificationKeys;
  }

  @Override
  public String toString() {
    return "JwtConfig{issuer="
        + issuer
        + ", audience="
        + audience
        + ", tokenTtl="
        + tokenTtl
        + ", leeway="
        + leeway
        + ", signingSecret="
        + (signingKey == null ? "none" : "set")
        + ", signingKeyId="
        + signingKeyId
        + ", verificationKeyIds="
        + verificationKeys.keySet()
        + ", maxTokenLength="
        + maxTokenLength
        + '}';
  }

  /**
   * Collects settings for a {@link JwtConfig}. Each setter validates its value at once; the builder
   * is not thread-safe.
   */
  public static final class Builder {
    private String issuer = DEFAULT_ISSUER;
    private String audience = DEFAULT_AUDIENCE;
    private Duration tokenTtl = DEFAULT_TOKEN_TTL;
    private Duration leeway = DEFAULT_LEEWAY;
    private @Nullable SecretKey signingKey;
    private @Nullable String signingKeyId;
    private final Map<String, Key> verificationKeys = new LinkedHashMap<>();
    private int maxTokenLength = DEFAULT_MAX_TOKEN_LENGTH;

    private Builder() {}

    private Builder(JwtConfig config) {
      this.issuer = config.issuer;
      this.audience = config.audience;
      this.tokenTtl = config.tokenTtl;
      this.leeway = config.leeway;
      this.signingKey = config.signingKey;
      this.signingKeyId = config.signingKeyId;
      this.verificationKeys.putAll(config.verificationKeys);
      this.maxTokenLength = config.maxTokenLength;
    }

    /**
     * The {@code iss} claim: written into issued tokens and required of verified ones. Default
     * {@value JwtConfig#DEFAULT_ISSUER}; 1 to 256 characters, not blank.
     *
     * @param issuer the issuer
     * @return this builder
     * @throws IllegalArgumentException if {@code issuer} is blank or too long
     * @throws NullPointerException if {@code issuer} is null
     */
    public Builder issuer(String issuer) {
      this.issuer = checkName("issuer", issuer);
      return this;
    }

    /**
     * The {@code aud} claim: written into issued tokens and required (alone or in an array) of
     * verified ones. Default {@value JwtConfig#DEFAULT_AUDIENCE}; 1 to 256 characters, not blank.
     *
     * @param audience the audience
     * @return this builder
     * @throws IllegalArgumentException if {@code audience} is blank or too long
     * @throws NullPointerException if {@code audience} is null
     */
    public Builder audience(String audience) {
      this.audience = checkName("audience", audience);
      return this;
    }

    /**
     * How long an issued token is valid. Default 1 hour; from 1 second to 30 days.
     *
     * @param tokenTtl the lifetime
     * @return this builder
     * @throws IllegalArgumentException if {@code tokenTtl} is out of range
     * @throws NullPointerException if {@code tokenTtl} is null
     */
    public Builder tokenTtl(Duration tokenTtl) {
      Objects.requireNonNull(tokenTtl, "tokenTtl");
      if (tokenTtl.compareTo(MIN_TOKEN_TTL) < 0 || tokenTtl.compareTo(MAX_TOKEN_TTL) > 0) {
        throw new IllegalArgumentException(
            "tokenTtl must be between 1 second and 30 days, was " + tokenTtl);
      }
      this.tokenTtl = tokenTtl;
      return this;
    }

    /**
     * Tolerance for clock skew between issuer and verifier, applied to {@code exp}, {@code nbf} and
     * {@code iat}. Default 30 seconds; from 0 to 5 minutes.
     *
     * @param leeway the tolerance
     * @return this builder
     * @throws IllegalArgumentException if {@code leeway} is out of range
     * @throws NullPointerException if {@code leeway} is null
     */
    public Builder leeway(Duration leeway) {
      Objects.requireNonNull(leeway, "leeway");
      if (leeway.isNegative() || leeway.compareTo(MAX_LEEWAY) > 0) {
        throw new IllegalArgumentException("leeway must be between 0 and 5 minutes, was " + leeway);
      }
      this.leeway = leeway;
      return this;
    }

    /**
     * The HS256 secret that signs issued tokens and verifies tokens without a {@code kid} (or with
     * the {@link #signingKeyId}). At least 32 bytes; copied. Optional when the service only
     * verifies with {@linkplain #verificationKey keys by id}; without it {@link JwtService#issue}
     * refuses.
     *
     * @param secret the raw secret; at least {@value JwtConfig#MIN_HMAC_SECRET_BYTES} bytes
     * @return this builder
     * @throws IllegalArgumentException if {@code secret} is shorter than 32 bytes
     * @throws NullPointerException if {@code secret} is null
     */
    public Builder signingSecret(byte[] secret) {
      this.signingKey = hmacKey("signingSecret", secret);
      return this;
    }

    /**
     * The {@code kid} written into the header of issued tokens; tokens carrying it are verified
     * with the {@linkplain #signingSecret signing secret}. Default none; 1 to 128 characters, not
     * blank, or {@code null} to clear it.
     *
     * @param keyId the key id, or {@code null} for none
     * @return this builder
     * @throws IllegalArgumentException if {@code keyId} is blank or longer than 128 characters
     */
    public Builder signingKeyId(@Nullable String keyId) {
      this.signingKeyId = keyId == null ? null : checkKeyId("signingKeyId", keyId);
      return this;
    }

    /**
     * Adds an HS256 secret that verifies tokens whose header names {@code keyId}, such as the
     * previous signing secret during a rotation. At least 32 bytes; copied.
     *
     * @param keyId the {@code kid} tokens name this key by; 1 to 128 characters
     * @param secret the raw secret bytes
     * @return this builder
     * @throws NullPointerException if {@code keyId} or {@code secret} is null
     * @throws IllegalArgumentException if the secret is too short or {@code keyId} is blank, too
     *     long or already added
     */
    public Builder verificationKey(String keyId, byte[] secret) {
      String id = checkNewKeyId(keyId);
      verificationKeys.put(id, hmacKey("verificationKey '" + id + "'", secret));
      return this;
    }

    /**
     * Adds an RSA public key that verifies RS256 tokens whose header names {@code keyId}. The
     * modulus must have at least 2048 bits.
     *
     * @param keyId the {@code kid} tokens name this key by; 1 to 128 characters
     * @param publicKey the issuer's public key
     * @return this builder
     * @throws NullPointerException if {@code keyId} or {@code publicKey} is null
     * @throws IllegalArgumentException if the key is too small or {@code keyId} is blank, too long
     *     or already added
     */
    public Builder verificationKey(String keyId, RSAPublicKey publicKey) {
      String id = checkNewKeyId(keyId);
      Objects.requireNonNull(publicKey, "publicKey");
      int bits = publicKey.getModulus().bitLength();
      if (bits < MIN_RSA_KEY_BITS) {
        throw new IllegalArgumentException(
            "verificationKey '"
                + id
                + "' must be an RSA key of at least "
                + MIN_RSA_KEY_BITS
                + " bits, was "
                + bits);
      }
      verificationKeys.put(id, publicKey);
      return this;
    }

    /**
     * Adds an EC public key on curve P-256 (secp256r1) that verifies ES256 tokens whose header
     * names {@code keyId}.
     *
     * @param keyId the {@code kid} tokens name this key by; 1 to 128 characters
     * @param publicKey the issuer's public key
     * @return this builder
     * @throws NullPointerException if {@code keyId} or {@code publicKey} is null
     * @throws IllegalArgumentException if the key is on another curve or {@code keyId} is blank,
     *     too long or already added
     */
    public Builder verificationKey(String keyId, ECPublicKey publicKey) {
      String id = checkNewKeyId(keyId);
      Objects.requireNonNull(publicKey, "publicKey");
      if (!P256.isOnCurve(publicKey.getParams())) {
        throw new IllegalArgumentException(
            "verificationKey '" + id + "' must be an EC key on curve P-256 (secp256r1) for ES256");
      }
      verificationKeys.put(id, publicKey);
      return this;
    }

    /**
     * Removes the verification key {@code keyId}, if present; for example after a rotation.
     *
     * @param keyId the key's id; an unknown id is ignored
     * @return this builder
     * @throws NullPointerException if {@code keyId} is null
     */
    public Builder removeVerificationKey(String keyId) {
      verificationKeys.remove(Objects.requireNonNull(keyId, "keyId"));
      return this;
    }

    /**
     * Longest token accepted, in characters; a longer one is rejected before it is parsed. Default
     * 8192; from 256 to 1,048,576.
     *
     * @param chars the limit in characters
     * @return this builder
     * @throws IllegalArgumentException if {@code chars} is out of range
     */
    public Builder maxTokenLength(int chars) {
      if (chars < MIN_MAX_TOKEN_LENGTH || chars > MAX_MAX_TOKEN_LENGTH) {
        throw new IllegalArgumentException(
            "maxTokenLength must be between "
                + MIN_MAX_TOKEN_LENGTH
                + " and "
                + MAX_MAX_TOKEN_LENGTH
                + " characters, was "
                + chars);
      }
      this.maxTokenLength = chars;
      return this;
    }

    /**
     * The config.
     *
     * @return a new config; the builder may be used again
     * @throws IllegalArgumentException if there is no key at all, if a {@code signingKeyId} is set
     *     without a signing secret, or if it is also the id of a verification key
     */
    public JwtConfig build() {
      if (signingKey == null && verificationKeys.isEmpty()) {
        throw new IllegalArgumentException(
            "at least one key is required: set signingSecret or add a verificationKey");
      }
      String kid = signingKeyId;
      if (kid != null) {
        if (signingKey == null) {
          throw new IllegalArgumentException("signingKeyId is set but signingSecret is not");
        }
        if (verificationKeys.containsKey(kid)) {
          throw new IllegalArgumentException(
              "signingKeyId '" + kid + "' is also the id of a verificationKey");
        }
      }
      return new JwtConfig(this);
    }

    private String checkNewKeyId(String keyId) {
      String id = checkKeyId("verificationKey id", keyId);
      if (verificationKeys.containsKey(id)) {
        throw new IllegalArgumentException(
            "verificationKey '" + id + "' is already added; remove it first to replace it");
      }
      return id;
    }

    private static SecretKey hmacKey(String setting, byte[] secret) {
      Objects.requireNonNull(secret, setting);
      if (secret.length < MIN_HMAC_SECRET_BYTES) {
        throw new IllegalArgumentException(
            setting
                + " must be at least "
                + MIN_HMAC_SECRET_BYTES
                + " bytes (256 bits) for HS256, was "
                + secret.length
                + " bytes");
      }
      return new SecretKeySpec(secret, HMAC_SHA256);
    }

    private static String checkKeyId(String setting, String keyId) {
      Objects.requireNonNull(keyId, setting);
      if (keyId.isBlank() || keyId.length() > MAX_KEY_ID_LENGTH) {
        throw new IllegalArgumentException(
            setting + " must be 1-" + MAX_KEY_ID_LENGTH + " characters and not blank");
      }
      return keyId;
    }

    private static String checkName(String setting, String value) {
      Objects.requireNonNull(value, setting);
      if (value.isBlank() || value.length() > MAX_NAME_LENGTH) {
        throw new IllegalArgumentException(
            setting + " must be 1-" + MAX_NAME_LENGTH + " characters and not blank");
      }
      return value;
    }
  }

  /** The parameters of NIST P-256, the only curve ES256 allows. */
  private static final class P256 {
    private static final ECParameterSpec SPEC = load();

    private static ECParameterSpec load() {
      try {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        return parameters.getParameterSpec(ECParameterSpec.class);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("this JDK does not support curve secp256r1", e);
      }
    }

    static boolean isOnCurve(ECParameterSpec params) {
      return params.getCurve().equals(SPEC.getCurve())
          && params.getGenerator().equals(SPEC.getGenerator())
          && params.getOrder().equals(SPEC.getOrder())
          && params.getCofactor() == SPEC.getCofactor();
    }

    private P256() {}
  }
}
