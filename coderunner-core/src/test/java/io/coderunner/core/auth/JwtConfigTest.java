package io.coderunner.core.auth;

import static io.coderunner.core.auth.TestTokens.NOW;
import static io.coderunner.core.auth.TestTokens.OTHER_SECRET;
import static io.coderunner.core.auth.TestTokens.SECRET;
import static io.coderunner.core.auth.TestTokens.claims;
import static io.coderunner.core.auth.TestTokens.hs256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.coderunner.core.Principal;
import java.nio.charset.StandardCharsets;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JwtConfigTest {
  private static final Principal ALICE = new Principal("user-1", "alice", Set.of("deployer"));

  private static JwtConfig.Builder withSecret() {
    return JwtConfig.builder().signingSecret(SECRET);
  }

  @Test
  void defaultsMatchTheDesign() {
    JwtConfig config = withSecret().build();

    assertThat(config.issuer()).isEqualTo("coderunner");
    assertThat(config.audience()).isEqualTo("coderunner");
    assertThat(config.tokenTtl()).isEqualTo(Duration.ofHours(1));
    assertThat(config.leeway()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.maxTokenLength()).isEqualTo(8192);
    assertThat(config.signingKeyId()).isNull();
    assertThat(config.verificationKeyIds()).isEmpty();
    assertThat(config.canIssue()).isTrue();
  }

  @Test
  void settersKeepTheirValues() {
    JwtConfig config =
        withSecret()
            .issuer("iss")
            .audience("aud")
            .tokenTtl(Duration.ofMinutes(5))
            .leeway(Duration.ofSeconds(2))
            .signingKeyId("k9")
            .maxTokenLength(4096)
            .build();

    assertThat(config.issuer()).isEqualTo("iss");
    assertThat(config.audience()).isEqualTo("aud");
    assertThat(config.tokenTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.leeway()).isEqualTo(Duration.ofSeconds(2));
    assertThat(config.signingKeyId()).isEqualTo("k9");
    assertThat(config.maxTokenLength()).isEqualTo(4096);
  }

  @Test
  void signingSecretShorterThan32BytesIsRefusedWithAClearMessage() {
    byte[] shortSecret = "only-31-bytes-long-secret-value".getBytes(StandardCharsets.UTF_8);
    assertThat(shortSecret).hasSize(31);

    assertThatThrownBy(() -> JwtConfig.builder().signingSecret(shortSecret))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("signingSecret")
        .hasMessageContaining("at least 32 bytes")
        .hasMessageNotContaining("only-31-bytes");
  }

  @Test
  void signingSecretOfExactly32BytesIsAccepted() {
    assertThat(JwtConfig.builder().signingSecret(new byte[32]).build().canIssue()).isTrue();
  }

  @Test
  void signingSecretIsCopiedSoLaterChangesToTheArrayDoNotMatter() {
    byte[] secret = SECRET.clone();
    JwtConfig config = JwtConfig.builder().signingSecret(secret).build();
    Arrays.fill(secret, (byte) 0);

    JwtService service = JwtService.create(config, Clock.fixed(NOW, ZoneOffset.UTC));

    assertThat(service.verify(hs256(SECRET, claims())).id()).isEqualTo("token-1");
  }

  @Test
  void tokenTtlOutsideOneSecondToThirtyDaysIsRefused() {
    assertThatThrownBy(() -> JwtConfig.builder().tokenTtl(Duration.ofMillis(999)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokenTtl");
    assertThatThrownBy(() -> JwtConfig.builder().tokenTtl(Duration.ofDays(30).plusSeconds(1)))
        .hasMessageContaining("tokenTtl");
    assertThatThrownBy(() -> JwtConfig.builder().tokenTtl(Duration.ofSeconds(-5)))
        .hasMessageContaining("tokenTtl");
    assertThat(withSecret().tokenTtl(Duration.ofSeconds(1)).build().tokenTtl())
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(withSecret().tokenTtl(Duration.ofDays(30)).build().tokenTtl())
        .isEqualTo(Duration.ofDays(30));
  }

  @Test
  void leewayOutsideZeroToFiveMinutesIsRefused() {
    assertThatThrownBy(() -> JwtConfig.builder().leeway(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leeway");
    assertThatThrownBy(() -> JwtConfig.builder().leeway(Duration.ofMinutes(5).plusMillis(1)))
        .hasMessageContaining("leeway");
    assertThat(withSecret().leeway(Duration.ZERO).build().leeway()).isZero();
    assertThat(withSecret().leeway(Duration.ofMinutes(5)).build().leeway())
        .isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void blankOrOverlongIssuerAndAudienceAreRefused() {
    assertThatThrownBy(() -> JwtConfig.builder().issuer(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("issuer");
    assertThatThrownBy(() -> JwtConfig.builder().audience(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("audience");
    assertThatThrownBy(() -> JwtConfig.builder().issuer("i".repeat(257)))
        .hasMessageContaining("issuer");
  }

  @Test
  void maxTokenLengthOutsideItsRangeIsRefused() {
    assertThatThrownBy(() -> JwtConfig.builder().maxTokenLength(255))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxTokenLength");
    assertThatThrownBy(() -> JwtConfig.builder().maxTokenLength((1 << 20) + 1))
        .hasMessageContaining("maxTokenLength");
  }

  @Test
  void blankOrOverlongKeyIdsAreRefused() {
    assertThatThrownBy(() -> JwtConfig.builder().signingKeyId(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("signingKeyId");
    assertThatThrownBy(() -> JwtConfig.builder().verificationKey("", OTHER_SECRET))
        .hasMessageContaining("verificationKey id");
    assertThatThrownBy(() -> JwtConfig.builder().verificationKey("k".repeat(129), OTHER_SECRET))
        .hasMessageContaining("verificationKey id");
  }

  @Test
  void signingKeyIdCanBeCleared() {
    assertThat(withSecret().signingKeyId("k1").signingKeyId(null).build().signingKeyId()).isNull();
  }

  @Test
  void shortHmacVerificationKeyIsRefusedNamingItsId() {
    assertThatThrownBy(() -> JwtConfig.builder().verificationKey("old", new byte[16]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("verificationKey 'old'")
        .hasMessageContaining("at least 32 bytes");
  }

  @Test
  void rsaKeyOfFewerThan2048BitsIsRefused() {
    RSAPublicKey small = (RSAPublicKey) TestTokens.rsaKeyPair(1024).getPublic();

    assertThatThrownBy(() -> JwtConfig.builder().verificationKey("rsa", small))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("verificationKey 'rsa'")
        .hasMessageContaining("2048 bits");
  }

  @Test
  void ecKeyOnAnotherCurveThanP256IsRefused() {
    ECPublicKey p384 = (ECPublicKey) TestTokens.ecKeyPair("secp384r1").getPublic();

    assertThatThrownBy(() -> JwtConfig.builder().verificationKey("ec", p384))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("verificationKey 'ec'")
        .hasMessageContaining("P-256");
  }

  @Test
  void ecKeyOnP256IsAcceptedAndEnoughToBuild() {
    ECPublicKey p256 = (ECPublicKey) TestTokens.ecKeyPair("secp256r1").getPublic();

    JwtConfig config = JwtConfig.builder().verificationKey("ec", p256).build();

    assertThat(config.verificationKeyIds()).containsExactly("ec");
    assertThat(config.canIssue()).isFalse();
  }

  @Test
  void addingTheSameKeyIdTwiceIsRefused() {
    JwtConfig.Builder builder = JwtConfig.builder().verificationKey("k1", SECRET);

    assertThatThrownBy(() -> builder.verificationKey("k1", OTHER_SECRET))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'k1' is already added");
  }

  @Test
  void removedVerificationKeyCanBeAddedAgain() {
    JwtConfig config =
        withSecret()
            .verificationKey("k1", SECRET)
            .verificationKey("k0", OTHER_SECRET)
            .removeVerificationKey("k1")
            .removeVerificationKey("never-added")
            .verificationKey("k1", OTHER_SECRET)
            .build();

    assertThat(config.verificationKeyIds()).containsExactly("k0", "k1");
  }

  @Test
  void buildWithoutAnyKeyIsRefused() {
    assertThatThrownBy(() -> JwtConfig.builder().build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one key");
  }

  @Test
  void signingKeyIdWithoutSigningSecretIsRefused() {
    assertThatThrownBy(
            () -> JwtConfig.builder().verificationKey("k1", SECRET).signingKeyId("k2").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("signingKeyId")
        .hasMessageContaining("signingSecret");
  }

  @Test
  void signingKeyIdThatIsAlsoAVerificationKeyIdIsRefused() {
    assertThatThrownBy(
            () -> withSecret().signingKeyId("k1").verificationKey("k1", OTHER_SECRET).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'k1'");
  }

  @Test
  void toBuilderKeepsEveryValueAndKey() {
    JwtConfig config =
        withSecret()
            .issuer("iss")
            .audience("aud")
            .tokenTtl(Duration.ofMinutes(7))
            .leeway(Duration.ofSeconds(3))
            .signingKeyId("k2")
            .verificationKey("k1", OTHER_SECRET)
            .maxTokenLength(1000)
            .build();

    JwtConfig copy = config.toBuilder().build();

    assertThat(copy.toString()).isEqualTo(config.toString());
    assertThat(copy.verificationKeyIds()).containsExactly("k1");
    JwtService service = JwtService.create(copy, Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(service.verify(service.issue(ALICE).token()).principal()).isEqualTo(ALICE);
  }

  @Test
  void toBuilderChangesDoNotAffectTheOriginal() {
    JwtConfig config = withSecret().build();

    config.toBuilder().issuer("other").verificationKey("k1", OTHER_SECRET).build();

    assertThat(config.issuer()).isEqualTo("coderunner");
    assertThat(config.verificationKeyIds()).isEmpty();
  }

  @Test
  void verificationKeyIdsCannotBeModified() {
    JwtConfig config = withSecret().verificationKey("k1", OTHER_SECRET).build();

    assertThatThrownBy(() -> config.verificationKeyIds().clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void toStringNeverShowsSecrets() {
    JwtConfig config = withSecret().verificationKey("k1", OTHER_SECRET).build();

    assertThat(config.toString())
        .doesNotContain(new String(SECRET, StandardCharsets.UTF_8))
        .doesNotContain(new String(OTHER_SECRET, StandardCharsets.UTF_8))
        .contains("signingSecret=set")
        .contains("k1");
    assertThat(JwtConfig.builder().verificationKey("k1", SECRET).build().toString())
        .contains("signingSecret=none");
  }
}
