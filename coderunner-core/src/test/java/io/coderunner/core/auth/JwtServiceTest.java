package io.coderunner.core.auth;

import static io.coderunner.core.auth.TestTokens.NOW;
import static io.coderunner.core.auth.TestTokens.OTHER_SECRET;
import static io.coderunner.core.auth.TestTokens.SECRET;
import static io.coderunner.core.auth.TestTokens.b64;
import static io.coderunner.core.auth.TestTokens.claims;
import static io.coderunner.core.auth.TestTokens.header;
import static io.coderunner.core.auth.TestTokens.hs256;
import static io.coderunner.core.auth.TestTokens.hs256Raw;
import static io.coderunner.core.auth.TestTokens.json;
import static io.coderunner.core.auth.TestTokens.parts;
import static io.coderunner.core.auth.TestTokens.unb64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.coderunner.core.Principal;
import io.coderunner.core.auth.AuthenticationException.Reason;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class JwtServiceTest {
  private static final Principal ALICE = new Principal("user-1", "alice", Set.of("deployer"));

  private static KeyPair rsa;
  private static KeyPair otherRsa;
  private static KeyPair ec;
  private static KeyPair otherEc;

  private MutableClock clock;
  private JwtService service;

  @BeforeAll
  static void generateKeys() {
    rsa = TestTokens.rsaKeyPair(2048);
    otherRsa = TestTokens.rsaKeyPair(2048);
    ec = TestTokens.ecKeyPair("secp256r1");
    otherEc = TestTokens.ecKeyPair("secp256r1");
  }

  @BeforeEach
  void createService() {
    clock = new MutableClock(NOW);
    service = JwtService.create(JwtConfig.builder().signingSecret(SECRET).build(), clock);
  }

  private static Reason rejectionOf(JwtService service, String token) {
    try {
      service.verify(token);
    } catch (AuthenticationException e) {
      return e.reason();
    }
    throw new AssertionError("token was accepted");
  }

  private Reason rejectionOf(String token) {
    return rejectionOf(service, token);
  }

  private static String rs256(RSAPrivateKey key, String kid, Map<String, ?> claims) {
    return JWT.create().withKeyId(kid).withPayload(claims).sign(Algorithm.RSA256(null, key));
  }

  private static String es256(ECPrivateKey key, String kid, Map<String, ?> claims) {
    return JWT.create().withKeyId(kid).withPayload(claims).sign(Algorithm.ECDSA256(null, key));
  }

  private static JwtService publicKeyService(Clock clock) {
    return JwtService.create(
        JwtConfig.builder()
            .verificationKey("rsa1", (RSAPublicKey) rsa.getPublic())
            .verificationKey("ec1", (ECPublicKey) ec.getPublic())
            .build(),
        clock);
  }

  @Nested
  class Issuing {
    @Test
    void issuedTokenVerifiesToTheSamePrincipal() {
      IssuedToken issued = service.issue(ALICE);

      VerifiedToken verified = service.verify(issued.token());

      assertThat(verified.principal()).isEqualTo(ALICE);
      assertThat(verified.expiresAt()).isEqualTo(issued.expiresAt());
      assertThat(verified.id()).isEqualTo(issued.id());
    }

    @Test
    void issuedTokenCarriesTheDocumentedClaimsAndHeader() {
      Principal admin = new Principal("user-9", "root", Set.of("admin", "deployer"));
      JwtService withKid =
          JwtService.create(
              JwtConfig.builder()
                  .signingSecret(SECRET)
                  .signingKeyId("k1")
                  .issuer("iss-x")
                  .audience("aud-y")
                  .tokenTtl(Duration.ofMinutes(10))
                  .build(),
              clock);

      IssuedToken issued = withKid.issue(admin);
      DecodedJWT decoded = JWT.decode(issued.token());

      assertThat(decoded.getAlgorithm()).isEqualTo("HS256");
      assertThat(decoded.getKeyId()).isEqualTo("k1");
      assertThat(decoded.getIssuer()).isEqualTo("iss-x");
      assertThat(decoded.getAudience()).containsExactly("aud-y");
      assertThat(decoded.getSubject()).isEqualTo("user-9");
      assertThat(decoded.getClaim("name").asString()).isEqualTo("root");
      assertThat(decoded.getClaim("roles").asList(String.class))
          .containsExactly("admin", "deployer");
      assertThat(decoded.getIssuedAtAsInstant()).isEqualTo(NOW);
      assertThat(decoded.getExpiresAtAsInstant()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
      assertThat(decoded.getId()).isEqualTo(issued.id()).hasSize(36);
      assertThat(issued.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(10)));
      Algorithm.HMAC256(SECRET).verify(decoded);
    }

    @Test
    void issuedTokenHasNoKeyIdWhenNoneIsConfigured() {
      assertThat(JWT.decode(service.issue(ALICE).token()).getKeyId()).isNull();
    }

    @Test
    void eachIssuedTokenHasItsOwnId() {
      assertThat(service.issue(ALICE).id()).isNotEqualTo(service.issue(ALICE).id());
    }

    @Test
    void expiryIsWholeSecondsEvenWhenTheClockHasAFraction() {
      clock.advance(Duration.ofMillis(1500));

      IssuedToken issued = service.issue(ALICE);

      assertThat(issued.expiresAt()).isEqualTo(NOW.plusSeconds(1 + 3600));
      assertThat(service.verify(issued.token()).expiresAt()).isEqualTo(issued.expiresAt());
    }

    @Test
    void verifyOnlyServiceRefusesToIssue() {
      JwtService verifier = publicKeyService(clock);

      assertThatThrownBy(() -> verifier.issue(ALICE))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("signingSecret");
    }

    @Test
    void issuedTokenDoesNotShowTheTokenInToString() {
      IssuedToken issued = service.issue(ALICE);

      assertThat(issued.toString())
          .doesNotContain(issued.token())
          .contains(issued.id())
          .contains("redacted");
    }

    @Test
    void serviceExposesItsConfig() {
      JwtConfig config = JwtConfig.builder().signingSecret(SECRET).build();

      assertThat(JwtService.create(config, clock).config()).isSameAs(config);
    }
  }

  @Nested
  class AcceptedTokens {
    @Test
    void tokenBuiltByHandWithTheSameSecretAndClaimsIsAccepted() {
      String token = hs256(SECRET, claims());

      VerifiedToken verified = service.verify(token);

      assertThat(verified.principal())
          .isEqualTo(new Principal("user-1", "alice", Set.of("deployer")));
      assertThat(verified.expiresAt()).isEqualTo(NOW.plusSeconds(3600));
      assertThat(verified.id()).isEqualTo("token-1");
    }

    @Test
    void tokenMintedByJavaJwtWithTheSameSecretIsAccepted() {
      String token =
          JWT.create()
              .withIssuer("coderunner")
              .withAudience("coderunner")
              .withSubject("user-1")
              .withClaim("name", "alice")
              .withClaim("roles", List.of("deployer", "admin"))
              .withIssuedAt(NOW)
              .withExpiresAt(NOW.plusSeconds(60))
              .withJWTId("j")
              .sign(Algorithm.HMAC256(SECRET));

      assertThat(service.verify(token).principal().roles()).containsOnly("deployer", "admin");
    }

    @Test
    void nameFallsBackToSubjectWhenAbsent() {
      Map<String, Object> claims = claims();
      claims.remove("name");

      assertThat(service.verify(hs256(SECRET, claims)).principal().username()).isEqualTo("user-1");
    }

    @Test
    void issuedAtIsOptional() {
      Map<String, Object> claims = claims();
      claims.remove("iat");

      assertThat(service.verify(hs256(SECRET, claims)).id()).isEqualTo("token-1");
    }

    @Test
    void rolesAreEmptyWhenAbsent() {
      Map<String, Object> claims = claims();
      claims.remove("roles");

      assertThat(service.verify(hs256(SECRET, claims)).principal().roles()).isEmpty();
    }

    @Test
    void audienceArrayThatContainsOursIsAccepted() {
      Map<String, Object> claims = claims();
      claims.put("aud", List.of("other", "coderunner"));

      assertThat(service.verify(hs256(SECRET, claims)).principal().id()).isEqualTo("user-1");
    }

    @Test
    void fractionalNumericDatesAreAccepted() {
      String token =
          hs256Raw(
              SECRET,
              "{\"alg\":\"HS256\"}",
              "{\"iss\":\"coderunner\",\"aud\":\"coderunner\",\"sub\":\"u\","
                  + "\"iat\":"
                  + NOW.getEpochSecond()
                  + ".25,\"nbf\":"
                  + NOW.getEpochSecond()
                  + ",\"exp\":"
                  + (NOW.getEpochSecond() + 10)
                  + ".5}");

      assertThat(service.verify(token).expiresAt()).isEqualTo(NOW.plusSeconds(10).plusMillis(500));
    }

    @Test
    void tokenWithoutIdIsNamedByItsSignature() {
      Map<String, Object> claims = claims();
      claims.remove("jti");
      String token = hs256(SECRET, claims);

      String id = service.verify(token).id();

      assertThat(id).startsWith("sig:").hasSize(4 + 64).isEqualTo(service.verify(token).id());
      claims.put("sub", "user-2");
      assertThat(service.verify(hs256(SECRET, claims)).id()).isNotEqualTo(id);
    }

    @Test
    void nullOptionalClaimsCountAsAbsent() {
      Map<String, Object> claims = claims();
      claims.put("name", null);
      claims.put("roles", null);
      claims.put("nbf", null);

      Principal principal = service.verify(hs256(SECRET, claims)).principal();

      assertThat(principal.username()).isEqualTo("user-1");
      assertThat(principal.roles()).isEmpty();
    }

    @Test
    void explicitNullKeyIdUsesTheDefaultKey() {
      Map<String, Object> header = header("HS256");
      header.put("kid", null);

      assertThat(service.verify(hs256(SECRET, header, claims())).id()).isEqualTo("token-1");
    }

    @Test
    void rs256TokenVerifiesWithTheRsaPublicKeyOfItsKeyId() {
      String token = rs256((RSAPrivateKey) rsa.getPrivate(), "rsa1", claims());

      assertThat(publicKeyService(clock).verify(token).principal().id()).isEqualTo("user-1");
    }

    @Test
    void es256TokenVerifiesWithTheEcPublicKeyOfItsKeyId() {
      String token = es256((ECPrivateKey) ec.getPrivate(), "ec1", claims());

      assertThat(publicKeyService(clock).verify(token).principal().id()).isEqualTo("user-1");
    }
  }

  @Nested
  class Expiry {
    @Test
    void tokenIsAcceptedJustWithinTheLeewayAfterExpiry() {
      Map<String, Object> claims = claims();
      claims.put("exp", NOW.getEpochSecond() - 29);

      assertThat(service.verify(hs256(SECRET, claims)).id()).isEqualTo("token-1");
    }

    @Test
    void tokenIsRejectedAsExpiredBeyondTheLeeway() {
      Map<String, Object> claims = claims();
      claims.put("exp", NOW.getEpochSecond() - 31);

      assertThat(rejectionOf(hs256(SECRET, claims))).isEqualTo(Reason.EXPIRED);
    }

    @Test
    void tokenIsRejectedAsExpiredExactlyAtTheEndOfTheLeeway() {
      Map<String, Object> claims = claims();
      claims.put("exp", NOW.getEpochSecond() - 30);

      assertThat(rejectionOf(hs256(SECRET, claims))).isEqualTo(Reason.EXPIRED);
    }

    @Test
    void issuedTokenLivesForItsTtlPlusLeewayOnTheInjectedClock() {
      String token = service.issue(ALICE).token();

      clock.advance(Duration.ofHours(1).plusSeconds(29));
      assertThat(service.verify(token).principal()).isEqualTo(ALICE);

      clock.advance(Duration.ofSeconds(1));
      assertThat(rejectionOf(token)).isEqualTo(Reason.EXPIRED);
    }

    @Test
    void zeroLeewayRejectsATokenAtItsExpiry() {
      JwtService strict =
          JwtService.create(
              JwtConfig.builder().signingSecret(SECRET).leeway(Duration.ZERO).build(), clock);
      Map<String, Object> claims = claims();
      claims.put("exp", NOW.getEpochSecond());

      assertThat(rejectionOf(strict, hs256(SECRET, claims))).isEqualTo(Reason.EXPIRED);
    }

    @Test
    void notBeforeInTheFutureIsRejected() {
      Map<String, Object> claims = claims();
      claims.put("nbf", NOW.getEpochSecond() + 31);

      assertThat(rejectionOf(hs256(SECRET, claims))).isEqualTo(Reason.NOT_YET_VALID);
    }

    @Test
    void notBeforeWithinTheLeewayIsAccepted() {
      Map<String, Object> claims = claims();
      claims.put("nbf", NOW.getEpochSecond() + 30);

      assertThat(service.verify(hs256(SECRET, claims)).id()).isEqualTo("token-1");
    }

    @Test
    void issuedAtInTheFutureIsRejected() {
      Map<String, Object> claims = claims();
      claims.put("iat", NOW.getEpochSecond() + 31);

      assertThat(rejectionOf(hs256(SECRET, claims))).isEqualTo(Reason.NOT_YET_VALID);
    }

    @Test
    void issuedAtWithinTheLeewayIsAccepted() {
      Map<String, Object> claims = claims();
      claims.put("iat", NOW.getEpochSecond() + 30);

      assertThat(service.verify(hs256(SECRET, claims)).id()).isEqualTo("token-1");
    }

    @Test
    void tokenWithoutExpiryIsRejected() {
      Map<String, Object> claims = claims();
      claims.remove("exp");

      assertThat(rejectionOf(hs256(SECRET, claims))).isEqualTo(Reason.MISSING_CLAIM);
    }

    @Test
    void nonNumericExpiryIsRejected() {
      Map<String, Object> claims = claims();
      claims.put("exp", "tomorrow");

      assertThat(rejectionOf(hs256(SECRET, claims))).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void expiryBeyondTheRangeOfInstantIsRejected() {
      Map<String, Object> claims = claims();
      claims.put("exp", Long.MAX_VALUE / 2);

      assertThat(rejectionOf(hs256(SECRET, claims))).isEqualTo(Reason.MALFORMED);
    }
  }

  @Nested
  class Algorithms {
    static Stream<Arguments> unsignedTokens() {
      return Stream.of("none", "None", "NONE", "nOnE")
          .flatMap(
              alg -> {
                String unsigned =
                    b64("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}") + "." + b64(json(claims()));
                return Stream.of(
                    arguments(alg, "empty signature", unsigned + "."),
                    arguments(alg, "no signature part", unsigned),
                    arguments(alg, "HS256 signature", TestTokens.sign(SECRET, unsigned)),
                    arguments(alg, "junk signature", unsigned + ".c2lnbmF0dXJl"));
              });
    }

    @ParameterizedTest(name = "alg {0} with {1}")
    @MethodSource("unsignedTokens")
    void algNoneIsRejectedInEveryCaseWithOrWithoutSignature(
        String alg, String variant, String token) {
      assertThat(rejectionOf(token)).isEqualTo(Reason.UNSUPPORTED_ALGORITHM);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HS384", "HS512", "hs256", "RS512", "PS256", "ES384", "EdDSA", ""})
    void otherAlgorithmsAreRejected(String alg) {
      String token = hs256(SECRET, header(alg), claims());

      assertThat(rejectionOf(token)).isEqualTo(Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void headerWithoutAlgorithmIsMalformed() {
      assertThat(rejectionOf(hs256Raw(SECRET, "{\"typ\":\"JWT\"}", json(claims()))))
          .isEqualTo(Reason.MALFORMED);
      assertThat(rejectionOf(hs256Raw(SECRET, "{\"alg\":256}", json(claims()))))
          .isEqualTo(Reason.MALFORMED);
    }

    @Test
    void hmacTokenSignedWithTheRsaPublicKeyBytesIsRejected() {
      // Algorithm confusion: a verifier that fed the RSA key's encoding to HMAC would accept this.
      Map<String, Object> header = header("HS256");
      header.put("kid", "rsa1");
      String token = hs256(rsa.getPublic().getEncoded(), header, claims());

      assertThat(rejectionOf(publicKeyService(clock), token))
          .isEqualTo(Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void hmacTokenWhoseKeyIdNamesAnEcKeyIsRejected() {
      Map<String, Object> header = header("HS256");
      header.put("kid", "ec1");
      String token = hs256(ec.getPublic().getEncoded(), header, claims());

      assertThat(rejectionOf(publicKeyService(clock), token))
          .isEqualTo(Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void rs256TokenWhoseKeyIdNamesAnEcKeyIsRejected() {
      String token = rs256((RSAPrivateKey) rsa.getPrivate(), "ec1", claims());

      assertThat(rejectionOf(publicKeyService(clock), token))
          .isEqualTo(Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void rs256TokenWithoutKeyIdIsCheckedAgainstTheHmacDefaultKeyAndRejected() {
      String token =
          JWT.create()
              .withPayload(claims())
              .sign(Algorithm.RSA256(null, (RSAPrivateKey) rsa.getPrivate()));

      assertThat(rejectionOf(token)).isEqualTo(Reason.UNSUPPORTED_ALGORITHM);
    }

    @Test
    void criticalHeaderExtensionsAreRefused() {
      Map<String, Object> header = header("HS256");
      header.put("crit", List.of("b64"));
      header.put("b64", false);

      assertThat(rejectionOf(hs256(SECRET, header, claims())))
          .isEqualTo(Reason.UNSUPPORTED_ALGORITHM);
    }
  }

  @Nested
  class Keys {
    @Test
    void unknownKeyIdIsRejected() {
      Map<String, Object> header = header("HS256");
      header.put("kid", "nope");

      assertThat(rejectionOf(hs256(SECRET, header, claims()))).isEqualTo(Reason.UNKNOWN_KEY);
    }

    @Test
    void keyIdThatIsNotAStringIsMalformed() {
      Map<String, Object> header = header("HS256");
      header.put("kid", 7);

      assertThat(rejectionOf(hs256(SECRET, header, claims()))).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void tokenWithoutKeyIdIsRejectedWhenThereIsNoDefaultKey() {
      assertThat(rejectionOf(publicKeyService(clock), hs256(SECRET, claims())))
          .isEqualTo(Reason.UNKNOWN_KEY);
    }

    @Test
    void tokenSignedWithTheOldKeyVerifiesWhileItIsConfiguredAndTheNewKeyIssues() {
      JwtConfig before = JwtConfig.builder().signingSecret(SECRET).signingKeyId("k1").build();
      String oldToken = JwtService.create(before, clock).issue(ALICE).token();

      JwtConfig rotated =
          before.toBuilder()
              .signingSecret(OTHER_SECRET)
              .signingKeyId("k2")
              .verificationKey("k1", SECRET)
              .build();
      JwtService afterRotation = JwtService.create(rotated, clock);
      IssuedToken newToken = afterRotation.issue(ALICE);

      assertThat(afterRotation.verify(oldToken).principal()).isEqualTo(ALICE);
      assertThat(JWT.decode(newToken.token()).getKeyId()).isEqualTo("k2");
      assertThat(afterRotation.verify(newToken.token()).principal()).isEqualTo(ALICE);
      assertThat(rejectionOf(JwtService.create(before, clock), newToken.token()))
          .isEqualTo(Reason.UNKNOWN_KEY);

      JwtService retired =
          JwtService.create(rotated.toBuilder().removeVerificationKey("k1").build(), clock);
      assertThat(rejectionOf(retired, oldToken)).isEqualTo(Reason.UNKNOWN_KEY);
      assertThat(retired.verify(newToken.token()).principal()).isEqualTo(ALICE);
    }

    @Test
    void hmacVerificationKeyChecksTokensThatNameIt() {
      JwtService verifier =
          JwtService.create(
              JwtConfig.builder()
                  .signingSecret(SECRET)
                  .verificationKey("partner", OTHER_SECRET)
                  .build(),
              clock);
      Map<String, Object> header = header("HS256");
      header.put("kid", "partner");

      assertThat(verifier.verify(hs256(OTHER_SECRET, header, claims())).id()).isEqualTo("token-1");
      assertThat(rejectionOf(verifier, hs256(SECRET, header, claims())))
          .isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void rs256TokenSignedWithAnotherKeyIsRejected() {
      String token = rs256((RSAPrivateKey) otherRsa.getPrivate(), "rsa1", claims());

      assertThat(rejectionOf(publicKeyService(clock), token)).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void es256TokenSignedWithAnotherKeyIsRejected() {
      String token = es256((ECPrivateKey) otherEc.getPrivate(), "ec1", claims());

      assertThat(rejectionOf(publicKeyService(clock), token)).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void es256TokenWithATamperedPayloadIsRejected() {
      String[] parts = parts(es256((ECPrivateKey) ec.getPrivate(), "ec1", claims()));
      Map<String, Object> claims = claims();
      claims.put("sub", "admin");
      String token = parts[0] + "." + b64(json(claims)) + "." + parts[2];

      assertThat(rejectionOf(publicKeyService(clock), token)).isEqualTo(Reason.BAD_SIGNATURE);
    }
  }

  @Nested
  class Signatures {
    @Test
    void tamperedPayloadWithTheOriginalSignatureIsRejected() {
      String[] parts = parts(service.issue(ALICE).token());
      String payload = unb64(parts[1]).replace("\"deployer\"", "\"admin\"");
      assertThat(payload).contains("\"admin\"");
      String token = parts[0] + "." + b64(payload) + "." + parts[2];

      assertThat(rejectionOf(token)).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void tamperedSignatureIsRejected() {
      String[] parts = parts(service.issue(ALICE).token());
      char first = parts[2].charAt(0);
      String signature = (first == 'A' ? 'B' : 'A') + parts[2].substring(1);

      assertThat(rejectionOf(parts[0] + "." + parts[1] + "." + signature))
          .isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void truncatedOrEmptySignatureIsRejected() {
      String[] parts = parts(service.issue(ALICE).token());
      String unsigned = parts[0] + "." + parts[1] + ".";

      assertThat(rejectionOf(unsigned)).isEqualTo(Reason.BAD_SIGNATURE);
      assertThat(rejectionOf(unsigned + parts[2].substring(0, 20))).isEqualTo(Reason.BAD_SIGNATURE);
    }

    @Test
    void tokenSignedWithAnotherSecretIsRejected() {
      assertThat(rejectionOf(hs256(OTHER_SECRET, claims()))).isEqualTo(Reason.BAD_SIGNATURE);
    }
  }

  @Nested
  class Claims {
    private Reason rejectionWith(String claim, Object value) {
      Map<String, Object> claims = claims();
      claims.put(claim, value);
      return rejectionOf(hs256(SECRET, claims));
    }

    private Reason rejectionWithout(String claim) {
      Map<String, Object> claims = claims();
      claims.remove(claim);
      return rejectionOf(hs256(SECRET, claims));
    }

    @Test
    void wrongIssuerIsRejected() {
      assertThat(rejectionWith("iss", "someone-else")).isEqualTo(Reason.WRONG_ISSUER);
    }

    @Test
    void missingIssuerIsRejected() {
      assertThat(rejectionWithout("iss")).isEqualTo(Reason.MISSING_CLAIM);
    }

    @Test
    void issuerThatIsNotAStringIsRejected() {
      assertThat(rejectionWith("iss", List.of("coderunner"))).isEqualTo(Reason.INVALID_CLAIM);
    }

    @Test
    void wrongAudienceIsRejected() {
      assertThat(rejectionWith("aud", "someone-else")).isEqualTo(Reason.WRONG_AUDIENCE);
    }

    @Test
    void audienceArrayWithoutOursIsRejected() {
      assertThat(rejectionWith("aud", List.of("a", "b"))).isEqualTo(Reason.WRONG_AUDIENCE);
      assertThat(rejectionWith("aud", List.of())).isEqualTo(Reason.WRONG_AUDIENCE);
    }

    @Test
    void missingAudienceIsRejected() {
      assertThat(rejectionWithout("aud")).isEqualTo(Reason.MISSING_CLAIM);
    }

    @Test
    void audienceOfTheWrongTypeIsRejected() {
      assertThat(rejectionWith("aud", 42)).isEqualTo(Reason.INVALID_CLAIM);
      assertThat(rejectionWith("aud", List.of("coderunner", 42))).isEqualTo(Reason.INVALID_CLAIM);
    }

    @Test
    void missingSubjectIsRejected() {
      assertThat(rejectionWithout("sub")).isEqualTo(Reason.MISSING_CLAIM);
    }

    @Test
    void blankSubjectIsRejected() {
      assertThat(rejectionWith("sub", "  ")).isEqualTo(Reason.INVALID_CLAIM);
      assertThat(rejectionWith("sub", "")).isEqualTo(Reason.INVALID_CLAIM);
    }

    @Test
    void subjectThatIsNotAStringIsRejected() {
      assertThat(rejectionWith("sub", 12)).isEqualTo(Reason.INVALID_CLAIM);
    }

    @Test
    void rolesThatAreNotAnArrayAreRejected() {
      assertThat(rejectionWith("roles", "admin")).isEqualTo(Reason.INVALID_CLAIM);
      assertThat(rejectionWith("roles", Map.of("admin", true))).isEqualTo(Reason.INVALID_CLAIM);
    }

    @Test
    void rolesThatAreNotAllNonBlankStringsAreRejected() {
      assertThat(rejectionWith("roles", List.of("admin", 1))).isEqualTo(Reason.INVALID_CLAIM);
      assertThat(rejectionWith("roles", List.of("admin", " "))).isEqualTo(Reason.INVALID_CLAIM);
      assertThat(rejectionWith("roles", List.of(List.of("admin")))).isEqualTo(Reason.INVALID_CLAIM);
    }

    @Test
    void nameThatIsNotANonBlankStringIsRejected() {
      assertThat(rejectionWith("name", 5)).isEqualTo(Reason.INVALID_CLAIM);
      assertThat(rejectionWith("name", "")).isEqualTo(Reason.INVALID_CLAIM);
    }

    @Test
    void idThatIsNotANonBlankStringIsRejected() {
      assertThat(rejectionWith("jti", 5)).isEqualTo(Reason.INVALID_CLAIM);
    }

    @Test
    void duplicateClaimsAreRejected() {
      String payload = json(claims()).replace("{", "{\"sub\":\"admin\",");

      assertThat(rejectionOf(hs256Raw(SECRET, "{\"alg\":\"HS256\"}", payload)))
          .isEqualTo(Reason.MALFORMED);
    }
  }

  @Nested
  class Garbage {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "a",
          "a.b",
          "...",
          "a.b.c.d",
          ".",
          "..",
          "###.###.###",
          "eyJhbGciOiJIUzI1NiJ9",
          "eyJhbGciOiJIUzI1NiJ9.e30",
          "not a token at all",
          "eyJhbGciOiJIUzI1NiJ9.W10.e30",
          "eyJhbGciOiJIUzI1NiJ9.%%%.sig"
        })
    void garbageIsMalformed(String token) {
      assertThat(rejectionOf(token)).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void randomBytesAreMalformed() {
      Random random = new Random(42);
      for (int i = 0; i < 200; i++) {
        byte[] bytes = new byte[1 + random.nextInt(300)];
        random.nextBytes(bytes);
        String asText = new String(bytes, StandardCharsets.ISO_8859_1);
        String asParts = b64(bytes) + "." + b64(bytes) + "." + b64(bytes);

        assertThat(rejectionOf(asText)).isEqualTo(Reason.MALFORMED);
        assertThat(rejectionOf(asParts)).isEqualTo(Reason.MALFORMED);
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"text\"", "42", "null", "true", "{\"alg\":", "{}x", "", "%"})
    void headerThatIsNotAJsonObjectIsMalformed(String header) {
      assertThat(rejectionOf(hs256Raw(SECRET, header, json(claims())))).isEqualTo(Reason.MALFORMED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1,2]", "\"text\"", "42", "null", "{\"sub\":", "{} {}", ""})
    void payloadThatIsNotAJsonObjectIsMalformed(String payload) {
      assertThat(rejectionOf(hs256Raw(SECRET, "{\"alg\":\"HS256\"}", payload)))
          .isEqualTo(Reason.MALFORMED);
    }

    @Test
    void tokenLongerThanTheLimitIsRejectedBeforeParsing() {
      String longGarbage = "x".repeat(8193);

      assertThat(rejectionOf(longGarbage)).isEqualTo(Reason.TOO_LARGE);
      assertThat(rejectionOf("x".repeat(8192))).isEqualTo(Reason.MALFORMED);
    }

    @Test
    void validTokenLongerThanAConfiguredLimitIsRejected() {
      JwtService small =
          JwtService.create(
              JwtConfig.builder().signingSecret(SECRET).maxTokenLength(512).build(), clock);
      Map<String, Object> claims = claims();
      claims.put("padding", "p".repeat(512));

      assertThat(rejectionOf(small, hs256(SECRET, claims))).isEqualTo(Reason.TOO_LARGE);
      assertThat(small.verify(small.issue(ALICE).token()).principal()).isEqualTo(ALICE);
    }
  }

  @Nested
  class Messages {
    @Test
    void rejectionMessagesNeverEchoTheTokenTheSecretOrClaimValues() {
      Map<String, Object> claims = claims();
      claims.put("iss", "evil-issuer-value");
      String token = hs256(SECRET, claims);

      assertThatThrownBy(() -> service.verify(token))
          .isInstanceOf(AuthenticationException.class)
          .hasMessageNotContaining(token)
          .hasMessageNotContaining("evil-issuer-value")
          .hasMessageNotContaining(new String(SECRET, StandardCharsets.UTF_8))
          .hasNoCause();
    }

    @Test
    void claimRejectionsNameTheClaim() {
      Map<String, Object> claims = claims();
      claims.remove("sub");

      assertThatThrownBy(() -> service.verify(hs256(SECRET, claims))).hasMessageContaining("'sub'");
    }

    @Test
    void rejectionsAreCodeRunnerExceptionsWithoutAStackTrace() {
      AuthenticationException e = new AuthenticationException(Reason.EXPIRED, "token has expired");

      assertThat(e).isInstanceOf(io.coderunner.core.CodeRunnerException.class);
      assertThat(e.getStackTrace()).isEmpty();
      assertThat(e.reason()).isEqualTo(Reason.EXPIRED);
    }
  }

  @Test
  void verifiedTokenRecordsItsFields() {
    VerifiedToken token = new VerifiedToken(ALICE, Instant.EPOCH, "id");

    assertThat(token.principal()).isEqualTo(ALICE);
  }
}
