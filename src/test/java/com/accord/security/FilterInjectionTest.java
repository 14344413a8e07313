package com.accord.security;

import static com.accord.security.SecuritySupport.assertProblem;
import static com.accord.security.SecuritySupport.encode;
import static com.accord.security.SecuritySupport.mismatchedTransaction;
import static com.accord.security.SecuritySupport.queryParameters;
import static com.accord.security.SecuritySupport.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.accord.testing.AccordFixture;
import com.accord.testing.AccordFixture.HttpResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Specifies that filter values are data, never SQL: whatever a query parameter of the results or
 * the audit list holds, the answer is a 400 problem or a page of rows that really match it —
 * never a server error — and the tables are all still there afterwards.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FilterInjectionTest {

  private static final Map<String, String> OPERATIONS = Map.of("listResults", "/api/v1/results", "listAudit", "/api/v1/audit");
  private static final List<String> TABLES = List.of("audit_logs", "audit_chain_head", "reconciliation_results", "raw_events",
      "event_conflicts", "rejected_events", "users", "refresh_tokens", "signing_keys", "annotations", "resolutions");

  /** Hostile values by name (the names keep NUL and friends out of test reports). */
  private static final Map<String, String> HOSTILE = new LinkedHashMap<>();

  static {
    HOSTILE.put("quote OR 1=1", "' OR '1'='1");
    HOSTILE.put("quote OR 1=1 comment", "admin' OR 1=1 --");
    HOSTILE.put("stacked DROP TABLE", "1; DROP TABLE audit_logs;--");
    HOSTILE.put("quoted stacked DROP TABLE", "'; DROP TABLE reconciliation_results; --");
    HOSTILE.put("double quotes", "\" OR \"\"=\"");
    HOSTILE.put("UNION SELECT", "x' UNION SELECT password_hash FROM users --");
    HOSTILE.put("LIKE wildcard %", "%");
    HOSTILE.put("LIKE wildcard _", "_");
    HOSTILE.put("backslash", "\\");
    HOSTILE.put("positional parameter", "$1");
    HOSTILE.put("unicode", "Zürich 日本語 ✓ 😀 \u202E");
    HOSTILE.put("NUL", "\u0000");
    HOSTILE.put("NUL inside", "admin\u0000' OR '1'='1");
    HOSTILE.put("control characters", "\r\n\t\u0007");
    HOSTILE.put("JSON", "{\"$gt\": \"\"}");
    HOSTILE.put("1000 characters", "A".repeat(1000));
  }

  private static final Map<String, String> OVERSIZED = Map.of(
      "10 000 letters", "A".repeat(10_000),
      "10 000 quotes", "'".repeat(10_000));

  /** HTTP/1.1 only: over h2c an oversized header block ends the connection (GOAWAY) instead of answering. */
  private static final HttpClient HTTP_1_1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(java.time.Duration.ofSeconds(5)).build();

  private static AccordFixture fixture;
  private static String txn;
  private static long results;
  private static long users;

  @BeforeAll
  static void start(Vertx vertx) {
    fixture = AccordFixture.start(vertx);
    txn = mismatchedTransaction(fixture, "injection");
    results = fixture.count("SELECT count(*) FROM reconciliation_results");
    users = fixture.count("SELECT count(*) FROM users");
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  static Stream<Arguments> hostileFilters() {
    List<Arguments> cases = new ArrayList<>();
    OPERATIONS.forEach((operation, path) -> queryParameters(operation).forEach(parameter ->
        HOSTILE.forEach((name, value) -> cases.add(Arguments.of(path, parameter, name, value)))));
    return cases.stream();
  }

  static Stream<Arguments> oversizedFilters() {
    List<Arguments> cases = new ArrayList<>();
    OPERATIONS.forEach((operation, path) -> queryParameters(operation).forEach(parameter ->
        OVERSIZED.forEach((name, value) -> cases.add(Arguments.of(path, parameter, name, value)))));
    return cases.stream();
  }

  /** Where a free-text filter's value must appear in each item of a page; other parameters take no free text. */
  private static final Map<String, String> TEXT_FILTERS = Map.of(
      "/api/v1/results?source", "sources_seen",
      "/api/v1/audit?actor", "actor",
      "/api/v1/audit?action", "action",
      "/api/v1/audit?resourceType", "resource_type",
      "/api/v1/audit?resourceId", "resource_id");

  /**
   * 400 naming the problem, or — for a free-text filter — 200 with only the rows that hold
   * exactly this value (the audit trail may well hold it: earlier calls of this class used it).
   */
  private static void assertRefusedOrMatchedAsData(HttpResult response, String path, String parameter, String value, String what) {
    assertThat(response.status()).as("%s answered %s", what, response.body()).isLessThan(500).isIn(200, 400);
    if (response.status() == 400) {
      assertProblem(response, 400);
      return;
    }
    String field = TEXT_FILTERS.get(path + "?" + parameter);
    assertThat(field).as("%s: only free-text filters may take this value, the others must refuse it", what).isNotNull();
    for (Object item : response.json().getJsonArray("items")) {
      Object held = ((JsonObject) item).getValue(field);
      if (held instanceof io.vertx.core.json.JsonArray values) {
        assertThat(values.getList()).as("%s: %s of %s", what, field, item).contains(value);
      } else {
        assertThat(held).as("%s: %s of %s", what, field, item).isEqualTo(value);
      }
    }
  }

  @Order(1)
  @ParameterizedTest(name = "{0}?{1}=<{2}>")
  @MethodSource("hostileFilters")
  void aHostileFilterValueIsRefusedOrTakenAsPlainData(String path, String parameter, String name, String value) {
    HttpResult response = fixture.get(path + "?" + parameter + "=" + encode(value));

    assertRefusedOrMatchedAsData(response, path, parameter, value, path + "?" + parameter + "=<" + name + ">");
  }

  @Order(1)
  @ParameterizedTest(name = "{0}?{1}=<{2}>")
  @MethodSource("oversizedFilters")
  void anOversizedFilterValueIsRefusedWithoutAServerError(String path, String parameter, String name, String value) {
    HttpResult response = send(HTTP_1_1, "GET", fixture.baseUrl() + path + "?" + parameter + "=" + encode(value),
        Map.of("Authorization", fixture.token("admin").get()), null);

    // the HTTP server itself refuses a request line this long (414 / 431) before Accord sees it
    if (response.status() == 414 || response.status() == 431) {
      return;
    }
    assertRefusedOrMatchedAsData(response, path, parameter, value, path + "?" + parameter + "=<" + name + ">");
  }

  @Order(1)
  @ParameterizedTest(name = "/api/v1/transactions/<{0}>")
  @MethodSource("hostileNames")
  void aHostileTransactionIdIsNotFoundOrRefused(String name, String value) {
    HttpResult response = fixture.get("/api/v1/transactions/" + encode(value).replace("+", "%20"));

    assertThat(response.status()).as("<%s> answered %s", name, response.body()).isIn(400, 404);
    assertProblem(response, response.status());
  }

  static Stream<Arguments> hostileNames() {
    return HOSTILE.entrySet().stream().filter(e -> e.getValue().length() <= 128).map(e -> Arguments.of(e.getKey(), e.getValue()));
  }

  @Order(1)
  @Test
  void filtersStillSelectWhatMatchesExactly() {
    JsonObject bySource = fixture.get("/api/v1/results?source=core&status=MISMATCHED").json();
    assertThat(bySource.getJsonArray("items").stream().map(i -> ((JsonObject) i).getString("txn_id")).toList()).contains(txn);

    JsonObject byActor = fixture.as("auditor").get("/api/v1/audit?actor=admin&limit=5").json();
    assertThat(byActor.getJsonArray("items")).isNotEmpty();
    byActor.getJsonArray("items").forEach(i -> assertThat(((JsonObject) i).getString("actor")).isEqualTo("admin"));
  }

  @Order(2)
  @Test
  void everyTableIsStillThereAndUnchanged() {
    for (String table : TABLES) {
      assertThat(fixture.sql("SELECT to_regclass($1)::text AS t", "public." + table).get(0).getString("t")).as(table).isNotNull();
    }
    assertThat(fixture.count("SELECT count(*) FROM reconciliation_results")).isEqualTo(results);
    assertThat(fixture.count("SELECT count(*) FROM users")).isEqualTo(users);
    assertThat(fixture.count("SELECT count(*) FROM audit_logs")).isPositive();
    assertThat(fixture.get("/api/v1/transactions/" + txn).status()).isEqualTo(200);
  }
}
