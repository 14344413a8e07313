package com.accord.security;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;

/**
 * An RS256 signing key of the embedded issuer: the JDK generates it, it is kept as PKCS#8 PEM,
 * and its public half is published as a JWK (RFC 7517) whose kid is its RFC 7638 thumbprint.
 */
public record SigningKey(String kid, String privatePem, JsonObject publicJwk) {

  public static final String ALGORITHM = "RS256";

  public static SigningKey generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(3072);
      KeyPair pair = generator.generateKeyPair();
      String pem = "-----BEGIN PRIVATE KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(pair.getPrivate().getEncoded())
          + "\n-----END PRIVATE KEY-----\n";
      return fromPublic((RSAPublicKey) pair.getPublic(), pem);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM cannot generate RSA keys", e);
    }
  }

  /** The stored PEM back into a key, its public half recomputed (so a stored JWK cannot disagree with it). */
  public static SigningKey fromPem(String privatePem) {
    try {
      String base64 = privatePem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      RSAPrivateCrtKey key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
          .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
      RSAPublicKey publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
          .generatePublic(new RSAPublicKeySpec(key.getModulus(), key.getPublicExponent()));
      return fromPublic(publicKey, privatePem);
    } catch (NoSuchAlgorithmException | InvalidKeySpecException | ClassCastException | IllegalArgumentException e) {
      throw new IllegalStateException("a stored signing key is not an RSA PKCS#8 key: " + e.getMessage(), e);
    }
  }

  private static SigningKey fromPublic(RSAPublicKey key, String privatePem) {
    String n = base64Url(unsigned(key.getModulus()));
    String e = base64Url(unsigned(key.getPublicExponent()));
    // RFC 7638: the thumbprint hashes the required members in lexicographic order, no whitespace
    String canonical = "{\"e\":\"" + e + "\",\"kty\":\"RSA\",\"n\":\"" + n + "\"}";
    String kid = base64Url(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
    JsonObject jwk = new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig").put("alg", ALGORITHM)
        .put("n", n).put("e", e);
    return new SigningKey(kid, privatePem, jwk);
  }

  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      byte[] trimmed = new byte[bytes.length - 1];
      System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
      return trimmed;
    }
    return bytes;
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
