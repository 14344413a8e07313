package com.accord.security;

import static com.accord.security.SecuritySupport.assertProblem;
import static com.accord.security.SecuritySupport.awaitAuditRow;
import static com.accord.security.SecuritySupport.event;
import static com.accord.security.SecuritySupport.postEvents;
import static com.accord.security.SecuritySupport.send;
import static com.accord.security.SecuritySupport.signIn;
import static com.accord.security.SecuritySupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.accord.config.AccordConfig;
import com.accord.testing.AccordFixture;
import com.accord.testing.AccordFixture.HttpResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Specifies that every access is audited — allowed, forbidden and unauthenticated alike: who,
 * what, on which resource, from where, with what outcome — that auditors can search the trail,
 * that its hash chain shows tampering, and that Accord's own database role cannot rewrite it.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditOfAccessTest {

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

  private static HttpResult call(String user, String method, String path, String requestId) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", user == null ? null : fixture.token(user).get());
    headers.put("X-Request-Id", requestId);
    return send(method, fixture.baseUrl() + path, headers, null);
  }

  private static JsonObject details(Row row) {
    return new JsonObject(row.getString("details"));
  }

  private static void assertRow(Row row, String actor, List<String> roles, String action, String resourceType, String resourceId,
      String outcome, int status, String method, String path) {
    JsonObject details = details(row);
    assertThat(row.getString("actor")).isEqualTo(actor);
    assertThat(details.getJsonArray("roles")).isEqualTo(new JsonArray(new ArrayList<>(roles)));
    assertThat(row.getString("action")).isEqualTo(action);
    assertThat(row.getString("resource_type")).isEqualTo(resourceType);
    assertThat(row.getString("resource_id")).isEqualTo(resourceId);
    assertThat(row.getString("outcome")).isEqualTo(outcome);
    assertThat(details.getInteger("status")).isEqualTo(status);
    assertThat(details.getString("client")).isEqualTo("127.0.0.1");
    assertThat(details.getString("method")).isEqualTo(method);
    assertThat(details.getString("path")).isEqualTo(path);
  }

  @Order(1)
  @Test
  void anAllowedCallIsAuditedAsASuccess() {
    String id = unique("audit-allowed");
    HttpResult response = call("operator", "GET", "/api/v1/results?limit=1", id);
    assertThat(response.status()).isEqualTo(200);
    assertThat(response.header("X-Request-Id")).isEqualTo(id);

    assertRow(awaitAuditRow(fixture, id), "operator", List.of("operator"), "api.listResults", "api", "/api/v1/results",
        "success", 200, "GET", "/api/v1/results");
  }

  @Order(1)
  @Test
  void aCallOnATransactionNamesTheTransaction() {
    String txn = unique("audit-txn");
    postEvents(fixture, event("core", txn));
    fixture.awaitTransaction(txn, t -> true, java.time.Duration.ofSeconds(20));
    String id = unique("audit-txn-call");
    assertThat(call("auditor", "GET", "/api/v1/transactions/" + txn, id).status()).isEqualTo(200);

    assertRow(awaitAuditRow(fixture, id), "auditor", List.of("auditor"), "api.getTransaction", "transaction", txn,
        "success", 200, "GET", "/api/v1/transactions/" + txn);
  }

  @Order(1)
  @Test
  void aForbiddenCallIsAuditedAsDenied() {
    String id = unique("audit-forbidden");
    assertProblem(call("operator", "GET", "/api/v1/audit", id), 403);

    assertRow(awaitAuditRow(fixture, id), "operator", List.of("operator"), "api.listAudit", "api", "/api/v1/audit",
        "denied", 403, "GET", "/api/v1/audit");
  }

  @Order(1)
  @Test
  void anUnauthenticatedCallIsAuditedAsDeniedUnderItsOperation() {
    String id = unique("audit-anonymous");
    assertProblem(call(null, "GET", "/api/v1/stats", id), 401);

    assertRow(awaitAuditRow(fixture, id), "anonymous", List.of(), "api.getStats", "api", "/api/v1/stats",
        "denied", 401, "GET", "/api/v1/stats");
  }

  @Order(1)
  @Test
  void aCallWithABadTokenIsAuditedAsDeniedUnderItsOperation() {
    String id = unique("audit-bad-token");
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Bearer not.a.token");
    headers.put("X-Request-Id", id);
    assertProblem(send("GET", fixture.baseUrl() + "/api/v1/transactions/some-txn", headers, null), 401);

    assertRow(awaitAuditRow(fixture, id), "anonymous", List.of(), "api.getTransaction", "transaction", "some-txn",
        "denied", 401, "GET", "/api/v1/transactions/some-txn");
  }

  @Order(1)
  @Test
  void aRequestIdThatIsNoPlainTokenIsReplacedAndTheReplacementAudited() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", fixture.token("auditor").get());
    headers.put("X-Request-Id", "evil\"id with spaces and a very long tail " + "x".repeat(100));
    HttpResult response = send("GET", fixture.baseUrl() + "/api/v1/stats", headers, null);
    String given = response.header("X-Request-Id");
    assertThat(given).matches("[A-Za-z0-9._-]{1,64}");

    assertThat(details(awaitAuditRow(fixture, given)).getString("request_id")).isEqualTo(given);
  }

  @Order(1)
  @Test
  void auditorsSearchTheTrailByActorOutcomeAndAction() {
    String forbidden = unique("audit-search");
    assertProblem(call("ingestor", "GET", "/api/v1/results", forbidden), 403);
    Row expected = awaitAuditRow(fixture, forbidden);

    HttpResult response = fixture.as("auditor").get("/api/v1/audit?actor=ingestor&outcome=denied&action=api.listResults");
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonArray items = response.json().getJsonArray("items");
    assertThat(items).isNotEmpty();
    List<Long> seqs = new ArrayList<>();
    for (Object item : items) {
      JsonObject row = (JsonObject) item;
      assertThat(row.getString("actor")).isEqualTo("ingestor");
      assertThat(row.getString("outcome")).isEqualTo("denied");
      assertThat(row.getString("action")).isEqualTo("api.listResults");
      seqs.add(row.getLong("seq"));
    }
    assertThat(seqs).contains(expected.getLong("seq"));

    HttpResult none = fixture.as("auditor").get("/api/v1/audit?actor=ingestor&outcome=success&action=api.listResults");
    assertThat(none.json().getJsonArray("items")).as("ingestor was never allowed to list results").isEmpty();
    assertProblem(fixture.as("auditor").get("/api/v1/audit?outcome=maybe"), 400);
  }

  @Order(1)
  @Test
  void auditorsPageThroughTheTrailWithACursorWithoutRepeats() {
    String user = unique("audit-pager");
    HttpResult created = fixture.request("POST", "/api/v1/users", new JsonObject().put("username", user)
        .put("password", "a long enough password").put("roles", new JsonArray().add("operator")).encode());
    assertThat(created.status()).isEqualTo(201);
    String bearer = "Bearer " + signIn(fixture, user, "a long enough password").getString("access_token");
    Set<String> requestIds = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      String id = unique("audit-page");
      requestIds.add(id);
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Authorization", bearer);
      headers.put("X-Request-Id", id);
      assertThat(send("GET", fixture.baseUrl() + "/api/v1/me", headers, null).status()).isEqualTo(200);
    }
    requestIds.forEach(id -> awaitAuditRow(fixture, id));

    List<Long> seqs = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    List<Integer> pageSizes = new ArrayList<>();
    String cursor = null;
    do {
      HttpResult page = fixture.as("auditor").get("/api/v1/audit?actor=" + user + "&limit=3"
          + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).as(page.body()).isEqualTo(200);
      JsonArray items = page.json().getJsonArray("items");
      pageSizes.add(items.size());
      for (Object item : items) {
        JsonObject row = (JsonObject) item;
        seqs.add(row.getLong("seq"));
        seen.add(row.getJsonObject("details").getString("request_id"));
      }
      cursor = page.json().getString("next_cursor");
      assertThat(pageSizes.size()).as("pages").isLessThan(10);
    } while (cursor != null);

    assertThat(pageSizes).containsExactly(3, 3, 1);
    assertThat(seqs).doesNotHaveDuplicates().isSortedAccordingTo((a, b) -> Long.compare(b, a));
    assertThat(seen).isEqualTo(requestIds);
  }

  @Order(1)
  @Test
  void onlyAuditorsAndAdminsReadOrVerifyTheTrail() {
    for (String role : List.of("operator", "ingestor")) {
      assertProblem(fixture.as(role).get("/api/v1/audit"), 403);
      assertProblem(fixture.as(role).get("/api/v1/audit/verify"), 403);
    }
    assertThat(fixture.as("auditor").get("/api/v1/audit").status()).isEqualTo(200);
    assertThat(fixture.as("admin").get("/api/v1/audit/verify").status()).isEqualTo(200);
  }

  @Order(1)
  @Test
  void theApplicationRoleCannotChangeOrDeleteAuditRows() throws Exception {
    AccordConfig.Postgres postgres = fixture.config().postgres();
    assertThat(postgres.user()).isNotEqualTo(postgres.adminUser());
    call("auditor", "GET", "/api/v1/stats", unique("audit-role")); // at least one row
    try (Connection app = DriverManager.getConnection(postgres.jdbcUrl(), postgres.user(), postgres.password());
        Statement statement = app.createStatement()) {
      try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM audit_logs")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getLong(1)).as("the application role reads the trail").isPositive();
      }
      assertThatThrownBy(() -> statement.executeUpdate("UPDATE audit_logs SET actor = 'mallory'"))
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> statement.executeUpdate("DELETE FROM audit_logs"))
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> statement.executeUpdate("TRUNCATE audit_logs"))
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> statement.executeUpdate("UPDATE audit_chain_head SET last_seq = 0"))
          .hasMessageContaining("permission denied");
      assertThatThrownBy(() -> statement.executeUpdate("ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_no_update"))
          .hasMessageContaining("must be owner");
    }
    assertThat(fixture.count("SELECT count(*) FROM audit_logs WHERE actor = 'mallory'")).isZero();
  }

  @Order(2)
  @Test
  void theChainVerifiesIntactWhileCallsAreBeingAudited() throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger calls = new AtomicInteger();
    String bearer = fixture.token("operator").get();
    Thread traffic = new Thread(() -> {
      while (running.get()) {
        send("GET", fixture.baseUrl() + "/api/v1/me", Map.of("Authorization", bearer), null);
        calls.incrementAndGet();
      }
    });
    traffic.start();
    List<String> answers = new ArrayList<>();
    try {
      while (calls.get() < 5) {
        Thread.onSpinWait();
      }
      for (int i = 0; i < 40; i++) {
        HttpResult verify = fixture.as("auditor").get("/api/v1/audit/verify");
        assertThat(verify.status()).isEqualTo(200);
        if (!verify.json().getBoolean("intact")) {
          answers.add(verify.body());
        }
      }
    } finally {
      running.set(false);
      traffic.join();
    }
    assertThat(answers).as("verifications that found the untouched chain broken").isEmpty();
  }

  @Order(3)
  @Test
  void verifyNamesTheFirstRowChangedBehindTheTriggersBack() throws Exception {
    String id = unique("audit-tampered");
    assertThat(call("operator", "GET", "/api/v1/stats", id).status()).isEqualTo(200);
    long seq = awaitAuditRow(fixture, id).getLong("seq");
    AccordFixture.sleep(50); // let the verification calls above settle into the trail
    JsonObject before = fixture.as("auditor").get("/api/v1/audit/verify").json();
    assertThat(before.getBoolean("intact")).as(before.encode()).isTrue();
    assertThat(before.getLong("rows_checked")).isGreaterThanOrEqualTo(seq);

    tamper("UPDATE audit_logs SET actor = 'mallory' WHERE seq = " + seq);
    JsonObject after = fixture.as("auditor").get("/api/v1/audit/verify").json();
    assertThat(after.getBoolean("intact")).as(after.encode()).isFalse();
    assertThat(after.getJsonObject("first_broken").getLong("seq")).isEqualTo(seq);
    assertThat(after.getJsonObject("first_broken").getString("reason")).isNotBlank().contains("altered");
    assertThat(after.getLong("rows_checked")).isEqualTo(seq - 1);

    tamper("UPDATE audit_logs SET actor = 'operator' WHERE seq = " + seq);
    JsonObject restored = fixture.as("admin").get("/api/v1/audit/verify").json();
    assertThat(restored.getBoolean("intact")).as("the row as it was: %s", restored.encode()).isTrue();
  }

  /** Runs a change as the admin role with the append-only guard switched off for it. */
  private static void tamper(String update) throws Exception {
    AccordConfig.Postgres postgres = fixture.config().postgres();
    try (Connection admin = DriverManager.getConnection(postgres.jdbcUrl(), postgres.adminUser(), postgres.adminPassword());
        Statement statement = admin.createStatement()) {
      admin.setAutoCommit(false);
      statement.execute("ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_no_update");
      assertThat(statement.executeUpdate(update)).isEqualTo(1);
      statement.execute("ALTER TABLE audit_logs ENABLE TRIGGER audit_logs_no_update");
      admin.commit();
    }
  }
}
