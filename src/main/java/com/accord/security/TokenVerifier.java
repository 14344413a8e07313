package com.accord.security;

import com.accord.config.AccordConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.authentication.CredentialValidationException;
import io.vertx.ext.auth.authentication.Credentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one validation path for bearer tokens, whoever issued them: signature against the issuer's
 * JWKS (only keys of the allowed algorithms), issuer, audience, expiry and not-before within the
 * configured clock skew, and an expiry that must be present. When a token names a key the
 * verifier does not have, the JWKS is fetched again — at most every few seconds, so forged kids
 * cannot make Accord hammer the issuer.
 */
public final class TokenVerifier implements JWTAuth {

  private static final Logger log = LoggerFactory.getLogger(TokenVerifier.class);
  private static final Duration REFRESH_INTERVAL_MIN = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final AccordConfig.Security config;
  private final Supplier<Future<List<JsonObject>>> keySource;
  private volatile JWTAuth delegate;
  private volatile long refreshedAtMillis;

  private TokenVerifier(Vertx vertx, AccordConfig.Security config, Supplier<Future<List<JsonObject>>> keySource) {
    this.vertx = vertx;
    this.config = config;
    this.keySource = keySource;
  }

  /** @param keySource the issuer's current public keys (JWKs) */
  public static Future<TokenVerifier> create(Vertx vertx, AccordConfig.Security config, Supplier<Future<List<JsonObject>>> keySource) {
    TokenVerifier verifier = new TokenVerifier(vertx, config, keySource);
    return verifier.reload().map(verifier);
  }

  /** Keys from an OpenID Connect provider: its discovery document names the JWKS. */
  public static Supplier<Future<List<JsonObject>>> discoveredKeys(Vertx vertx, String issuer) {
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
    String discovery = issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration";
    return () -> getJson(http, discovery)
        .compose(document -> {
          String jwksUri = document.getString("jwks_uri");
          if (jwksUri == null) {
            return Future.failedFuture("the discovery document at " + discovery + " names no jwks_uri");
          }
          if (!issuer.equals(document.getString("issuer"))) {
            return Future.failedFuture("the discovery document at " + discovery + " is for issuer "
                + document.getString("issuer") + ", not " + issuer);
          }
          return getJson(http, jwksUri);
        })
        .map(jwks -> jwks.getJsonArray("keys").stream().map(JsonObject.class::cast).toList());
  }

  /** The provider's discovery document. */
  public static Future<JsonObject> discovery(Vertx vertx, String issuer) {
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5000));
    return getJson(http, issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration").eventually(http::close);
  }

  private static Future<JsonObject> getJson(HttpClient http, String url) {
    return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url).setTimeout(10_000))
        .compose(request -> request.send())
        .compose(response -> response.statusCode() == 200
            ? response.body().map(body -> body.toJsonObject())
            : Future.failedFuture("GET " + url + " answered " + response.statusCode()));
  }

  private Future<Void> reload() {
    refreshedAtMillis = System.currentTimeMillis();
    return keySource.get().map(keys -> {
      List<JsonObject> allowed = keys.stream()
          .filter(k -> config.algorithms().contains(k.getString("alg", "RS256")) && !"enc".equals(k.getString("use")))
          .map(k -> k.containsKey("alg") ? k : k.copy().put("alg", "RS256"))
          .toList();
      JWTOptions checks = new JWTOptions()
          .setIssuer(config.issuer())
          .setAudience(List.of(config.audience()))
          .setLeeway((int) config.clockSkew().toSeconds())
          .setIgnoreExpiration(false);
      delegate = JWTAuth.create(vertx, new JWTAuthOptions().setJwks(allowed).setJWTOptions(checks));
      log.atInfo().addKeyValue("keys", allowed.size()).addKeyValue("issuer", config.issuer()).log("token signing keys loaded");
      return null;
    });
  }

  @Override
  public Future<User> authenticate(Credentials credentials) {
    return verify(credentials).recover(first -> {
      if (System.currentTimeMillis() - refreshedAtMillis < REFRESH_INTERVAL_MIN.toMillis()) {
        return Future.failedFuture(first);
      }
      // perhaps signed with a key published since we last looked (rotation)
      return reload().recover(e -> Future.succeededFuture()).compose(v -> verify(credentials));
    });
  }

  private Future<User> verify(Credentials credentials) {
    return delegate.authenticate(credentials).compose(user -> {
      // JWT validation accepts a token without exp; Accord does not
      JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
      if (!claims.containsKey("exp")) {
        return Future.failedFuture(new CredentialValidationException("token has no expiry"));
      }
      return Future.succeededFuture(user);
    });
  }

  @Override
  public String generateToken(JsonObject claims, JWTOptions options) {
    throw new UnsupportedOperationException("the verifier only verifies; tokens are issued by the issuer");
  }

  @Override
  public String generateToken(JsonObject claims) {
    throw new UnsupportedOperationException("the verifier only verifies; tokens are issued by the issuer");
  }
}
