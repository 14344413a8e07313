package com.accord.security;

import static com.accord.security.SecuritySupport.assertProblem;
import static com.accord.security.SecuritySupport.generic;
import static com.accord.security.SecuritySupport.getWith;
import static org.assertj.core.api.Assertions.assertThat;

import com.accord.testing.AccordFixture;
import com.accord.testing.AccordFixture.HttpResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Specifies that only tokens the issuer signed, for this audience, still valid, get in — and that
 * a refused token learns nothing: every refusal is the same generic 401.
 */
@ExtendWith(VertxExtension.class)
class ForgedTokenTest {

  private static final String ME = "/api/v1/me";

  private static AccordFixture fixture;
  private static String kid;
  /** Signs with the issuer's own private key (read from signing_keys), so that only the claims decide. */
  private static JWTAuth issuerKey;
  /** Signs with a key of our own. */
  private static JWTAuth ownKey;
  private static JWTAuth ownKeyUnderIssuersKid;
  private static JsonObject jwk;
  /** What anonymous calls to /api/v1/me get: the one generic refusal. */
  private static JsonObject genericRefusal;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    fixture = AccordFixture.start(vertx);
    Row key = fixture.sql("SELECT kid, private_pem FROM signing_keys").get(0);
    kid = key.getString("kid");
    issuerKey = signer(vertx, key.getString("private_pem"), kid);
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    KeyPair own = generator.generateKeyPair();
    String ownPem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(own.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    ownKey = signer(vertx, ownPem, "not-a-kid-of-accord");
    ownKeyUnderIssuersKid = signer(vertx, ownPem, kid);
    HttpResult jwks = getWith(fixture, "/.well-known/jwks.json", null);
    assertThat(jwks.status()).isEqualTo(200);
    jwk = jwks.json().getJsonArray("keys").getJsonObject(0);
    assertThat(jwk.getString("kid")).isEqualTo(kid);
    genericRefusal = generic(assertProblem(getWith(fixture, ME, null), 401));
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private static JWTAuth signer(Vertx vertx, String privatePem, String keyId) {
    return JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
        .setAlgorithm("RS256").setBuffer(privatePem).setId(keyId)));
  }

  private static long now() {
    return System.currentTimeMillis() / 1000;
  }

  /** Claims the verifier accepts: the issuer and audience in force, issued now, five minutes to live, role operator. */
  private static JsonObject validClaims() {
    return new JsonObject()
        .put("iss", fixture.config().security().issuer())
        .put("aud", new JsonArray().add(fixture.config().security().audience()))
        .put("sub", "operator")
        .put("preferred_username", "operator")
        .put("iat", now())
        .put("exp", now() + 300)
        .put("realm_access", new JsonObject().put("roles", new JsonArray().add("operator")));
  }

  private static String sign(JWTAuth signer, String keyId, JsonObject claims) {
    return signer.generateToken(claims, new JWTOptions().setAlgorithm("RS256").setNoTimestamp(true)
        .setHeader(new JsonObject().put("kid", keyId)));
  }

  /** Signed by the issuer's key with the valid claims changed by {@code change}. */
  private static String issuerSigned(Function<JsonObject, JsonObject> change) {
    return sign(issuerKey, kid, change.apply(validClaims()));
  }

  private static String b64(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static String b64(JsonObject json) {
    return b64(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static String hs256(byte[] secret, JsonObject header, JsonObject claims) {
    try {
      String signingInput = b64(header) + "." + b64(claims);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      return signingInput + "." + b64(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The issuer's public key as the PEM text a forger would find (SubjectPublicKeyInfo). */
  private static String publicPem() {
    try {
      Base64.Decoder url = Base64.getUrlDecoder();
      var spec = new RSAPublicKeySpec(new BigInteger(1, url.decode(jwk.getString("n"))), new BigInteger(1, url.decode(jwk.getString("e"))));
      byte[] der = KeyFactory.getInstance("RSA").generatePublic(spec).getEncoded();
      return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
          + "\n-----END PUBLIC KEY-----\n";
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String withPayload(String token, JsonObject claims) {
    String[] parts = token.split("\\.");
    return parts[0] + "." + b64(claims) + "." + parts[2];
  }

  private static JsonObject payload(String token) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8));
  }

  /** A token the issuer gave operator, without "Bearer ". */
  private static String realToken() {
    return fixture.token("operator").get().substring("Bearer ".length());
  }

  /** Authorization header values, each refused. Suppliers: the fixture exists only once the class has started. */
  static Stream<Arguments> forgeries() {
    return Stream.of(
        forged("alg none, unsigned", () -> {
          JsonObject header = new JsonObject().put("alg", "none").put("typ", "JWT");
          return "Bearer " + b64(header) + "." + b64(validClaims()) + ".";
        }),
        forged("alg none with the issuer's kid", () -> {
          JsonObject header = new JsonObject().put("alg", "none").put("typ", "JWT").put("kid", kid);
          return "Bearer " + b64(header) + "." + b64(validClaims()) + ".";
        }),
        forged("alg none, signature of a real token kept", () -> {
          String[] parts = realToken().split("\\.");
          return "Bearer " + b64(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + parts[1] + "." + parts[2];
        }),
        forged("HS256 keyed with the modulus bytes of the published key", () -> "Bearer " + hs256(
            Base64.getUrlDecoder().decode(jwk.getString("n")),
            new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", kid), validClaims())),
        forged("HS256 keyed with the PEM text of the published key", () -> "Bearer " + hs256(
            publicPem().getBytes(StandardCharsets.US_ASCII),
            new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", kid), validClaims())),
        forged("HS256 keyed with the JWK text of the published key", () -> "Bearer " + hs256(
            jwk.encode().getBytes(StandardCharsets.UTF_8),
            new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", kid), validClaims())),
        forged("expired beyond the clock skew", () -> "Bearer " + issuerSigned(c -> c.put("iat", now() - 600).put("exp", now() - 120))),
        forged("not valid before five minutes from now", () -> "Bearer " + issuerSigned(c -> c.put("nbf", now() + 300))),
        forged("issued in the future", () -> "Bearer " + issuerSigned(c -> c.put("iat", now() + 300).put("exp", now() + 600))),
        forged("another issuer", () -> "Bearer " + issuerSigned(c -> c.put("iss", "https://evil.example/realms/accord"))),
        forged("no issuer", () -> "Bearer " + issuerSigned(c -> {
          c.remove("iss");
          return c;
        })),
        forged("another audience", () -> "Bearer " + issuerSigned(c -> c.put("aud", new JsonArray().add("some-other-api")))),
        forged("no audience", () -> "Bearer " + issuerSigned(c -> {
          c.remove("aud");
          return c;
        })),
        forged("no expiry at all", () -> "Bearer " + issuerSigned(c -> {
          c.remove("exp");
          return c;
        })),
        forged("signed by an unknown key with an unknown kid", () -> "Bearer " + sign(ownKey, "not-a-kid-of-accord", validClaims())),
        forged("signed by an unknown key, expired too", () -> "Bearer " + sign(ownKey, "not-a-kid-of-accord",
            validClaims().put("iat", now() - 600).put("exp", now() - 120))),
        forged("signed by an unknown key under the issuer's kid", () -> "Bearer " + sign(ownKeyUnderIssuersKid, kid, validClaims())),
        forged("a real token with its roles raised to admin", () -> {
          String token = realToken();
          JsonObject claims = payload(token);
          claims.put("realm_access", new JsonObject().put("roles", new JsonArray().add("admin")));
          return "Bearer " + withPayload(token, claims);
        }),
        forged("a real token with its expiry extended", () -> {
          String token = realToken();
          return "Bearer " + withPayload(token, payload(token).put("exp", now() + 86_400));
        }),
        forged("a real token with its signature cut", () -> {
          String[] parts = realToken().split("\\.");
          return "Bearer " + parts[0] + "." + parts[1] + ".";
        }),
        forged("a real token with one signature character changed", () -> {
          String token = realToken();
          char last = token.charAt(token.length() - 2);
          return "Bearer " + token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
        }),
        forged("garbage", () -> "Bearer garbage"),
        forged("three garbage segments", () -> "Bearer a.b.c"),
        forged("JSON that is no JWT", () -> "Bearer " + b64(new JsonObject().put("alg", "RS256")) + ".."),
        forged("Bearer and nothing", () -> "Bearer "),
        forged("Bearer only", () -> "Bearer"),
        forged("a real token without the Bearer prefix", ForgedTokenTest::realToken),
        forged("a real token under another scheme", () -> "Token " + realToken()),
        forged("Basic credentials of a real user", () -> "Basic " + Base64.getEncoder().encodeToString(
            ("operator:" + fixture.password("operator")).getBytes(StandardCharsets.UTF_8))));
  }

  private static Arguments forged(String name, Supplier<String> authorization) {
    return Arguments.of(name, authorization);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forgeries")
  void isRefusedWithTheGenericProblem(String name, Supplier<String> authorization) {
    HttpResult response = getWith(fixture, ME, authorization.get());

    JsonObject problem = assertProblem(response, 401);
    assertThat(generic(problem)).as("the refusal of '%s' says no more than the refusal of no token", name).isEqualTo(genericRefusal);
    assertThat(response.header("WWW-Authenticate")).startsWith("Bearer");
  }

  @Test
  void theSameClaimsSignedByTheIssuersKeyAreAccepted() {
    // the forgeries differ from this token in one thing each: they fail for that thing
    HttpResult response = getWith(fixture, ME, "Bearer " + issuerSigned(c -> c));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().getString("name")).isEqualTo("operator");
    assertThat(response.json().getJsonArray("roles")).containsExactly("operator");
  }

  @Test
  void aRealTokenIsAccepted() {
    HttpResult response = getWith(fixture, ME, "Bearer " + realToken());

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().getString("name")).isEqualTo("operator");
  }

  @Test
  void aTokenExpiredWithinTheClockSkewIsStillAccepted() {
    assertThat(fixture.config().security().clockSkew().toSeconds()).isGreaterThan(10);
    HttpResult response = getWith(fixture, ME, "Bearer " + issuerSigned(c -> c.put("iat", now() - 300).put("exp", now() - 10)));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
  }

  @Test
  void aValidTokenCarryingOnlyRolesAccordDoesNotKnowIsForbiddenEverywhere() {
    String token = "Bearer " + issuerSigned(c -> c.put("realm_access", new JsonObject().put("roles", new JsonArray().add("superuser").add("root"))));

    for (String path : List.of(ME, "/api/v1/results", "/api/v1/audit", "/api/v1/users")) {
      assertProblem(getWith(fixture, path, token), 403);
    }
  }

  @Test
  void rolesAreReadOnlyFromTheConfiguredClaim() {
    String token = "Bearer " + issuerSigned(c -> {
      c.remove("realm_access");
      return c.put("roles", new JsonArray().add("admin")).put("resource_access",
          new JsonObject().put("accord-api", new JsonObject().put("roles", new JsonArray().add("admin"))));
    });

    assertProblem(getWith(fixture, "/api/v1/users", token), 403);
    assertProblem(getWith(fixture, ME, token), 403);
  }
}
