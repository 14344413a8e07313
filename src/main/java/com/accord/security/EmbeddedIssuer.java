package com.accord.security;

import com.accord.config.AccordConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * Accord's own token issuer for a single machine without Keycloak: users with bcrypt password
 * hashes, an RS256 key generated on first start and kept in PostgreSQL, short-lived access
 * tokens and rotating refresh tokens. Its tokens are verified exactly like an external
 * provider's, against the JWKS it publishes.
 */
public final class EmbeddedIssuer {

  private static final Logger log = LoggerFactory.getLogger(EmbeddedIssuer.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Thrown for a failed sign-in; the message is safe to show (it never says which part was wrong). */
  public static final class InvalidGrant extends RuntimeException {
    public InvalidGrant(String message) {
      super(message, null, false, false);
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final AccordConfig.Security config;
  private final BCryptPasswordEncoder passwords;
  /** Compared against when the user is unknown, so that an unknown name costs a sign-in what a wrong password does. */
  private String timingDummyHash;
  private JWTAuth signer;
  private SigningKey key;

  public EmbeddedIssuer(Vertx vertx, Pool pool, AccordConfig.Security config) {
    this.vertx = vertx;
    this.pool = pool;
    this.config = config;
    this.passwords = new BCryptPasswordEncoder(config.bcryptStrength(), RANDOM);
  }

  /**
   * Loads the signing key, generating and storing one on first start (several instances may race:
   * one wins), and makes the timing dummy hash.
   */
  public Future<Void> start() {
    return hash(randomToken()).onSuccess(dummy -> timingDummyHash = dummy).compose(v -> latestKey())
        .compose(found -> found != null ? Future.succeededFuture(found)
            : vertx.executeBlocking(SigningKey::generate).compose(generated -> pool.preparedQuery("""
                    INSERT INTO signing_keys (kid, algorithm, private_pem, public_jwk) VALUES ($1, $2, $3, ($4::text)::jsonb)
                    ON CONFLICT DO NOTHING""")
                .execute(Tuple.of(generated.kid(), SigningKey.ALGORITHM, generated.privatePem(), generated.publicJwk().encode()))
                .compose(v -> latestKey())))
        .map(signing -> {
          key = signing;
          signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
              .setAlgorithm(SigningKey.ALGORITHM).setId(signing.kid()).setBuffer(signing.privatePem())));
          log.atInfo().addKeyValue("kid", signing.kid()).log("embedded token issuer ready");
          return null;
        });
  }

  private Future<SigningKey> latestKey() {
    return pool.query("SELECT private_pem FROM signing_keys ORDER BY created_at DESC, kid LIMIT 1").execute()
        .map(rows -> rows.size() == 0 ? null : SigningKey.fromPem(rows.iterator().next().getString("private_pem")));
  }

  /** Every published key, for the JWKS document and the verifier. */
  public Future<List<JsonObject>> publicKeys() {
    return pool.query("SELECT public_jwk::text AS jwk FROM signing_keys ORDER BY created_at").execute()
        .map(rows -> {
          List<JsonObject> keys = new ArrayList<>();
          rows.forEach(r -> keys.add(new JsonObject(r.getString("jwk"))));
          return keys;
        });
  }

  // ---- users -----------------------------------------------------------------------------------

  /**
   * Creates the configured bootstrap users, and in demo mode admin / operator / auditor with
   * generated passwords, when they do not exist yet. Returns the demo credentials created.
   */
  public Future<Map<String, String>> ensureUsers(List<AccordConfig.BootstrapUser> bootstrap, boolean demo) {
    Map<String, String> demoCredentials = new LinkedHashMap<>();
    List<AccordConfig.BootstrapUser> wanted = new ArrayList<>(bootstrap);
    if (demo) {
      for (String role : AccordConfig.ROLES) {
        String password = randomToken().substring(0, 16);
        wanted.add(new AccordConfig.BootstrapUser(role, password, List.of(role)));
        demoCredentials.put(role, password);
      }
    }
    Future<Void> chain = Future.succeededFuture();
    for (AccordConfig.BootstrapUser user : wanted) {
      chain = chain.compose(v -> createIfAbsent(user.username(), user.password(), user.roles()).map(created -> {
        if (!created) {
          demoCredentials.remove(user.username()); // kept its existing password
        }
        return null;
      }));
    }
    return chain.map(v -> demoCredentials);
  }

  private Future<Boolean> createIfAbsent(String username, String password, List<String> roles) {
    return hash(password)
        .compose(hash -> pool.preparedQuery("""
                INSERT INTO users (username, password_hash, roles) VALUES ($1, $2, $3) ON CONFLICT (username) DO NOTHING""")
            .execute(Tuple.of(username, hash, roles.toArray(String[]::new))))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<JsonArray> listUsers() {
    return pool.query("SELECT username, roles, disabled, created_at, updated_at FROM users ORDER BY username").execute()
        .map(rows -> {
          JsonArray users = new JsonArray();
          rows.forEach(r -> users.add(userJson(r)));
          return users;
        });
  }

  /** @return null when the name is taken */
  public Future<JsonObject> createUser(String username, String password, List<String> roles) {
    return createIfAbsent(username, password, roles).compose(created -> created ? user(username) : Future.succeededFuture(null));
  }

  /** Changes what is given (password, roles, disabled); null when there is no such user. Revokes refresh tokens on any change. */
  public Future<JsonObject> updateUser(String username, String password, List<String> roles, Boolean disabled) {
    Future<String> hash = password == null ? Future.succeededFuture(null) : hash(password);
    return hash.compose(h -> pool.preparedQuery("""
            UPDATE users SET password_hash = coalesce($2, password_hash), roles = coalesce($3, roles),
                             disabled = coalesce($4, disabled), updated_at = now()
            WHERE username = $1""")
        .execute(Tuple.of(username, h, roles == null ? null : roles.toArray(String[]::new), disabled)))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(null)
            : pool.preparedQuery("UPDATE refresh_tokens SET revoked_at = now() WHERE username = $1 AND revoked_at IS NULL")
                .execute(Tuple.of(username)).compose(v -> user(username)));
  }

  private Future<JsonObject> user(String username) {
    return pool.preparedQuery("SELECT username, roles, disabled, created_at, updated_at FROM users WHERE username = $1")
        .execute(Tuple.of(username)).map(rows -> rows.size() == 0 ? null : userJson(rows.iterator().next()));
  }

  private static JsonObject userJson(Row r) {
    return new JsonObject()
        .put("username", r.getString("username"))
        .put("roles", new JsonArray(List.of((Object[]) r.getArrayOfStrings("roles"))))
        .put("disabled", r.getBoolean("disabled"))
        .put("created_at", r.getOffsetDateTime("created_at").toInstant().toString())
        .put("updated_at", r.getOffsetDateTime("updated_at").toInstant().toString());
  }

  /** A bcrypt hash, made on a worker: bcrypt is slow on purpose (hundreds of ms at strength 12). */
  private Future<String> hash(String password) {
    return vertx.executeBlocking(() -> passwords.encode(password));
  }

  // ---- grants ----------------------------------------------------------------------------------

  /** Resource owner password grant: the checks run off the event loop (bcrypt is slow on purpose). */
  public Future<JsonObject> passwordGrant(String username, String password) {
    return pool.preparedQuery("SELECT password_hash, roles, disabled FROM users WHERE username = $1")
        .execute(Tuple.of(username))
        .compose(rows -> {
          Row row = rows.size() == 0 ? null : rows.iterator().next();
          String hash = row == null ? timingDummyHash : row.getString("password_hash");
          return vertx.executeBlocking(() -> passwords.matches(password, hash)).compose(matches -> {
            if (row == null || !matches || row.getBoolean("disabled")) {
              return Future.failedFuture(new InvalidGrant("unknown user, wrong password or disabled account"));
            }
            return issue(username, List.of(row.getArrayOfStrings("roles")));
          });
        });
  }

  /** Refresh token grant with rotation: the presented token is spent and a new one issued. */
  public Future<JsonObject> refreshGrant(String refreshToken) {
    byte[] digest = SigningKey.sha256(refreshToken.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return pool.preparedQuery("""
            UPDATE refresh_tokens t SET revoked_at = now()
            FROM users u
            WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL AND t.expires_at > now()
              AND u.username = t.username AND NOT u.disabled
            RETURNING u.username, u.roles""")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(digest)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new InvalidGrant("refresh token unknown, expired or already used"));
          }
          Row row = rows.iterator().next();
          return issue(row.getString("username"), List.of(row.getArrayOfStrings("roles")));
        });
  }

  private Future<JsonObject> issue(String username, List<String> roles) {
    long ttl = config.accessTokenTtl().toSeconds();
    JsonObject claims = new JsonObject()
        .put("preferred_username", username)
        .put("jti", UUID.randomUUID().toString())
        .put("nbf", System.currentTimeMillis() / 1000)
        .put("realm_access", new JsonObject().put("roles", new JsonArray(roles)));
    String access = signer.generateToken(claims, new JWTOptions()
        .setAlgorithm(SigningKey.ALGORITHM)
        .setHeader(new JsonObject().put("kid", key.kid()))
        .setIssuer(config.issuer())
        .setAudience(List.of(config.audience()))
        .setSubject(username)
        .setExpiresInSeconds((int) ttl));
    String refresh = randomToken();
    byte[] digest = SigningKey.sha256(refresh.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plus(config.refreshTokenTtl());
    return pool.preparedQuery("INSERT INTO refresh_tokens (token_sha256, username, expires_at) VALUES ($1, $2, $3)")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(digest), username, expires))
        .map(v -> new JsonObject()
            .put("access_token", access)
            .put("token_type", "Bearer")
            .put("expires_in", ttl)
            .put("refresh_token", refresh)
            .put("refresh_expires_in", config.refreshTokenTtl().toSeconds())
            .put("roles", new JsonArray(roles)));
  }

  private static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
