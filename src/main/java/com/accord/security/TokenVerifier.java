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
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one validation path for bearer tokens, whoever issued them: signature against the issuer's
 * JWKS (only keys of the allowed algorithms), issuer, audience, expiry and not-before within the
 * configured clock skew, and an expiry that must be present. When a token names a key the
 * verifier does not have, the JWKS is fetched again — at most every few seconds, so forged kids
 * cannot make Accord hammer the issuer.
 *
 * <p>A client sends the same token with every request, and checking its RSA signature was the
 * largest single cost of a small request on an event loop. A token that passed every check is
 * therefore believed again, without the checks, for at most {@link #VERIFIED_TOKEN_TTL} and never
 * past its own expiry (the clock skew is not extended to it: a token past its expiry is checked
 * again, skew and all). Each request gets a user of its own, copied from what the checks found.
 * Loading the keys again forgets every token verified so far, and a check that ran on the keys
 * before a reload is not remembered. At most {@link #VERIFIED_TOKENS_MAX}
 * tokens are kept; beyond that a token is checked every time.
 */
public final class TokenVerifier implements JWTAuth {

  private static final Logger log = LoggerFactory.getLogger(TokenVerifier.class);
  private static final Duration REFRESH_INTERVAL_MIN = Duration.ofSeconds(10);

  private final Vertx vertx;
  private final AccordConfig.Security config;
  private final Supplier<Future<List<JsonObject>>> keySource;
  private volatile JWTAuth delegate;
  private volatile long refreshedAtMillis;
  private final ConcurrentHashMap<String, Verified> verified = new ConcurrentHashMap<>();

  static final int VERIFIED_TOKENS_MAX = 10_000;
  static final Duration VERIFIED_TOKEN_TTL = Duration.ofSeconds(60);

  /** What the checks of one token found, and until when it is believed without them. */
  private record Verified(JsonObject principal, JsonObject attributes, long untilMillis) {}

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
      verified.clear(); // a key withdrawn since is no longer believed through its tokens
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
    String token = credentials instanceof TokenCredentials bearer ? bearer.getToken() : null;
    long now = System.currentTimeMillis();
    Verified known = token == null ? null : verified.get(token);
    if (known != null) {
      if (now < known.untilMillis()) {
        return Future.succeededFuture(User.create(known.principal().copy(), known.attributes().copy()));
      }
      verified.remove(token, known);
    }
    JWTAuth checks = delegate;
    return checks.authenticate(credentials).compose(user -> {
      // JWT validation accepts a token without exp; Accord does not
      JsonObject claims = user.attributes().getJsonObject("accessToken", user.principal());
      if (!(claims.getValue("exp") instanceof Number exp)) {
        return Future.failedFuture(new CredentialValidationException("token has no expiry"));
      }
      if (token != null && checks == delegate) { // keys reloaded meanwhile: not believed on the old keys' word
        remember(token, user, Math.min(exp.longValue() * 1000, now + VERIFIED_TOKEN_TTL.toMillis()), now);
      }
      return Future.succeededFuture(user);
    });
  }

  private void remember(String token, User user, long untilMillis, long now) {
    if (untilMillis <= now) {
      return; // accepted within the clock skew past its expiry: checked again each time
    }
    if (verified.size() >= VERIFIED_TOKENS_MAX) {
      verified.values().removeIf(v -> v.untilMillis() <= now);
      if (verified.size() >= VERIFIED_TOKENS_MAX) {
        return;
      }
    }
    verified.put(token, new Verified(user.principal().copy(), user.attributes().copy(), untilMillis));
  }

  /** How many verified tokens are believed without their checks now. */
  int tokensBelieved() {
    long now = System.currentTimeMillis();
    return (int) verified.values().stream().filter(v -> now < v.untilMillis()).count();
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
