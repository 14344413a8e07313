package com.accord.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.accord.config.AccordConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.VertxExtension;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A token that passed every check is believed again without the checks, for a while: each request
 * still gets a user of its own, a token that failed is never believed, and none is believed past
 * its expiry.
 */
@ExtendWith(VertxExtension.class)
class VerifiedTokenTest {

  private static final String KID = "test-key";
  private static AccordConfig.Security security;
  private static TokenVerifier verifier;
  private static JWTAuth signer;
  private static JWTAuth impostor;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    // the least clock skew: a token is refused two seconds after its expiry
    security = AccordConfig.load(null, Map.of("ACCORD_SECURITY_ISSUER", "https://issuer.test",
        "ACCORD_SECURITY_CLOCK_SKEW", "PT1S")).security();
    KeyPair key = rsaKey();
    RSAPublicKey publicKey = (RSAPublicKey) key.getPublic();
    JsonObject jwk = new JsonObject().put("kty", "RSA").put("kid", KID).put("alg", "RS256").put("use", "sig")
        .put("n", base64Url(publicKey.getModulus())).put("e", base64Url(publicKey.getPublicExponent()));
    verifier = await(TokenVerifier.create(vertx, security, () -> Future.succeededFuture(List.of(jwk))));
    signer = signer(vertx, key);
    impostor = signer(vertx, rsaKey());
  }

  @Test
  void aVerifiedTokenIsBelievedAgainAndEachRequestGetsAUserOfItsOwn() throws Exception {
    String token = sign(signer, claims("alice", 300));
    int before = verifier.tokensBelieved();

    User checked = await(verifier.authenticate(new TokenCredentials(token)));
    User believed = await(verifier.authenticate(new TokenCredentials(token)));
    // whatever one request does to its user, the next request's is as the checks found it
    for (User mutated : List.of(checked, believed)) {
      mutated.principal().getJsonObject("realm_access").put("roles", new JsonArray().add("admin"));
      mutated.attributes().getJsonObject("accessToken").put("sub", "mallory");
    }
    User next = await(verifier.authenticate(new TokenCredentials(token)));

    assertThat(verifier.tokensBelieved()).isEqualTo(before + 1);
    assertThat(next).isNotSameAs(believed).isNotSameAs(checked);
    assertThat(next.attributes().getJsonObject("accessToken").getString("sub")).isEqualTo("alice");
    assertThat(Principal.of(next, security.rolesClaim(), AccordConfig.ROLES).roles()).containsExactly("operator");
  }

  @Test
  void aTokenThatFailedItsChecksIsNeverBelieved() throws Exception {
    String genuine = sign(signer, claims("bob", 300));
    await(verifier.authenticate(new TokenCredentials(genuine)));
    int before = verifier.tokensBelieved();
    // the same claims under the same kid, signed by another key
    String forged = sign(impostor, claims("bob", 300));

    for (int attempt = 0; attempt < 2; attempt++) {
      assertThatThrownBy(() -> await(verifier.authenticate(new TokenCredentials(forged)))).isInstanceOf(ExecutionException.class);
    }
    assertThat(verifier.tokensBelieved()).isEqualTo(before);
  }

  @Test
  void aBelievedTokenIsCheckedAgainOnceItHasExpired() throws Exception {
    long exp = System.currentTimeMillis() / 1000 + 2;
    String token = sign(signer, claims("carol", 0).put("exp", exp));
    await(verifier.authenticate(new TokenCredentials(token)));
    await(verifier.authenticate(new TokenCredentials(token)));

    // the JWT checks count in whole seconds: past exp + 1 s of skew + 1 s the token is expired
    long expired = (exp + 2) * 1000 + 200;
    while (System.currentTimeMillis() < expired) {
      TimeUnit.MILLISECONDS.sleep(Math.max(1, expired - System.currentTimeMillis()));
    }
    assertThatThrownBy(() -> await(verifier.authenticate(new TokenCredentials(token)))).isInstanceOf(ExecutionException.class)
        .hasMessageContaining("xpired");
  }

  private static JsonObject claims(String subject, long secondsToLive) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("iss", security.issuer()).put("aud", new JsonArray().add(security.audience()))
        .put("sub", subject).put("iat", now).put("exp", now + secondsToLive)
        .put("realm_access", new JsonObject().put("roles", new JsonArray().add("operator")));
  }

  private static String sign(JWTAuth by, JsonObject claims) {
    return by.generateToken(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true)
        .setHeader(new JsonObject().put("kid", KID)));
  }

  private static JWTAuth signer(Vertx vertx, KeyPair key) {
    String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256").setBuffer(pem)));
  }

  private static KeyPair rsaKey() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    return generator.generateKeyPair();
  }

  private static String base64Url(BigInteger value) {
    byte[] bytes = value.toByteArray();
    int skip = bytes.length > 1 && bytes[0] == 0 ? 1 : 0; // unsigned, as JWK wants
    return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOfRange(bytes, skip, bytes.length));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
