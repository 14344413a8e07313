package com.accord.it;

import static com.accord.it.Ev.core;
import static com.accord.it.Ev.gateway;
import static com.accord.it.Ev.mobile;
import static com.accord.it.Support.post;
import static com.accord.it.Support.txn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.accord.config.AccordConfig;
import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Specifies the audit trail: one row per result change, hash-chained so that tampering shows, and append-only. */
@ExtendWith(VertxExtension.class)
class AuditTrailTest {

  /**
   * The seqs at which the chain is broken: a hash that does not cover its row, a prev_hash that
   * is not its predecessor's hash (the first row's predecessor is sha256 of nothing), or a gap.
   */
  private static final String BROKEN_LINKS = """
      WITH chain AS (
        SELECT seq, hash, prev_hash,
               lag(hash) OVER (ORDER BY seq) AS previous_hash,
               lag(seq) OVER (ORDER BY seq) AS previous_seq,
               audit_row_digest(prev_hash, seq, occurred_at, actor, action, resource_type, resource_id, outcome, details) AS recomputed
        FROM audit_logs)
      SELECT seq FROM chain
      WHERE recomputed <> hash
         OR prev_hash <> coalesce(previous_hash, sha256(''::bytea))
         OR seq <> coalesce(previous_seq, 0) + 1
      ORDER BY seq""";

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

  private static List<String> auditOf(String txnId) {
    return fixture.sql("""
            SELECT actor, action, resource_type, outcome, details->>'from' AS from_status, details->>'to' AS to_status,
                   details->>'version' AS version, details->'discrepancy_types' AS types
            FROM audit_logs WHERE resource_id = $1 AND action = 'result.changed' ORDER BY seq""", txnId).stream()
        .map(row -> String.join(" ", row.getString("actor"), row.getString("action"), row.getString("resource_type"),
            row.getString("outcome"), row.getString("from_status") + "->" + row.getString("to_status"),
            "v" + row.getString("version"), String.valueOf(new JsonArray(row.getValue("types").toString()))))
        .toList();
  }

  /** Some traffic with every kind of change: new, grown, mismatched, conflicting, missing. */
  private static void someTraffic() {
    String a = txn("traffic");
    String b = txn("traffic");
    post(fixture, core(a), gateway(a), mobile(a), core(b));
    post(fixture, gateway(b).amount("99.00"));
    post(fixture, core(a).amount("1.00"));
    fixture.awaitStatus(b, "MISSING");
  }

  private static List<Long> brokenLinks(Connection connection) throws SQLException {
    List<Long> broken = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(BROKEN_LINKS)) {
      while (rows.next()) {
        broken.add(rows.getLong(1));
      }
    }
    return broken;
  }

  /**
   * The digest is expanded into the expressions that compute it, not called as a function with an
   * executor of its own for every row (it was, while declared IMMUTABLE over STABLE functions).
   */
  @Test
  void theRowDigestIsInlinedWhereItIsComputed() {
    String plan = String.join("\n", fixture.sql("""
            EXPLAIN (VERBOSE) SELECT audit_row_digest(prev_hash, seq, occurred_at, actor, action, resource_type,
                                                      resource_id, outcome, details)
            FROM audit_logs""").stream().map(row -> row.getString(0)).toList());
    assertThat(plan).contains("sha256(").doesNotContain("audit_row_digest(");
  }

  @Test
  void everyChangeOfAResultAppendsOneAuditRowAndNothingElseDoes() {
    String id = txn("audited");
    post(fixture, core(id));
    post(fixture, gateway(id));
    post(fixture, mobile(id).amount("100.10"));
    post(fixture, mobile(id).amount("100.10"));
    post(fixture, gateway(id).status("DECLINED"));

    String row = "system:correlation result.changed transaction success ";
    assertThat(auditOf(id)).containsExactly(
        row + "null->PENDING v1 []",
        row + "PENDING->PENDING v2 []",
        row + "PENDING->MISMATCHED v3 [\"AMOUNT\"]",
        row + "MISMATCHED->MISMATCHED v4 [\"AMOUNT\",\"DUPLICATE\"]");
    assertThat(Support.transaction(fixture, id).getJsonObject("result").getInteger("version")).isEqualTo(4);
  }

  @Test
  void theWindowClosingIsAChangeToo() {
    String id = txn("audited-missing");
    post(fixture, core(id), gateway(id));
    fixture.awaitStatus(id, "MISSING");

    assertThat(auditOf(id)).containsExactly(
        "system:correlation result.changed transaction success null->PENDING v1 []",
        "system:correlation result.changed transaction success PENDING->MISSING v2 [\"MISSING\"]");
  }

  @Test
  void theHashChainVerifiesOverTheWholeTrail() {
    someTraffic();

    assertThat(fixture.sql(BROKEN_LINKS)).extracting(row -> row.getLong("seq")).isEmpty();
    Row head = fixture.sql("""
        SELECT (SELECT count(*) FROM audit_logs) AS n,
               (SELECT max(seq) FROM audit_logs) AS max_seq,
               (SELECT last_seq FROM audit_chain_head) AS head_seq,
               (SELECT last_hash FROM audit_chain_head) = (SELECT hash FROM audit_logs ORDER BY seq DESC LIMIT 1) AS head_is_last""")
        .get(0);
    assertThat(head.getLong("n")).isGreaterThanOrEqualTo(5);
    assertThat(head.getLong("max_seq")).isEqualTo(head.getLong("n"));
    assertThat(head.getLong("head_seq")).isEqualTo(head.getLong("n"));
    assertThat(head.getBoolean("head_is_last")).isTrue();
  }

  @Test
  void theChainShowsARowThatWasChangedOrRemovedBehindTheTriggersBack() throws SQLException {
    someTraffic();
    AccordConfig.Postgres postgres = fixture.config().postgres();
    try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(), postgres.adminUser(), postgres.adminPassword())) {
      connection.setAutoCommit(false);
      try (Statement statement = connection.createStatement()) {
        // only a superuser switching the guard off can do this, and it is rolled back below
        statement.execute("ALTER TABLE audit_logs DISABLE TRIGGER audit_logs_no_update");
        statement.execute("UPDATE audit_logs SET actor = 'mallory' WHERE seq = 2");
        assertThat(brokenLinks(connection)).as("a row whose content changed").containsExactly(2L);
        statement.execute("DELETE FROM audit_logs WHERE seq = 3");
        assertThat(brokenLinks(connection)).as("and a row removed").containsExactly(2L, 4L);
      } finally {
        connection.rollback();
      }
    }
    assertThat(fixture.sql(BROKEN_LINKS)).isEmpty();
  }

  @Test
  void auditRowsCanBeNeitherChangedNorDeleted() {
    someTraffic();
    long rows = fixture.count("SELECT count(*) FROM audit_logs");

    assertThatThrownBy(() -> fixture.sql("UPDATE audit_logs SET actor = 'someone else'"))
        .hasMessageContaining("audit_logs is append-only: UPDATE is not allowed");
    assertThatThrownBy(() -> fixture.sql("DELETE FROM audit_logs"))
        .hasMessageContaining("audit_logs is append-only: DELETE is not allowed");
    assertThatThrownBy(() -> fixture.sql("TRUNCATE audit_logs"))
        .hasMessageContaining("audit_logs is append-only: TRUNCATE is not allowed");

    assertThat(fixture.count("SELECT count(*) FROM audit_logs")).isGreaterThanOrEqualTo(rows);
    assertThat(fixture.count("SELECT count(*) FROM audit_logs WHERE actor = 'someone else'")).isZero();
  }
}
