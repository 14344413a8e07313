package com.accord.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.domain.TransactionEvent;
import com.accord.testing.AccordFixture;
import com.accord.testing.AccordFixture.HttpResult;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Small helpers shared by the integration specs: posting events, reading results, expected JSON. */
final class Support {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  private Support() {}

  /** A transaction id no other test of the run uses: {@code <name>-<n>}. */
  static String txn(String name) {
    return name + "-" + COUNTER.incrementAndGet();
  }

  static List<TransactionEvent> events(Ev.Builder... events) {
    return Arrays.stream(events).map(Ev.Builder::build).toList();
  }

  /** Posts the events in one request and returns the receipt; the request must be accepted (202). */
  static JsonObject post(AccordFixture fixture, Ev.Builder... events) {
    return post(fixture, events(events));
  }

  static JsonObject post(AccordFixture fixture, List<TransactionEvent> events) {
    HttpResult response = fixture.post(events);
    assertThat(response.status()).as("POST /api/v1/events answered %s", response.body()).isEqualTo(202);
    return response.json();
  }

  /** Posts each event in a request of its own, in the order given. */
  static void postEach(AccordFixture fixture, Ev.Builder... events) {
    for (Ev.Builder event : events) {
      post(fixture, event);
    }
  }

  /** GET /api/v1/transactions/{id}: must exist. */
  static JsonObject transaction(AccordFixture fixture, String txnId) {
    HttpResult response = fixture.get("/api/v1/transactions/" + txnId);
    assertThat(response.status()).as("GET transaction %s answered %s", txnId, response.body()).isEqualTo(200);
    return response.json();
  }

  /**
   * Waits until the transaction's result is final as far as its events go: every expected source
   * has reported, or its window has closed (MISSING). Returns the whole transaction document.
   */
  static JsonObject awaitSettled(AccordFixture fixture, String txnId) {
    return fixture.awaitTransaction(txnId, Support::isSettled, java.time.Duration.ofSeconds(20));
  }

  static boolean isSettled(JsonObject transaction) {
    JsonObject result = transaction.getJsonObject("result");
    return "MISSING".equals(result.getString("status")) || result.getJsonArray("sources_missing").isEmpty();
  }

  /** What a result says about its transaction, without ids, times and versions. */
  static JsonObject verdict(JsonObject result) {
    return new JsonObject()
        .put("status", result.getString("status"))
        .put("sources_seen", result.getJsonArray("sources_seen"))
        .put("sources_missing", result.getJsonArray("sources_missing"))
        .put("discrepancies", result.getJsonArray("discrepancies"));
  }

  /** An expected discrepancy, exactly as the API writes it (absent values are JSON null). */
  static JsonObject discrepancy(String type, String sourceA, String sourceB, String valueA, String valueB, String difference) {
    return new JsonObject()
        .put("type", type)
        .put("source_a", sourceA)
        .put("source_b", sourceB)
        .put("value_a", valueA)
        .put("value_b", valueB)
        .put("difference", difference);
  }

  static JsonArray array(Object... values) {
    return new JsonArray(List.of(values));
  }

  /** The txn ids of a results page, in page order. */
  static List<String> txnIds(JsonObject page) {
    List<String> ids = new ArrayList<>();
    page.getJsonArray("items").forEach(item -> ids.add(((JsonObject) item).getString("txn_id")));
    return ids;
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** The answer is an RFC 9457 problem document with this status. */
  static JsonObject assertProblem(HttpResult response, int status) {
    assertThat(response.status()).as("answer %s", response.body()).isEqualTo(status);
    assertThat(response.header("Content-Type")).startsWith("application/problem+json");
    JsonObject problem = response.json();
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
    return problem;
  }
}
