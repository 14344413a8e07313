package com.accord.security;

import static com.accord.security.SecuritySupport.ROLES;
import static com.accord.security.SecuritySupport.assertProblem;
import static com.accord.security.SecuritySupport.generic;
import static com.accord.security.SecuritySupport.getWith;
import static com.accord.security.SecuritySupport.passwordGrant;
import static com.accord.security.SecuritySupport.signIn;
import static com.accord.security.SecuritySupport.tokenRequest;
import static com.accord.security.SecuritySupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.accord.testing.AccordFixture;
import com.accord.testing.AccordFixture.HttpResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Specifies the embedded issuer: sign-in, refresh with rotation, disabled users, user management, keys that last. */
@ExtendWith(VertxExtension.class)
class TokenLifecycleTest {

  private static final String PASSWORD = "correct horse battery staple";

  private static AccordFixture fixture;

  @BeforeAll
  static void start(Vertx vertx) {
    fixture = AccordFixture.start(vertx);
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private static String me(String accessToken) {
    HttpResult response = getWith(fixture, "/api/v1/me", "Bearer " + accessToken);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json().getString("name") + " " + response.json().getJsonArray("roles");
  }

  private static JsonObject header(String jwt) {
    return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]), StandardCharsets.UTF_8));
  }

  private static String createUser(String username, String... roles) {
    HttpResult created = fixture.request("POST", "/api/v1/users", new JsonObject().put("username", username)
        .put("password", PASSWORD).put("roles", new JsonArray(List.of((Object[]) roles))).encode());
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return username;
  }

  private static HttpResult refresh(String refreshToken) {
    return tokenRequest(fixture, new JsonObject().put("grant_type", "refresh_token").put("refresh_token", refreshToken));
  }

  private static HttpResult patchUser(String username, JsonObject change) {
    return fixture.request("PATCH", "/api/v1/users/" + username, change.encode());
  }

  @Test
  void everyBootstrapUserSignsInWithItsPasswordAndGetsItsRoles() {
    for (String user : ROLES) {
      JsonObject tokens = signIn(fixture, user, fixture.password(user));

      assertThat(tokens.getString("token_type")).isEqualTo("Bearer");
      assertThat(tokens.getLong("expires_in")).isPositive();
      assertThat(tokens.getString("refresh_token")).isNotBlank();
      assertThat(tokens.getJsonArray("roles")).containsExactly(user);
      JsonObject jwtHeader = header(tokens.getString("access_token"));
      assertThat(jwtHeader.getString("alg")).isEqualTo("RS256");
      assertThat(jwtHeader.getString("kid")).isNotBlank();
      assertThat(me(tokens.getString("access_token"))).isEqualTo(user + " [\"" + user + "\"]");
    }
  }

  @Test
  void aWrongPasswordAnUnknownUserAndADisabledUserAreRefusedAlike() {
    String disabled = createUser(unique("lc-disabled-alike"), "operator");
    assertThat(patchUser(disabled, new JsonObject().put("disabled", true)).status()).isEqualTo(200);

    JsonObject wrongPassword = assertProblem(passwordGrant(fixture, "operator", fixture.password("operator") + "x"), 401);
    JsonObject unknownUser = assertProblem(passwordGrant(fixture, "nobody-" + unique("u"), "whatever it is"), 401);
    JsonObject disabledUser = assertProblem(passwordGrant(fixture, disabled, PASSWORD), 401);
    JsonObject shortWrongPassword = assertProblem(passwordGrant(fixture, "admin", "x"), 401);

    assertThat(generic(unknownUser)).as("no user enumeration").isEqualTo(generic(wrongPassword));
    assertThat(generic(disabledUser)).isEqualTo(generic(wrongPassword));
    assertThat(generic(shortWrongPassword)).isEqualTo(generic(wrongPassword));
    assertThat(wrongPassword.getString("detail")).doesNotContain("operator");
  }

  @Test
  void aRefreshTokenGivesNewTokensOnceAndIsThenSpent() {
    JsonObject first = signIn(fixture, "auditor", fixture.password("auditor"));

    HttpResult refreshed = refresh(first.getString("refresh_token"));
    assertThat(refreshed.status()).as(refreshed.body()).isEqualTo(200);
    JsonObject second = refreshed.json();
    assertThat(second.getString("refresh_token")).isNotBlank().isNotEqualTo(first.getString("refresh_token"));
    assertThat(second.getString("access_token")).isNotBlank().isNotEqualTo(first.getString("access_token"));
    assertThat(second.getJsonArray("roles")).containsExactly("auditor");
    assertThat(me(second.getString("access_token"))).isEqualTo("auditor [\"auditor\"]");

    JsonObject reused = assertProblem(refresh(first.getString("refresh_token")), 401);
    assertThat(generic(reused)).isEqualTo(generic(assertProblem(refresh("never-issued-" + unique("r")), 401)));

    HttpResult third = refresh(second.getString("refresh_token"));
    assertThat(third.status()).as("the rotated refresh token works once: %s", third.body()).isEqualTo(200);
    assertProblem(refresh(second.getString("refresh_token")), 401);
  }

  @Test
  void aDisabledUserCanNeitherSignInNorRefreshUntilEnabledAgain() {
    String user = createUser(unique("lc-disabled"), "operator");
    JsonObject tokens = signIn(fixture, user, PASSWORD);

    HttpResult disabled = patchUser(user, new JsonObject().put("disabled", true));
    assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
    assertThat(disabled.json().getBoolean("disabled")).isTrue();

    assertProblem(passwordGrant(fixture, user, PASSWORD), 401);
    assertProblem(refresh(tokens.getString("refresh_token")), 401);

    assertThat(patchUser(user, new JsonObject().put("disabled", false)).status()).isEqualTo(200);
    assertThat(passwordGrant(fixture, user, PASSWORD).status()).as("enabled again, the same password works").isEqualTo(200);
    assertProblem(refresh(tokens.getString("refresh_token")), 401); // revoked by the change, not merely suspended
  }

  @Test
  void changingAPasswordRevokesTheOldOneAndItsRefreshTokens() {
    String user = createUser(unique("lc-password"), "auditor");
    JsonObject tokens = signIn(fixture, user, PASSWORD);

    assertThat(patchUser(user, new JsonObject().put("password", "another long password")).status()).isEqualTo(200);

    assertProblem(passwordGrant(fixture, user, PASSWORD), 401);
    assertProblem(refresh(tokens.getString("refresh_token")), 401);
    assertThat(passwordGrant(fixture, user, "another long password").status()).isEqualTo(200);
  }

  @Test
  void aUserTheAdminCreatesSignsInWithTheRolesGiven() {
    String user = unique("lc-new");
    HttpResult created = fixture.request("POST", "/api/v1/users", new JsonObject().put("username", user)
        .put("password", PASSWORD).put("roles", new JsonArray().add("operator").add("auditor")).encode());
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().getString("username")).isEqualTo(user);
    assertThat(created.json().fieldNames()).doesNotContain("password", "password_hash");
    assertThat(created.body()).doesNotContain(PASSWORD);

    JsonObject tokens = signIn(fixture, user, PASSWORD);
    assertThat(tokens.getJsonArray("roles")).containsExactlyInAnyOrder("operator", "auditor");
    String bearer = "Bearer " + tokens.getString("access_token");
    assertThat(getWith(fixture, "/api/v1/audit", bearer).status()).as("auditor's right").isEqualTo(200);
    assertThat(getWith(fixture, "/api/v1/results", bearer).status()).isEqualTo(200);
    assertProblem(getWith(fixture, "/api/v1/users", bearer), 403);

    assertProblem(fixture.request("POST", "/api/v1/users", new JsonObject().put("username", user)
        .put("password", "yet another password").put("roles", new JsonArray().add("admin")).encode()), 409);
    assertThat(passwordGrant(fixture, user, "yet another password").status())
        .as("creating an existing user again changes nothing").isEqualTo(401);
  }

  @Test
  void onlyAdminsManageUsers() {
    String target = createUser(unique("lc-target"), "auditor");
    for (String role : List.of("operator", "auditor", "ingestor")) {
      assertProblem(fixture.as(role).request("POST", "/api/v1/users", new JsonObject().put("username", unique("lc-x"))
          .put("password", PASSWORD).put("roles", new JsonArray().add("admin")).encode()), 403);
      assertProblem(fixture.as(role).request("PATCH", "/api/v1/users/" + target,
          new JsonObject().put("roles", new JsonArray().add("admin")).encode()), 403);
      assertProblem(fixture.as(role).get("/api/v1/users"), 403);
    }
    assertThat(signIn(fixture, target, PASSWORD).getJsonArray("roles")).containsExactly("auditor");
  }

  @Test
  void theUserListNeverShowsPasswordsOrTheirHashes() {
    createUser(unique("lc-listed"), "ingestor");
    HttpResult list = fixture.get("/api/v1/users");
    assertThat(list.status()).isEqualTo(200);

    JsonArray users = list.json().getJsonArray("items");
    assertThat(users.size()).isGreaterThanOrEqualTo(5);
    for (Object user : users) {
      assertThat(((JsonObject) user).fieldNames()).isSubsetOf(Set.of("username", "roles", "disabled", "created_at", "updated_at"));
    }
    assertThat(list.body()).doesNotContain("$2a$", "$2b$", "$2y$", PASSWORD);
    for (String user : ROLES) {
      assertThat(list.body()).doesNotContain(fixture.password(user));
    }
    fixture.sql("SELECT password_hash FROM users").forEach(row -> assertThat(list.body()).doesNotContain(row.getString("password_hash")));
  }

  @Test
  void theJwksPublishesTheRs256SigningKeyAndNothingPrivate() {
    HttpResult jwks = getWith(fixture, "/.well-known/jwks.json", null);
    assertThat(jwks.status()).isEqualTo(200);

    JsonArray keys = jwks.json().getJsonArray("keys");
    List<String> stored = fixture.sql("SELECT kid FROM signing_keys ORDER BY created_at").stream().map(r -> r.getString("kid")).toList();
    assertThat(keys.stream().map(k -> ((JsonObject) k).getString("kid")).toList()).isEqualTo(stored).isNotEmpty();
    for (Object k : keys) {
      JsonObject key = (JsonObject) k;
      assertThat(key.getString("kty")).isEqualTo("RSA");
      assertThat(key.getString("alg")).isEqualTo("RS256");
      assertThat(key.getString("use")).isEqualTo("sig");
      assertThat(key.getString("kid")).isNotBlank();
      assertThat(key.getString("n")).isNotBlank();
      assertThat(key.getString("e")).isNotBlank();
      assertThat(key.fieldNames()).doesNotContain("d", "p", "q", "dp", "dq", "qi", "k", "oth");
    }
    assertThat(jwks.body()).doesNotContain("PRIVATE");
    String issuedKid = header(signIn(fixture, "operator", fixture.password("operator")).getString("access_token")).getString("kid");
    assertThat(stored).contains(issuedKid);

    HttpResult discovery = getWith(fixture, "/.well-known/openid-configuration", null);
    assertThat(discovery.status()).isEqualTo(200);
    assertThat(discovery.json().getString("issuer")).isEqualTo(fixture.config().security().issuer());
    assertThat(discovery.json().getString("jwks_uri")).isEqualTo(fixture.baseUrl() + "/.well-known/jwks.json");
  }

  @Test
  void theSigningKeySurvivesARestartAndSoDoTokensIssuedBeforeIt() {
    String tokenBefore = signIn(fixture, "auditor", fixture.password("auditor")).getString("access_token");
    List<String> kidsBefore = fixture.sql("SELECT kid FROM signing_keys").stream().map(r -> r.getString("kid")).toList();
    String publishedBefore = getWith(fixture, "/.well-known/jwks.json", null).body();

    fixture.stopAccord();
    fixture.startAccord();

    assertThat(fixture.sql("SELECT kid FROM signing_keys").stream().map(r -> r.getString("kid")).toList()).isEqualTo(kidsBefore);
    assertThat(getWith(fixture, "/.well-known/jwks.json", null).body()).isEqualTo(publishedBefore);
    assertThat(me(tokenBefore)).isEqualTo("auditor [\"auditor\"]");
    String tokenAfter = signIn(fixture, "auditor", fixture.password("auditor")).getString("access_token");
    assertThat(header(tokenAfter).getString("kid")).isEqualTo(header(tokenBefore).getString("kid"));
  }
}
