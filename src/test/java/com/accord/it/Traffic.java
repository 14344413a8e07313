package com.accord.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.domain.TransactionEvent;
import com.accord.simulation.Defect;
import com.accord.simulation.GeneratedTransaction;
import com.accord.simulation.TrafficGenerator;
import com.accord.testing.AccordFixture;
import com.accord.testing.AccordFixture.HttpResult;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Generated three-source traffic with injected defects ({@link TrafficGenerator}) for the specs
 * that check whole runs: delivered in random order and random batches, waited for until settled,
 * and compared with its ground truth.
 */
final class Traffic {

  /** Event times of generated traffic; fixed so that runs from one seed are identical. */
  static final Instant START = Instant.parse("2024-03-01T09:00:00Z");

  private Traffic() {}

  static List<GeneratedTransaction> generate(long seed, int count) {
    return new TrafficGenerator(seed, TrafficGenerator.seedMix(), START).generate(count);
  }

  /**
   * The same transactions under txn ids {@code <namespace><txn id>}, their event ids renamed alike,
   * so that a second delivery is new to Accord yet must reconcile exactly like the first.
   */
  static List<GeneratedTransaction> renamed(List<GeneratedTransaction> traffic, String namespace) {
    return traffic.stream().map(t -> {
      String txnId = namespace + t.txnId();
      return new GeneratedTransaction(txnId, t.defect(),
          t.events().stream().map(e -> renamed(e, t.txnId(), txnId)).toList(),
          t.lateEvents().stream().map(e -> renamed(e, t.txnId(), txnId)).toList(),
          t.heldBack().stream().map(e -> renamed(e, t.txnId(), txnId)).toList());
    }).toList();
  }

  private static TransactionEvent renamed(TransactionEvent e, String from, String to) {
    return new TransactionEvent(e.eventId().replace(from, to), e.source(), to, e.amount(), e.currency(), e.status(),
        e.account(), e.timestamp(), e.channel(), e.counterparty(), e.reference(), e.metadata());
  }

  /** Every first delivery of every transaction, in a random order. */
  static List<TransactionEvent> shuffledFirstEvents(List<GeneratedTransaction> traffic, Random random) {
    List<TransactionEvent> events = new ArrayList<>();
    traffic.forEach(t -> events.addAll(t.events()));
    Collections.shuffle(events, random);
    return events;
  }

  /**
   * What must come after every first delivery: conflicting re-sends and held-back events, in a
   * random order. (Held-back events arrive late; whether their window has closed by then does not
   * change the final result.)
   */
  static List<TransactionEvent> shuffledLateEvents(List<GeneratedTransaction> traffic, Random random) {
    List<TransactionEvent> events = new ArrayList<>();
    traffic.forEach(t -> {
      events.addAll(t.lateEvents());
      events.addAll(t.heldBack());
    });
    Collections.shuffle(events, random);
    return events;
  }

  /** Posts the events in order, in consecutive requests of 1 to {@code maxBatch} events; none may be rejected. */
  static void deliver(AccordFixture fixture, List<TransactionEvent> events, Random random, int maxBatch, String context) {
    int from = 0;
    while (from < events.size()) {
      int to = Math.min(events.size(), from + 1 + random.nextInt(maxBatch));
      HttpResult response = fixture.post(events.subList(from, to));
      assertThat(response.status()).as("%s: POST of events %d..%d answered %s", context, from, to, response.body())
          .isEqualTo(202);
      assertThat(response.json().getInteger("rejected")).as("%s: rejected items in %s", context, response.body()).isZero();
      from = to;
    }
  }

  /**
   * Waits until every transaction has a result that no further waiting can change (every expected
   * source seen, or the window closed), then returns the results by txn id, read through the API.
   */
  static Map<String, JsonObject> awaitSettled(AccordFixture fixture, List<String> txnIds, Duration timeout, String context) {
    String[] ids = txnIds.toArray(String[]::new);
    Instant deadline = Instant.now().plus(timeout);
    long settled = 0;
    while (Instant.now().isBefore(deadline)) {
      settled = fixture.count("""
          SELECT count(*) FROM reconciliation_results
          WHERE txn_id = ANY($1::text[]) AND (status = 'MISSING' OR cardinality(sources_missing) = 0)""", (Object) ids);
      if (settled == ids.length) {
        Map<String, JsonObject> all = allResults(fixture);
        Map<String, JsonObject> ours = new HashMap<>();
        txnIds.forEach(id -> ours.put(id, all.get(id)));
        return ours;
      }
      AccordFixture.sleep(100);
    }
    List<String> open = fixture.sql("""
            SELECT txn_id || ' ' || status || ' missing ' || array_to_string(sources_missing, ',') AS open
            FROM reconciliation_results WHERE txn_id = ANY($1::text[]) AND status <> 'MISSING' AND cardinality(sources_missing) > 0
            LIMIT 10""", (Object) ids).stream().map(row -> row.getString("open")).toList();
    throw new AssertionError(context + ": only " + settled + " of " + ids.length + " transactions settled within "
        + timeout + "; open (first 10): " + open);
  }

  /** Every result, by txn id, paging GET /api/v1/results. */
  static Map<String, JsonObject> allResults(AccordFixture fixture) {
    Map<String, JsonObject> results = new HashMap<>();
    String cursor = null;
    do {
      HttpResult page = fixture.get("/api/v1/results?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.status()).as("GET /api/v1/results answered %s", page.body()).isEqualTo(200);
      page.json().getJsonArray("items").forEach(item -> {
        JsonObject result = (JsonObject) item;
        assertThat(results.put(result.getString("txn_id"), result)).as("result listed twice: %s", result).isNull();
      });
      cursor = page.json().getString("next_cursor");
    } while (cursor != null);
    return results;
  }

  /** The verdict with the transaction's own id replaced, so verdicts of renamed copies compare equal. */
  static String comparableVerdict(JsonObject result) {
    return Support.verdict(result).encode().replace(result.getString("txn_id"), "<txn>");
  }

  /** Describes every transaction whose result differs from its injected ground truth; empty when all agree. */
  static List<String> disagreementsWithGroundTruth(List<GeneratedTransaction> traffic, Map<String, JsonObject> results) {
    List<String> disagreements = new ArrayList<>();
    for (GeneratedTransaction t : traffic) {
      JsonObject result = results.get(t.txnId());
      if (result == null) {
        disagreements.add(t.txnId() + ": injected " + t.defect() + ", no result");
        continue;
      }
      Set<String> types = result.getJsonArray("discrepancies").stream()
          .map(d -> ((JsonObject) d).getString("type")).collect(Collectors.toCollection(TreeSet::new));
      Set<String> expectedTypes = t.defect().expectedTypes().stream().map(Enum::name).collect(Collectors.toCollection(TreeSet::new));
      boolean missingAsInjected = t.defect() == Defect.MISSING_SOURCE
          ? result.getJsonArray("sources_missing").size() == 1
          : result.getJsonArray("sources_missing").isEmpty();
      if (!t.defect().expectedStatus().name().equals(result.getString("status")) || !types.equals(expectedTypes)
          || !missingAsInjected) {
        disagreements.add(t.txnId() + ": injected " + t.defect() + ", Accord says " + result.getString("status") + " " + types
            + " missing " + result.getJsonArray("sources_missing"));
      }
    }
    return disagreements;
  }
}
