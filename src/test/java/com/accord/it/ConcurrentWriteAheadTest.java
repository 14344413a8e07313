package com.accord.it;

import static com.accord.it.Ev.core;
import static com.accord.it.Ev.gateway;
import static com.accord.it.Ev.mobile;
import static org.assertj.core.api.Assertions.assertThat;

import com.accord.domain.TransactionEvent;
import com.accord.testing.AccordFixture;
import com.accord.testing.AccordFixture.HttpResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Write-aheads of concurrent requests share statements, and sharing changes nothing a client or
 * the database can tell: every event keeps its own receive time, and of several requests carrying
 * one event identity exactly one stores it, whatever the interleaving.
 */
@ExtendWith(VertxExtension.class)
class ConcurrentWriteAheadTest {

  private static final int CLIENTS = 16;

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

  /** Posts each list of events as one request, {@value #CLIENTS} at a time; the answers in the same order. */
  private static List<HttpResult> postConcurrently(List<List<TransactionEvent>> requests) throws Exception {
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    try {
      List<Future<HttpResult>> answers = new ArrayList<>();
      for (List<TransactionEvent> request : requests) {
        answers.add(clients.submit(() -> fixture.post(request)));
      }
      List<HttpResult> results = new ArrayList<>();
      for (Future<HttpResult> answer : answers) {
        results.add(answer.get());
      }
      return results;
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void concurrentRequestsShareWriteAheadStatementsAndEachEventKeepsItsReceiveTime() throws Exception {
    int transactions = 240;
    List<List<TransactionEvent>> requests = new ArrayList<>();
    for (int t = 0; t < transactions; t++) {
      String id = "WAM-" + t;
      requests.add(List.of(core(id).build()));
      requests.add(List.of(gateway(id).build()));
      requests.add(List.of(mobile(id).build()));
    }
    Collections.shuffle(requests, new Random(7));
    String before = fixture.scrapeMetrics();

    List<HttpResult> answers = postConcurrently(requests);

    assertThat(answers).allSatisfy(a -> assertThat(a.status()).as(a.body()).isEqualTo(202));
    assertThat(answers).allSatisfy(a -> assertThat(a.json().getInteger("accepted")).isEqualTo(1));
    Row stored = fixture.sql("""
        SELECT count(*) AS events, count(DISTINCT xmin::text) AS statements, count(DISTINCT received_at) AS times
        FROM raw_events WHERE txn_id LIKE 'WAM-%'""").get(0);
    long events = stored.getLong("events");
    long statements = stored.getLong("statements");
    assertThat(events).isEqualTo(requests.size());
    assertThat(statements).as("write-ahead statements for %s requests", requests.size()).isLessThan(events);
    assertThat(stored.getLong("times")).as("receive times, against %s statements", statements).isGreaterThan(statements);
    String after = fixture.scrapeMetrics();
    assertThat(stageCount(after, "write_ahead") - stageCount(before, "write_ahead")).as("write-aheads").isEqualTo(requests.size());
    assertThat(stageCount(after, "write_ahead_statement") - stageCount(before, "write_ahead_statement"))
        .as("write-ahead statements counted").isEqualTo(statements);
    for (int t = 0; t < transactions; t += 40) {
      fixture.awaitStatus("WAM-" + t, "MATCHED");
    }
    fixture.awaitStatus("WAM-" + (transactions - 1), "MATCHED");
  }

  private static double stageCount(String metrics, String stage) {
    return AccordFixture.series(metrics, "accord_pipeline_stage_seconds_count", "stage=\"" + stage + "\"");
  }

  @Test
  void ofConcurrentRequestsCarryingOneIdentityExactlyOneStoresItAndTheOthersAreJudgedAgainstIt() throws Exception {
    int transactions = 80;
    List<List<TransactionEvent>> requests = new ArrayList<>();
    for (int t = 0; t < transactions; t++) {
      String id = "WAD-" + t;
      TransactionEvent original = core(id).build();
      TransactionEvent different = core(id).amount("100.01").build();
      requests.add(List.of(original));
      requests.add(List.of(original));
      requests.add(List.of(different, gateway(id).build()));
    }
    Collections.shuffle(requests, new Random(11));

    List<HttpResult> answers = postConcurrently(requests);

    Map<String, List<JsonObject>> coreOutcomes = new HashMap<>();
    for (int i = 0; i < requests.size(); i++) {
      assertThat(answers.get(i).status()).as(answers.get(i).body()).isEqualTo(202);
      JsonObject item = answers.get(i).json().getJsonArray("items").getJsonObject(0);
      String txn = requests.get(i).get(0).txnId();
      coreOutcomes.computeIfAbsent(txn, k -> new ArrayList<>())
          .add(item.copy().put("amount", requests.get(i).get(0).amount().toPlainString()));
    }
    for (int t = 0; t < transactions; t++) {
      String id = "WAD-" + t;
      List<JsonObject> outcomes = coreOutcomes.get(id);
      List<JsonObject> accepted = outcomes.stream().filter(o -> o.getString("outcome").equals("accepted")).toList();
      assertThat(accepted).as("requests that stored core-%s", id).hasSize(1);
      String storedAmount = fixture.sql("SELECT payload->>'amount' AS amount FROM raw_events WHERE source = 'core' AND event_id = $1",
          "core-" + id).get(0).getString("amount");
      assertThat(storedAmount).as("stored amount of core-%s", id).isEqualTo(accepted.get(0).getString("amount"));
      for (JsonObject other : outcomes) {
        if (other != accepted.get(0)) {
          assertThat(other.getString("outcome")).as("a re-send of core-%s for %s", id, other.getString("amount"))
              .isEqualTo(other.getString("amount").equals(storedAmount) ? "duplicate" : "conflict");
        }
      }
    }
    assertThat(fixture.count("SELECT count(*) FROM raw_events WHERE txn_id LIKE 'WAD-%'")).isEqualTo(2L * transactions);
    assertThat(fixture.count("SELECT count(DISTINCT event_id) FROM event_conflicts WHERE txn_id LIKE 'WAD-%'"))
        .as("identities with a conflict recorded").isEqualTo(transactions);
  }
}
