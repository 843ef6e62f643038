package io.coderunner.core.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.JWTCreationException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.AuthenticationException.Reason;
import io.coderunner.core.internal.JacksonVersion;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.security.Key;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import javax.crypto.SecretKey;
import org.jspecify.annotations.Nullable;

/**
 * Issues and verifies the bearer tokens (JWT, compact JWS) that every CodeRunner transport accepts.
 *
 * <p><b>Creating it.</b> {@code JwtService.create(config, Clock.systemUTC())}, with a {@link
 * JwtConfig} that holds the keys. The clock decides {@code iat}, {@code exp} and every time check;
 * tests pass a fixed one. Creating it does no I/O and starts no thread, so there is nothing to
 * close.
 *
 * <p><b>Sharing it.</b> Create one per application and share it between the REST API, the WebSocket
 * endpoint and everything else that checks tokens. It is immutable: to rotate keys, build a new
 * config with {@link JwtConfig#toBuilder()}, create a new service and swap the reference.
 *
 * <p><b>Thread safety.</b> Thread-safe: {@link #issue} and {@link #verify} may be called from any
 * number of threads at once, without locks.
 *
 * <p><b>Rejected tokens.</b> {@link #verify} throws {@link AuthenticationException}, whose {@link
 * AuthenticationException.Reason} says why and whose message is safe to show the client (it never
 * echoes the token, a claim value or a secret). Nothing is logged, counted or remembered here; the
 * transport maps the exception to 401 or close code 4401. No exception of the underlying JWT
 * library escapes.
 *
 * <p><b>What is accepted.</b> A token is checked in this order: its length ({@code maxTokenLength},
 * before any parsing); its header, whose {@code alg} must be {@code HS256}, {@code RS256} or {@code
 * ES256} and must match the key; the key, chosen by the header's {@code kid} (an unknown {@code
 * kid} is rejected) or, without one, the signing secret; the signature; then the claims: {@code
 * exp} (required), {@code nbf} and {@code iat} (optional, not in the future) within the leeway,
 * {@code iss} and {@code aud} (required, the configured values; {@code aud} may be an array that
 * contains ours), {@code sub} (required, non-blank), {@code name} (optional, defaults to {@code
 * sub}), {@code roles} (optional array of strings) and {@code jti} (optional string). Any token
 * that a standard JWT library signs with the same key and claims is accepted. Headers that point at
 * keys elsewhere ({@code jku}, {@code jwk}, {@code x5u}) are ignored, and a {@code crit} header is
 * refused, since no extension is supported.
 */
public final class JwtService {
  static final String HS256 = "HS256";
  static final String RS256 = "RS256";
  static final String ES256 = "ES256";

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private final JwtConfig config;
  private final Clock clock;
  private final @Nullable Algorithm signer;
  private final @Nullable VerificationKey defaultKey;
  private final Map<String, VerificationKey> keysById;

  /** A key that verifies one algorithm. */
  private record VerificationKey(String algorithm, Algorithm verifier) {}

  private JwtService(JwtConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    SecretKey signingKey = config.signingKey();
    if (signingKey == null) {
      this.signer = null;
      this.defaultKey = null;
    } else {
      Algorithm hmac = Algorithm.HMAC256(signingKey.getEncoded());
      this.signer = hmac;
      this.defaultKey = new VerificationKey(HS256, hmac);
    }
    Map<String, VerificationKey> keys = new HashMap<>();
    config.verificationKeys().forEach((kid, key) -> keys.put(kid, verificationKey(key)));
    String signingKeyId = config.signingKeyId();
    if (signingKeyId != null && defaultKey != null) {
      keys.put(signingKeyId, defaultKey);
    }
    this.keysById = Map.copyOf(keys);
  }

  /**
   * A service that issues and verifies tokens as {@code config} says, reading time from {@code
   * clock}. Create one per application and share it.
   *
   * @param config issuer, audience, lifetimes and keys
   * @param clock source of {@code iat}, {@code exp} and the time every check compares against
   * @return a new service
   * @throws NullPointerException if {@code config} or {@code clock} is null
   * @throws IllegalStateException when the class path has a Jackson older than 2.18
   */
  public static JwtService create(JwtConfig config, Clock clock) {
    JacksonVersion.require();
    return new JwtService(
        Objects.requireNonNull(config, "config"), Objects.requireNonNull(clock, "clock"));
  }

  /**
   * The config this service was created with.
   *
   * @return its config
   */
  public JwtConfig config() {
    return config;
  }

  /**
   * A new HS256 token for {@code principal}, valid for {@link JwtConfig#tokenTtl()} from now, with
   * claims {@code iss}, {@code aud}, {@code sub} (the principal's id), {@code name} (its username),
   * {@code roles}, {@code iat}, {@code exp} and {@code jti} (a random UUID), and the header {@code
   * kid} when {@link JwtConfig#signingKeyId()} is set.
   *
   * @param principal who the token is for; its id, username and roles go into the claims
   * @return the signed token with its expiry and id
   * @throws IllegalStateException if the config has no signing secret (a verify-only service)
   */
  public IssuedToken issue(Principal principal) {
    Objects.requireNonNull(principal, "principal");
    Algorithm algorithm = signer;
    if (algorithm == null) {
      throw new IllegalStateException(
          "this JwtService only verifies tokens: its config has no signingSecret");
    }
    // JWT dates are whole seconds; truncate first so that expiresAt is exactly the token's exp.
    Instant issuedAt = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    Instant expiresAt = issuedAt.plus(config.tokenTtl()).truncatedTo(ChronoUnit.SECONDS);
    String id = UUID.randomUUID().toString();
    JWTCreator.Builder builder =
        JWT.create()
            .withIssuer(config.issuer())
            .withAudience(config.audience())
            .withSubject(principal.id())
            .withClaim("name", principal.username())
            .withArrayClaim("roles", principal.roles().stream().sorted().toArray(String[]::new))
            .withIssuedAt(issuedAt)
            .withExpiresAt(expiresAt)
            .withJWTId(id);
    String keyId = config.signingKeyId();
    if (keyId != null) {
      builder.withKeyId(keyId);
    }
    try {
      return new IssuedToken(builder.sign(algorithm), expiresAt, id);
    } catch (JWTCreationException e) {
      throw new IllegalStateException("could not sign a token with HS256", e);
    }
  }

  /**
   * Checks {@code token} (without the {@code Bearer } prefix) and returns who it names.
   *
   * @param token the compact JWS as the client sent it
   * @return the principal it names, its expiry and its id
   * @throws NullPointerException if {@code token} is null
   * @throws AuthenticationException if it is rejected; its reason says why
   */
  public VerifiedToken verify(String token) {
    Objects.requireNonNull(token, "token");
    if (token.length() > config.maxTokenLength()) {
      throw new AuthenticationException(
          Reason.TOO_LARGE,
          "token is longer than the " + config.maxTokenLength() + " characters accepted");
    }
    int firstDot = token.indexOf('.');
    if (firstDot < 0) {
      throw malformed();
    }
    int secondDot = token.indexOf('.', firstDot + 1);
    if (secondDot >= 0 && token.indexOf('.', secondDot + 1) >= 0) {
      throw malformed();
    }

    // The header alone decides the key and algorithm, so that "alg: none" is refused as such
    // whether or not a signature part follows.
    ObjectNode header = decodeObject(token.substring(0, firstDot));
    VerificationKey key = selectKey(header);
    if (secondDot < 0) {
      throw malformed();
    }
    ObjectNode payload = decodeObject(token.substring(firstDot + 1, secondDot));
    verifySignature(token, key);
    return checkClaims(payload, token.substring(secondDot + 1));
  }

  /**
   * The first instant at which {@code token} no longer verifies: its {@code exp} plus the
   * configured {@linkplain JwtConfig#leeway() leeway}. A connection authenticated by the token
   * lives until then.
   *
   * @param token a token this service verified
   * @return its {@code exp} plus the leeway
   */
  public Instant validUntil(VerifiedToken token) {
    return token.expiresAt().plus(config.leeway());
  }

  private VerificationKey selectKey(ObjectNode header) {
    JsonNode alg = header.get("alg");
    if (alg == null || !alg.isTextual()) {
      throw malformed();
    }
    String algorithm = alg.textValue();
    if (!algorithm.equals(HS256) && !algorithm.equals(RS256) && !algorithm.equals(ES256)) {
      throw new AuthenticationException(
          Reason.UNSUPPORTED_ALGORITHM, "token algorithm is not accepted");
    }
    if (header.has("crit")) {
      throw new AuthenticationException(
          Reason.UNSUPPORTED_ALGORITHM, "token requires header extensions that are not supported");
    }
    VerificationKey key;
    JsonNode kid = header.get("kid");
    if (kid == null || kid.isNull()) {
      key = defaultKey;
      if (key == null) {
        throw new AuthenticationException(
            Reason.UNKNOWN_KEY, "token names no key id and there is no default key");
      }
    } else if (kid.isTextual()) {
      key = keysById.get(kid.textValue());
      if (key == null) {
        throw new AuthenticationException(Reason.UNKNOWN_KEY, "token key id is not known");
      }
    } else {
      throw malformed();
    }
    // An HMAC key only verifies HS256, an RSA key RS256, an EC key ES256: this is what stops a
    // token "signed" with a public key's bytes as an HMAC secret (algorithm confusion).
    if (!key.algorithm().equals(algorithm)) {
      throw new AuthenticationException(
          Reason.UNSUPPORTED_ALGORITHM, "token algorithm does not match its key");
    }
    return key;
  }

  private static void verifySignature(String token, VerificationKey key) {
    DecodedJWT decoded;
    try {
      decoded = JWT.decode(token);
    } catch (JWTVerificationException | DateTimeException e) {
      // The library parses dates itself; a date outside Instant's range must not escape either.
      throw malformed();
    }
    try {
      key.verifier().verify(decoded);
    } catch (JWTVerificationException e) {
      throw new AuthenticationException(Reason.BAD_SIGNATURE, "token signature is invalid");
    }
  }

  private VerifiedToken checkClaims(ObjectNode payload, String signature) {
    Instant now = clock.instant();
    Duration leeway = config.leeway();

    Instant expiresAt = numericDate("exp", required(payload, "exp"));
    if (!now.isBefore(expiresAt.plus(leeway))) {
      throw new AuthenticationException(Reason.EXPIRED, "token has expired");
    }
    JsonNode nbf = optional(payload, "nbf");
    if (nbf != null && now.plus(leeway).isBefore(numericDate("nbf", nbf))) {
      throw new AuthenticationException(Reason.NOT_YET_VALID, "token is not valid yet");
    }
    JsonNode iat = optional(payload, "iat");
    if (iat != null && now.plus(leeway).isBefore(numericDate("iat", iat))) {
      throw new AuthenticationException(Reason.NOT_YET_VALID, "token was issued in the future");
    }

    if (!text("iss", required(payload, "iss")).equals(config.issuer())) {
      throw new AuthenticationException(Reason.WRONG_ISSUER, "token issuer is not accepted");
    }
    checkAudience(required(payload, "aud"));

    String subject = nonBlankText("sub", required(payload, "sub"));
    JsonNode nameNode = optional(payload, "name");
    String name = nameNode == null ? subject : nonBlankText("name", nameNode);
    Set<String> roles = roles(optional(payload, "roles"));
    JsonNode jti = optional(payload, "jti");
    String id = jti == null ? signatureDigest(signature) : nonBlankText("jti", jti);

    return new VerifiedToken(new Principal(subject, name, roles), expiresAt, id);
  }

  private void checkAudience(JsonNode aud) {
    String expected = config.audience();
    if (aud.isTextual()) {
      if (aud.textValue().equals(expected)) {
        return;
      }
    } else if (aud.isArray()) {
      boolean found = false;
      for (JsonNode element : aud) {
        found |= text("aud", element).equals(expected);
      }
      if (found) {
        return;
      }
    } else {
      throw invalidClaim("aud");
    }
    throw new AuthenticationException(Reason.WRONG_AUDIENCE, "token audience is not accepted");
  }

  private static Set<String> roles(@Nullable JsonNode node) {
    if (node == null) {
      return Set.of();
    }
    if (!node.isArray()) {
      throw invalidClaim("roles");
    }
    Set<String> roles = new HashSet<>();
    for (JsonNode element : node) {
      roles.add(nonBlankText("roles", element));
    }
    return roles;
  }

  /** A NumericDate: seconds since the epoch, possibly with a fraction (RFC 7519, section 2). */
  private static Instant numericDate(String claim, JsonNode node) {
    if (!node.isNumber()) {
      throw invalidClaim(claim);
    }
    BigDecimal value = node.decimalValue();
    try {
      BigDecimal seconds = value.setScale(0, RoundingMode.FLOOR);
      int nanos = value.subtract(seconds).movePointRight(9).intValue();
      return Instant.ofEpochSecond(seconds.longValueExact(), nanos);
    } catch (ArithmeticException | DateTimeException e) {
      throw invalidClaim(claim);
    }
  }

  private static String text(String claim, JsonNode node) {
    if (!node.isTextual()) {
      throw invalidClaim(claim);
    }
    return node.textValue();
  }

  private static String nonBlankText(String claim, JsonNode node) {
    String value = text(claim, node);
    if (value.isBlank()) {
      throw invalidClaim(claim);
    }
    return value;
  }

  private static JsonNode required(ObjectNode payload, String claim) {
    JsonNode node = optional(payload, claim);
    if (node == null) {
      throw new AuthenticationException(
          Reason.MISSING_CLAIM, "token lacks the required claim '" + claim + "'");
    }
    return node;
  }

  /** The claim, or {@code null} when it is absent or JSON {@code null}. */
  private static @Nullable JsonNode optional(ObjectNode payload, String claim) {
    JsonNode node = payload.get(claim);
    return node == null || node.isNull() ? null : node;
  }

  /** Names a token without {@code jti}: a SHA-256 digest of its (verified) signature. */
  private static String signatureDigest(String signature) {
    try {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      return "sig:"
          + HexFormat.of().formatHex(sha256.digest(Base64.getUrlDecoder().decode(signature)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JDK lacks SHA-256", e);
    }
  }

  /** Decodes one base64url part into a JSON object, or rejects the token as malformed. */
  private static ObjectNode decodeObject(String part) {
    byte[] json;
    try {
      json = Base64.getUrlDecoder().decode(part);
    } catch (IllegalArgumentException e) {
      throw malformed();
    }
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (IOException e) {
      throw malformed();
    }
    if (node instanceof ObjectNode object) {
      return object;
    }
    throw malformed();
  }

  private static VerificationKey verificationKey(Key key) {
    if (key instanceof RSAPublicKey rsa) {
      return new VerificationKey(RS256, Algorithm.RSA256(rsa, null));
    }
    if (key instanceof ECPublicKey ec) {
      return new VerificationKey(ES256, Algorithm.ECDSA256(ec, null));
    }
    return new VerificationKey(HS256, Algorithm.HMAC256(key.getEncoded()));
  }

  private static AuthenticationException malformed() {
    return new AuthenticationException(Reason.MALFORMED, "token is malformed");
  }

  private static AuthenticationException invalidClaim(String claim) {
    return new AuthenticationException(
        Reason.INVALID_CLAIM, "token claim '" + claim + "' is invalid");
  }
}
