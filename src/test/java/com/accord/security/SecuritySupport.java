package com.accord.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.testing.AccordFixture;
import com.accord.testing.AccordFixture.HttpResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Helpers of the security specs: raw HTTP with any headers, problem documents, events, the audit trail, the contract. */
final class SecuritySupport {

  private SecuritySupport() {}

  private static final AtomicInteger COUNTER = new AtomicInteger();
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final List<String> ROLES = List.of("admin", "operator", "auditor", "ingestor");

  /** A transaction id, user name or request id no other test of the run uses. */
  static String unique(String name) {
    return name + "-" + COUNTER.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  /** Any request with exactly the headers given (null values are left out) and an optional JSON body. */
  static HttpResult send(String method, String url, Map<String, String> headers, String jsonBody) {
    return send(HTTP, method, url, headers, jsonBody);
  }

  static HttpResult send(HttpClient client, String method, String url, Map<String, String> headers, String jsonBody) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
    if (jsonBody != null) {
      request.header("Content-Type", "application/json");
    }
    headers.forEach((name, value) -> {
      if (value != null) {
        request.header(name, value);
      }
    });
    try {
      HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new HttpResult(response.statusCode(), response.headers().map(), response.body());
    } catch (IOException e) {
      throw new IllegalStateException(method + " " + url + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** GET with an Authorization header exactly as given (null: none). */
  static HttpResult getWith(AccordFixture fixture, String path, String authorization) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", authorization);
    return send("GET", fixture.baseUrl() + path, headers, null);
  }

  /** POST /api/v1/auth/token with a JSON body. */
  static HttpResult tokenRequest(AccordFixture fixture, JsonObject body) {
    return send("POST", fixture.baseUrl() + "/api/v1/auth/token", Map.of(), body.encode());
  }

  static HttpResult passwordGrant(AccordFixture fixture, String username, String password) {
    return tokenRequest(fixture, new JsonObject().put("grant_type", "password").put("username", username).put("password", password));
  }

  /** Signs in and returns the token response; the sign-in must succeed. */
  static JsonObject signIn(AccordFixture fixture, String username, String password) {
    HttpResult response = passwordGrant(fixture, username, password);
    assertThat(response.status()).as("signing in as %s answered %s", username, response.body()).isEqualTo(200);
    return response.json();
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** The answer is an RFC 9457 problem document with this status. */
  static JsonObject assertProblem(HttpResult response, int status) {
    assertThat(response.status()).as("answer %s", response.body()).isEqualTo(status);
    assertThat(response.header("Content-Type")).as("content type of %s", response.body()).startsWith("application/problem+json");
    JsonObject problem = response.json();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
    return problem;
  }

  /** A problem without what differs from call to call (instance and request id). */
  static JsonObject generic(JsonObject problem) {
    JsonObject copy = problem.copy();
    copy.remove("instance");
    copy.remove("request_id");
    return copy;
  }

  // ---- events ----------------------------------------------------------------------------------

  /** The default rules' word for "completed" of each source. */
  private static final Map<String, String> COMPLETED = Map.of("core", "POSTED", "gateway", "SETTLED", "mobile", "SUCCESS");

  /** One event of a source that agrees with the other sources' defaults: 100.00 EUR, completed. */
  static JsonObject event(String source, String txnId) {
    return new JsonObject()
        .put("event_id", source + "-" + txnId)
        .put("source", source)
        .put("txn_id", txnId)
        .put("amount", "100.00")
        .put("currency", "EUR")
        .put("status", COMPLETED.get(source))
        .put("account", "DE89370400440532013000")
        .put("timestamp", "2024-03-01T10:00:00Z");
  }

  /** Posts the events as admin in one request; it must be accepted. */
  static JsonObject postEvents(AccordFixture fixture, JsonObject... events) {
    HttpResult response = fixture.post("/api/v1/events", new JsonArray(List.of((Object[]) events)).encode(), "application/json");
    assertThat(response.status()).as("POST /api/v1/events answered %s", response.body()).isEqualTo(202);
    return response.json();
  }

  /** A transaction whose mobile amount differs: MISMATCHED once all three have reported. */
  static String mismatchedTransaction(AccordFixture fixture, String name) {
    String txn = unique(name);
    postEvents(fixture, event("core", txn), event("gateway", txn), event("mobile", txn).put("amount", "100.10"));
    fixture.awaitStatus(txn, "MISMATCHED");
    return txn;
  }

  static String matchedTransaction(AccordFixture fixture, String name) {
    String txn = unique(name);
    postEvents(fixture, event("core", txn), event("gateway", txn), event("mobile", txn));
    fixture.awaitStatus(txn, "MATCHED");
    return txn;
  }

  // ---- audit trail -----------------------------------------------------------------------------

  /** The audit row of the call with this request id, waiting for the trail's batch to be written. */
  static Row awaitAuditRow(AccordFixture fixture, String requestId) {
    Instant deadline = Instant.now().plusSeconds(10);
    while (Instant.now().isBefore(deadline)) {
      List<Row> rows = fixture.sql("""
          SELECT seq, actor, action, resource_type, resource_id, outcome, details::text AS details
          FROM audit_logs WHERE details->>'request_id' = $1""", requestId);
      if (!rows.isEmpty()) {
        assertThat(rows).as("audit rows of request %s", requestId).hasSize(1);
        return rows.get(0);
      }
      AccordFixture.sleep(20);
    }
    throw new AssertionError("no audit row for request id " + requestId + " within 10 s");
  }

  // ---- the contract ----------------------------------------------------------------------------

  /** One operation of openapi.yaml. */
  record Operation(String id, String method, String path, JsonNode node) {
    boolean isPublic() {
      return node.path("x-accord-public").asBoolean(false);
    }

    List<String> roles() {
      List<String> roles = new java.util.ArrayList<>();
      node.path("x-accord-roles").forEach(role -> roles.add(role.asText()));
      return roles;
    }

    @Override
    public String toString() {
      return method + " " + path + " (" + id + ")";
    }
  }

  private static final List<String> METHODS = List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  static JsonNode contract() {
    try (InputStream in = SecuritySupport.class.getResourceAsStream("/openapi.yaml")) {
      assertThat(in).as("openapi.yaml on the classpath").isNotNull();
      return new ObjectMapper(new YAMLFactory()).readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("openapi.yaml cannot be read: " + e.getMessage(), e);
    }
  }

  /** Every operation of the contract, in the order it lists them. */
  static List<Operation> operations() {
    List<Operation> operations = new java.util.ArrayList<>();
    contract().path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
      if (METHODS.contains(op.getKey())) {
        operations.add(new Operation(op.getValue().path("operationId").asText(), op.getKey().toUpperCase(), path.getKey(), op.getValue()));
      }
    }));
    return operations;
  }

  static Operation operation(String operationId) {
    return operations().stream().filter(op -> op.id().equals(operationId)).findFirst()
        .orElseThrow(() -> new AssertionError("openapi.yaml has no operation " + operationId));
  }

  /** The names of the query parameters of an operation, as the contract declares them. */
  static List<String> queryParameters(String operationId) {
    List<String> names = new java.util.ArrayList<>();
    operation(operationId).node().path("parameters").forEach(p -> {
      if ("query".equals(p.path("in").asText())) {
        names.add(p.path("name").asText());
      }
    });
    return names;
  }
}
