package com.accord.it;

import static com.accord.it.Ev.core;
import static com.accord.it.Ev.gateway;
import static com.accord.it.Ev.mobile;
import static com.accord.it.Support.array;
import static com.accord.it.Support.awaitSettled;
import static com.accord.it.Support.discrepancy;
import static com.accord.it.Support.post;
import static com.accord.it.Support.txn;
import static org.assertj.core.api.Assertions.assertThat;

import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import com.accord.domain.EventJson;
import com.accord.domain.TransactionEvent;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Specifies that a redelivered event is a harmless no-op while a re-used event id with other content is kept aside as a conflict and flagged. */
@ExtendWith(VertxExtension.class)
class DuplicatesAndConflictsTest {

  private static final String CONFLICT_DIFFERENCE = "same event id re-sent with different content";

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

  private static List<String> outcomes(JsonObject receipt) {
    return receipt.getJsonArray("items").stream().map(item -> ((JsonObject) item).getString("outcome")).toList();
  }

  private static long rawEvents(String source, String eventId) {
    return fixture.count("SELECT count(*) FROM raw_events WHERE source = $1 AND event_id = $2", source, eventId);
  }

  private static String storedAmount(String source, String eventId) {
    return fixture.sql("SELECT payload->>'amount' AS amount FROM raw_events WHERE source = $1 AND event_id = $2", source, eventId)
        .get(0).getString("amount");
  }

  private static List<Row> conflictRows(String source, String eventId) {
    return fixture.sql("SELECT payload->>'amount' AS amount, txn_id FROM event_conflicts WHERE source = $1 AND event_id = $2",
        source, eventId);
  }

  /**
   * A concurrent writer's uncommitted rows: the batch's insert waits on them in the unique index,
   * finds them committed but invisible to its snapshot, and must read them back to tell
   * duplicates from conflicts — the path a redelivery racing its original takes.
   */
  @Test
  void eventsACommittingWriterStoredFirstAreFoundAsDuplicates() throws Exception {
    String raced = txn("raced");
    String other = txn("raced");
    var batch = Support.events(core(raced), gateway(raced), mobile(raced), core(other));
    var admin = fixture.config().postgres().asAdmin();
    ExecutorService sender = Executors.newSingleThreadExecutor();
    try (Connection writer = DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password())) {
      writer.setAutoCommit(false);
      try (PreparedStatement insert = writer.prepareStatement("INSERT INTO raw_events (source, event_id, txn_id, payload, received_at, via) "
          + "VALUES (?, ?, ?, ?::jsonb, now(), 'HTTP')")) {
        for (TransactionEvent event : batch.subList(0, 3)) {
          insert.setString(1, event.source());
          insert.setString(2, event.eventId());
          insert.setString(3, event.txnId());
          insert.setString(4, EventJson.toJson(event));
          insert.addBatch();
        }
        insert.executeBatch();
      }
      Future<AccordFixture.HttpResult> posted = sender.submit(() -> fixture.post(batch));
      awaitBlockedOnLock();
      writer.commit();

      AccordFixture.HttpResult response = posted.get(30, TimeUnit.SECONDS);
      assertThat(response.status()).as("answered %s", response.body()).isEqualTo(202);
      assertThat(outcomes(response.json())).containsExactly("duplicate", "duplicate", "duplicate", "accepted");
    } finally {
      sender.shutdownNow();
    }
    assertThat(awaitSettled(fixture, raced).getJsonObject("result").getString("status")).isEqualTo("MATCHED");
  }

  /** Waits until a session of the fixture's database waits for a lock (the batch's insert). */
  private static void awaitBlockedOnLock() {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (fixture.count("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'") == 0) {
      assertThat(System.nanoTime()).as("the batch's insert never waited for the concurrent writer").isLessThan(deadline);
      AccordFixture.sleep(20);
    }
  }

  @Test
  void theSameEventPostedTwiceIsADuplicateAndChangesNothing() {
    String id = txn("redelivery");
    JsonObject first = post(fixture, core(id), gateway(id), mobile(id));
    assertThat(outcomes(first)).containsExactly("accepted", "accepted", "accepted");
    int versionBefore = awaitSettled(fixture, id).getJsonObject("result").getInteger("version");

    JsonObject second = post(fixture, core(id));

    assertThat(second.getJsonArray("items").getJsonObject(0)).isEqualTo(new JsonObject()
        .put("index", 0).put("outcome", "duplicate").put("source", "core").put("event_id", "core-" + id));
    assertThat(second.getInteger("duplicates")).isEqualTo(1);
    assertThat(second.getInteger("accepted")).isZero();
    assertThat(rawEvents("core", "core-" + id)).isEqualTo(1);
    assertThat(conflictRows("core", "core-" + id)).isEmpty();
    JsonObject result = awaitSettled(fixture, id).getJsonObject("result");
    assertThat(result.getString("status")).isEqualTo("MATCHED");
    assertThat(result.getJsonArray("discrepancies")).isEmpty();
    assertThat(result.getInteger("version")).isEqualTo(versionBefore);
  }

  @Test
  void theSameEventIdWithADifferentAmountIsAConflictThatNeverOverwritesTheOriginal() {
    String id = txn("conflict");
    post(fixture, core(id), gateway(id), mobile(id));
    awaitSettled(fixture, id);

    JsonObject receipt = post(fixture, core(id).amount("999.99"));

    assertThat(receipt.getJsonArray("items").getJsonObject(0)).isEqualTo(new JsonObject()
        .put("index", 0).put("outcome", "conflict").put("source", "core").put("event_id", "core-" + id));
    assertThat(receipt.getInteger("conflicts")).isEqualTo(1);
    assertThat(rawEvents("core", "core-" + id)).isEqualTo(1);
    assertThat(storedAmount("core", "core-" + id)).isEqualTo("100.00");
    List<Row> conflicts = conflictRows("core", "core-" + id);
    assertThat(conflicts).hasSize(1);
    assertThat(conflicts.get(0).getString("amount")).isEqualTo("999.99");
    assertThat(conflicts.get(0).getString("txn_id")).isEqualTo(id);

    JsonObject transaction = fixture.awaitStatus(id, "MISMATCHED");
    JsonObject result = transaction.getJsonObject("result");
    assertThat(result.getString("amount")).isEqualTo("100.00");
    assertThat(result.getJsonArray("discrepancies")).isEqualTo(array(
        discrepancy("DUPLICATE", "core", "core", "core-" + id, "core-" + id, CONFLICT_DIFFERENCE)));
    JsonArray shownConflicts = transaction.getJsonArray("conflicts");
    assertThat(shownConflicts).hasSize(1);
    assertThat(shownConflicts.getJsonObject(0).getJsonObject("event").getString("amount")).isEqualTo("999.99");
  }

  @Test
  void aRepeatAndAConflictInsideOneRequestAreToldApart() {
    String id = txn("in-batch");
    JsonObject receipt = post(fixture, core(id), core(id), core(id).amount("100.01"), gateway(id), mobile(id));

    assertThat(outcomes(receipt)).containsExactly("accepted", "duplicate", "conflict", "accepted", "accepted");
    assertThat(receipt.getInteger("accepted")).isEqualTo(3);
    assertThat(receipt.getInteger("duplicates")).isEqualTo(1);
    assertThat(receipt.getInteger("conflicts")).isEqualTo(1);
    assertThat(receipt.getInteger("rejected")).isZero();
    assertThat(rawEvents("core", "core-" + id)).isEqualTo(1);
    assertThat(storedAmount("core", "core-" + id)).isEqualTo("100.00");
    assertThat(conflictRows("core", "core-" + id)).extracting(row -> row.getString("amount")).containsExactly("100.01");

    JsonObject result = fixture.awaitStatus(id, "MISMATCHED").getJsonObject("result");
    assertThat(result.getJsonArray("sources_missing")).isEmpty();
    assertThat(result.getJsonArray("discrepancies")).isEqualTo(array(
        discrepancy("DUPLICATE", "core", "core", "core-" + id, "core-" + id, CONFLICT_DIFFERENCE)));
  }

  @Test
  void reSendingAKnownConflictAddsNoSecondConflictRowAndDoesNotChangeTheResult() {
    String id = txn("conflict-again");
    post(fixture, core(id), gateway(id), mobile(id));
    post(fixture, gateway(id).amount("100.50"));
    JsonObject before = fixture.awaitStatus(id, "MISMATCHED").getJsonObject("result");

    JsonObject receipt = post(fixture, gateway(id).amount("100.50"));

    assertThat(outcomes(receipt)).containsExactly("conflict");
    assertThat(conflictRows("gateway", "gateway-" + id)).hasSize(1);
    JsonObject after = awaitSettled(fixture, id).getJsonObject("result");
    assertThat(after.getJsonArray("discrepancies")).isEqualTo(array(
        discrepancy("DUPLICATE", "gateway", "gateway", "gateway-" + id, "gateway-" + id, CONFLICT_DIFFERENCE)));
    assertThat(after.getInteger("version")).isEqualTo(before.getInteger("version"));
  }

  @Test
  void aSecondDifferentConflictUnderTheSameIdIsKeptButFlaggedOnce() {
    String id = txn("conflict-twice");
    post(fixture, core(id), gateway(id), mobile(id));
    post(fixture, mobile(id).amount("1.00"));
    post(fixture, mobile(id).amount("2.00"));

    assertThat(conflictRows("mobile", "mobile-" + id)).extracting(row -> row.getString("amount"))
        .containsExactlyInAnyOrder("1.00", "2.00");
    assertThat(storedAmount("mobile", "mobile-" + id)).isEqualTo("100.00");
    JsonObject result = fixture.awaitStatus(id, "MISMATCHED").getJsonObject("result");
    assertThat(result.getJsonArray("discrepancies")).isEqualTo(array(
        discrepancy("DUPLICATE", "mobile", "mobile", "mobile-" + id, "mobile-" + id, CONFLICT_DIFFERENCE)));
  }
}
