package com.accord.keycloak;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Accord with a real Keycloak as its OpenID Connect provider: Keycloak's server distribution from
 * Maven Central, started with the bundled realm export; tokens from Keycloak's token endpoint are
 * validated by Accord through discovery and the realm's JWKS, and its realm roles drive access.
 */
@ExtendWith(VertxExtension.class)
class KeycloakIT {

  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static Process keycloak;
  private static String issuer;
  private static AccordFixture accord;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    Path home = Path.of(System.getProperty("accord.keycloak.home", "target/keycloak/keycloak-26.4.5"));
    if (!Files.isExecutable(home.resolve("bin/kc.sh"))) {
      throw new IllegalStateException("Keycloak distribution missing at " + home + "; run through Maven (mvn verify)");
    }
    Path javaHome = javaHome();
    Files.createDirectories(home.resolve("data/import"));
    Files.copy(Path.of("src/main/resources/keycloak/accord-realm.json"), home.resolve("data/import/accord-realm.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    int port = freePort();
    ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/kc.sh").toString(), "start-dev",
        "--http-port", Integer.toString(port), "--import-realm", "--http-management-port", Integer.toString(freePort()))
        .redirectErrorStream(true)
        .redirectOutput(home.resolve("keycloak.log").toFile());
    builder.environment().put("JAVA_HOME", javaHome.toString());
    keycloak = builder.start();
    issuer = "http://localhost:" + port + "/realms/accord";
    awaitKeycloak(home.resolve("keycloak.log"));
    accord = AccordFixture.start(vertx, Map.of(
        "ACCORD_SECURITY_MODE", "oidc",
        "ACCORD_SECURITY_ISSUER", issuer));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (accord != null) {
      accord.close();
    }
    if (keycloak != null) {
      keycloak.destroy();
      if (!keycloak.waitFor(30, TimeUnit.SECONDS)) {
        keycloak.destroyForcibly();
      }
    }
  }

  @Test
  void aKeycloakTokenCarriesItsRealmRolesIntoAccord() throws Exception {
    JsonObject me = get("/api/v1/me", keycloakToken("alice-admin", "demo-admin-password"));
    assertThat(me.getString("name")).isEqualTo("alice-admin");
    assertThat(me.getJsonArray("roles").getList()).containsExactly("admin");
    assertThat(me.getString("issuer")).isEqualTo(issuer);
  }

  @Test
  void eachRoleGetsExactlyItsOperations() throws Exception {
    String operator = keycloakToken("oscar-operator", "demo-operator-password");
    String auditor = keycloakToken("aude-auditor", "demo-auditor-password");
    assertThat(status("/api/v1/stats", operator)).isEqualTo(200);
    assertThat(status("/api/v1/audit", operator)).isEqualTo(403);
    assertThat(status("/api/v1/audit", auditor)).isEqualTo(200);
    assertThat(status("/api/v1/users", auditor)).isEqualTo(403);
  }

  @Test
  void theEmbeddedIssuerIsOffAndItsTokensAreRefused() throws Exception {
    HttpResponse<String> signIn = http.send(HttpRequest.newBuilder(URI.create(accord.baseUrl() + "/api/v1/auth/token"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"password\",\"username\":\"admin\",\"password\":\"whatever-it-is\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(signIn.statusCode()).isEqualTo(404);
    assertThat(status("/api/v1/stats", null)).isEqualTo(401);
  }

  private static String keycloakToken(String user, String password) throws Exception {
    String form = "grant_type=password&client_id=accord-cli&username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
        + "&password=" + URLEncoder.encode(password, StandardCharsets.UTF_8);
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(issuer + "/protocol/openid-connect/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body()).getString("access_token");
  }

  private static JsonObject get(String path, String token) throws Exception {
    HttpResponse<String> response = send(path, token);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new JsonObject(response.body());
  }

  private static int status(String path, String token) throws Exception {
    return send(path, token).statusCode();
  }

  private static HttpResponse<String> send(String path, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(accord.baseUrl() + path)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void awaitKeycloak(Path log) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(3));
    while (Instant.now().isBefore(deadline)) {
      if (!keycloak.isAlive()) {
        throw new IllegalStateException("Keycloak exited; see " + log);
      }
      try {
        HttpResponse<String> discovery = http.send(HttpRequest.newBuilder(
            URI.create(issuer + "/.well-known/openid-configuration")).build(), HttpResponse.BodyHandlers.ofString());
        if (discovery.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(500);
    }
    throw new IllegalStateException("Keycloak did not answer within 3 minutes; see " + log);
  }

  /** Keycloak 26 needs Java 21 or later; Accord itself runs on 17. */
  private static Path javaHome() {
    for (String candidate : List.of(String.valueOf(System.getenv("KEYCLOAK_JAVA_HOME")), "/usr/lib/jvm/temurin-25-jdk-amd64",
        "/usr/lib/jvm/temurin-21-jdk-amd64")) {
      if (Files.isExecutable(Path.of(candidate, "bin", "java"))) {
        return Path.of(candidate);
      }
    }
    throw new IllegalStateException("Keycloak needs a JDK 21+: set KEYCLOAK_JAVA_HOME");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
