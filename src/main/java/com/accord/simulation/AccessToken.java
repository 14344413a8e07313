package com.accord.simulation;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * A bearer token for Accord's API from its embedded issuer, signed in with a user's password and
 * renewed shortly before it expires. For the simulator, verify and tests; thread-safe.
 */
public final class AccessToken implements Supplier<String> {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI tokenEndpoint;
  private final String username;
  private final String password;
  private String token;
  private Instant renewAt = Instant.EPOCH;

  public AccessToken(String apiBase, String username, String password) {
    this.tokenEndpoint = URI.create(apiBase + "/api/v1/auth/token");
    this.username = username;
    this.password = password;
  }

  /** The "Authorization" header value. */
  @Override
  public synchronized String get() {
    if (Instant.now().isAfter(renewAt)) {
      signIn();
    }
    return "Bearer " + token;
  }

  private void signIn() {
    String body = new JsonObject().put("grant_type", "password").put("username", username).put("password", password).encode();
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(tokenEndpoint)
          .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("signing in as " + username + " at " + tokenEndpoint + " answered "
            + response.statusCode() + ": " + response.body());
      }
      JsonObject tokens = new JsonObject(response.body());
      token = tokens.getString("access_token");
      long ttl = tokens.getLong("expires_in");
      renewAt = Instant.now().plusSeconds(Math.max(1, ttl - Math.min(60, ttl / 2)));
    } catch (java.io.IOException e) {
      throw new IllegalStateException("signing in at " + tokenEndpoint + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signing in", e);
    }
  }
}
