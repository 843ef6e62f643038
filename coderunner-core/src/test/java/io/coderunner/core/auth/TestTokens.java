package io.coderunner.core.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Builds tokens by hand (base64url and javax.crypto.Mac), independent of the code under test. */
final class TestTokens {
  static final byte[] SECRET =
      "test-secret-0123456789-abcdefghij-klmnop".getBytes(StandardCharsets.UTF_8);
  static final byte[] OTHER_SECRET =
      "another-secret-0123456789-abcdefghij-xyz".getBytes(StandardCharsets.UTF_8);
  static final Instant NOW = Instant.parse("2026-11-24T10:15:30Z");

  private static final ObjectMapper JSON = new ObjectMapper();

  private TestTokens() {}

  /** Valid claims for the default config at {@link #NOW}; tests change one at a time. */
  static Map<String, Object> claims() {
    Map<String, Object> claims = new LinkedHashMap<>();
    claims.put("iss", "coderunner");
    claims.put("aud", "coderunner");
    claims.put("sub", "user-1");
    claims.put("name", "alice");
    claims.put("roles", List.of("deployer"));
    claims.put("iat", NOW.getEpochSecond());
    claims.put("exp", NOW.getEpochSecond() + 3600);
    claims.put("jti", "token-1");
    return claims;
  }

  static Map<String, Object> header(String alg) {
    Map<String, Object> header = new LinkedHashMap<>();
    header.put("alg", alg);
    header.put("typ", "JWT");
    return header;
  }

  /** An HS256 token over {@code claims}, signed with {@code secret}. */
  static String hs256(byte[] secret, Map<String, ?> claims) {
    return hs256(secret, header("HS256"), claims);
  }

  static String hs256(byte[] secret, Map<String, ?> header, Map<String, ?> claims) {
    return sign(secret, b64(json(header)) + "." + b64(json(claims)));
  }

  /** An HS256 token over raw header and payload JSON text. */
  static String hs256Raw(byte[] secret, String headerJson, String payloadJson) {
    return sign(secret, b64(headerJson) + "." + b64(payloadJson));
  }

  static String sign(byte[] secret, String signingInput) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
      return signingInput + "." + b64(signature);
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static String json(Map<String, ?> object) {
    try {
      return JSON.writeValueAsString(object);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  static String b64(String text) {
    return b64(text.getBytes(StandardCharsets.UTF_8));
  }

  static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String unb64(String part) {
    return new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8);
  }

  /** The three parts of a compact token: header, payload, signature. */
  static String[] parts(String token) {
    int first = token.indexOf('.');
    int second = token.indexOf('.', first + 1);
    return new String[] {
      token.substring(0, first), token.substring(first + 1, second), token.substring(second + 1)
    };
  }

  static KeyPair rsaKeyPair(int bits) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(bits);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }

  static KeyPair ecKeyPair(String curve) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec(curve));
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new AssertionError(e);
    }
  }
}
