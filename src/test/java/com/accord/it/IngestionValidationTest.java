package com.accord.it;

import static com.accord.it.Ev.core;
import static com.accord.it.Ev.gateway;
import static com.accord.it.Ev.mobile;
import static com.accord.it.Support.assertProblem;
import static com.accord.it.Support.awaitSettled;
import static com.accord.it.Support.txn;
import static org.assertj.core.api.Assertions.assertThat;

import com.accord.domain.EventJson;
import com.accord.domain.TransactionEvent;
import com.accord.testing.AccordFixture;
import com.accord.testing.AccordFixture.HttpResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Specifies how POST /api/v1/events validates its input: item by item with exact JSON paths, and whole bodies with problem documents. */
@ExtendWith(VertxExtension.class)
class IngestionValidationTest {

  private static final String EVENTS = "/api/v1/events";
  private static final String JSON = "application/json";

  private static AccordFixture fixture;
  /** Accepts request bodies of at most 2048 bytes. */
  private static SecondAccord small;

  @BeforeAll
  static void start(Vertx vertx) {
    fixture = AccordFixture.start(vertx);
    small = SecondAccord.start(Map.of("ACCORD_HTTP_BODY_LIMIT_BYTES", "2048"));
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
    if (small != null) {
      small.close();
    }
  }

  /** The event as Accord's canonical JSON, changed by {@code change}. */
  private static JsonObject item(Ev.Builder event, Consumer<JsonObject> change) {
    JsonObject json = new JsonObject(EventJson.toJson(event.build()));
    change.accept(json);
    return json;
  }

  private static JsonObject valid(Ev.Builder event) {
    return item(event, json -> { });
  }

  private static long rawEventsOf(AccordFixture accord, String txnId) {
    return accord.count("SELECT count(*) FROM raw_events WHERE txn_id = $1", txnId);
  }

  @Test
  void eachItemIsJudgedOnItsOwnAndEveryMalformedOneIsNamedByItsPath() {
    String id = txn("mixed");
    JsonArray batch = new JsonArray()
        .add(valid(core(id)))
        .add(item(gateway(id).id("bad-1"), json -> json.remove("amount")))
        .add(item(gateway(id).id("bad-2"), json -> json.put("amount", "12.3.4")))
        .add(valid(gateway(id)))
        .add(item(mobile(id).id("bad-4"), json -> json.put("currency", "EURO")))
        .add(item(core(id).id("bad-5"), json -> json.put("status", "SETTLED")))
        .add(item(mobile(id).id("bad-6"), json -> json.put("colour", "red")))
        .add(valid(mobile(id)))
        .add(item(gateway(id).id("bad-8"), json -> json.put("timestamp", "2024-03-01T10:00:00")));

    HttpResult response = fixture.post(EVENTS, batch.encode(), JSON);

    assertThat(response.status()).as(response.body()).isEqualTo(202);
    JsonObject receipt = response.json();
    assertThat(receipt.getInteger("accepted")).isEqualTo(3);
    assertThat(receipt.getInteger("rejected")).isEqualTo(6);
    assertThat(receipt.getInteger("duplicates")).isZero();
    assertThat(receipt.getInteger("conflicts")).isZero();
    JsonArray items = receipt.getJsonArray("items");
    assertThat(items.stream().map(i -> ((JsonObject) i).getInteger("index")).toList()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    assertThat(items.stream().map(i -> ((JsonObject) i).getString("outcome")).toList()).containsExactly(
        "accepted", "rejected", "rejected", "accepted", "rejected", "rejected", "rejected", "accepted", "rejected");
    assertThat(items.getJsonObject(0)).isEqualTo(new JsonObject()
        .put("index", 0).put("outcome", "accepted").put("source", "core").put("event_id", "core-" + id));

    Map<Integer, String> expectedPath = Map.of(
        1, "$[1].amount", 2, "$[2].amount", 4, "$[4].currency", 5, "$[5].status", 6, "$[6].colour", 8, "$[8].timestamp");
    Map<Integer, String> expectedWords = Map.of(
        1, "is required", 2, "'12.3.4'", 4, "'EURO'", 5, "'SETTLED'", 6, "unknown field", 8, "'2024-03-01T10:00:00'");
    expectedPath.forEach((index, path) -> {
      JsonArray errors = items.getJsonObject(index).getJsonArray("errors");
      assertThat(errors).as("errors of item %d", index).hasSize(1);
      assertThat(errors.getJsonObject(0).getString("path")).as("path of item %d", index).isEqualTo(path);
      assertThat(errors.getJsonObject(0).getString("message")).as("message of item %d", index).contains(expectedWords.get(index));
    });

    assertThat(fixture.sql("SELECT event_id FROM raw_events WHERE txn_id = $1 ORDER BY event_id", id))
        .extracting(row -> row.getString("event_id"))
        .containsExactly("core-" + id, "gateway-" + id, "mobile-" + id);
    List<Row> rejected = fixture.sql("""
        SELECT item_index, errors::text AS errors, event_id, via, reason, convert_from(raw, 'UTF8') AS raw
        FROM rejected_events WHERE txn_id = $1 ORDER BY item_index""", id);
    assertThat(rejected).extracting(row -> row.getInteger("item_index")).containsExactly(1, 2, 4, 5, 6, 8);
    for (Row row : rejected) {
      int index = row.getInteger("item_index");
      assertThat(new JsonArray(row.getString("errors"))).as("stored errors of item %d", index)
          .isEqualTo(items.getJsonObject(index).getJsonArray("errors"));
      assertThat(row.getString("event_id")).isEqualTo("bad-" + index);
      assertThat(row.getString("via")).isEqualTo("HTTP");
      assertThat(new JsonObject(row.getString("raw"))).as("stored raw item %d", index).isEqualTo(batch.getJsonObject(index));
    }

    JsonObject result = awaitSettled(fixture, id).getJsonObject("result");
    assertThat(result.getString("status")).isEqualTo("MATCHED");
    assertThat(result.getJsonArray("sources_seen")).isEqualTo(Support.array("core", "gateway", "mobile"));
  }

  /**
   * RFC 3339 years have four digits. A nine-digit year parses in Java, but its instant overflows
   * epoch milliseconds in correlation: the batch failed after its write-ahead, and every batch
   * correlated with it.
   */
  @Test
  void aTimestampBeyondFourDigitYearsIsRejectedByNameAndItsNeighboursAreReconciled() {
    String id = txn("year");
    JsonArray batch = new JsonArray()
        .add(valid(core(id)))
        .add(item(gateway(id).id("far-future"), json -> json.put("timestamp", "+999999999-12-31T23:59:59Z")))
        .add(valid(gateway(id)))
        .add(valid(mobile(id)));

    HttpResult response = fixture.post(EVENTS, batch.encode(), JSON);

    assertThat(response.status()).as(response.body()).isEqualTo(202);
    JsonArray items = response.json().getJsonArray("items");
    assertThat(items.stream().map(i -> ((JsonObject) i).getString("outcome")).toList())
        .containsExactly("accepted", "rejected", "accepted", "accepted");
    assertThat(items.getJsonObject(1).getJsonArray("errors").getJsonObject(0).getString("path")).isEqualTo("$[1].timestamp");
    assertThat(awaitSettled(fixture, id).getJsonObject("result").getString("status")).isEqualTo("MATCHED");
  }

  /**
   * PostgreSQL cannot store U+0000 in text or jsonb. An item holding one is refused by name like
   * any other invalid item, and is kept as a rejection; before, the write-ahead of the whole request
   * failed and every item in it was lost with a 503.
   */
  @Test
  void anItemHoldingTheNulCharacterIsRejectedByNameAndTheRestOfTheBatchIsStored() {
    String id = txn("nul");
    JsonArray batch = new JsonArray()
        .add(valid(core(id)))
        .add(item(gateway(id).id("nul-1"), json -> json.put("reference", "ref\u0000x")))
        .add(item(gateway(id).id("nul-2"), json -> json.put("metadata", new JsonObject().put("order", "o\u0000"))))
        .add(item(gateway(id).id("nul-3"), json -> json.put("metadata", new JsonObject().put("k\u0000", "v"))))
        .add(item(gateway(id).id("nul-4"), json -> json.put("colour\u0000", "red")))
        .add(valid(gateway(id)));

    HttpResult response = fixture.post(EVENTS, batch.encode(), JSON);

    assertThat(response.status()).as(response.body()).isEqualTo(202);
    JsonArray items = response.json().getJsonArray("items");
    assertThat(items.stream().map(i -> ((JsonObject) i).getString("outcome")).toList()).containsExactly(
        "accepted", "rejected", "rejected", "rejected", "rejected", "accepted");
    Map<Integer, String> expectedPath = Map.of(
        1, "$[1].reference", 2, "$[2].metadata.order", 3, "$[3].metadata['k\\u0000']", 4, "$[4]['colour\\u0000']");
    expectedPath.forEach((index, path) -> {
      JsonObject error = items.getJsonObject(index).getJsonArray("errors").getJsonObject(0);
      assertThat(error.getString("path")).as("path of item %d", index).isEqualTo(path);
    });
    assertThat(items.getJsonObject(1).getJsonArray("errors").getJsonObject(0).getString("message"))
        .isEqualTo("must not contain the NUL character (U+0000), got 'ref\\u0000x'");
    assertThat(items.getJsonObject(3).getJsonArray("errors").getJsonObject(0).getString("message"))
        .isEqualTo("key must not contain the NUL character (U+0000)");
    assertThat(fixture.sql("SELECT event_id FROM raw_events WHERE txn_id = $1 ORDER BY event_id", id))
        .extracting(row -> row.getString("event_id"))
        .containsExactly("core-" + id, "gateway-" + id);
    assertThat(fixture.sql("SELECT item_index FROM rejected_events WHERE txn_id = $1 ORDER BY item_index", id))
        .extracting(row -> row.getInteger("item_index")).containsExactly(1, 2, 3, 4);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "not JSON               | {not json                                | not valid JSON",
      "empty body             | ''                                       | body is empty",
      "a JSON object          | {\"event_id\":\"e1\"}                    | must be a JSON array of events, got object",
      "trailing content       | [] []                                    | trailing content",
      "duplicate key          | [{\"amount\":\"1.00\",\"amount\":\"2.00\"}] | Duplicate field 'amount'"})
  void aBodyThatIsNotAJsonArrayOfEventsIsRefusedAsAWhole(String what, String body, String named) {
    HttpResult response = fixture.post(EVENTS, body, JSON);

    JsonObject problem = assertProblem(response, 400);
    assertThat(problem.getString("detail")).as(what).contains(named);
    assertThat(problem.getString("instance")).isEqualTo(EVENTS);
  }

  @Test
  void moreThanAThousandEventsInOneRequestAreRefusedNamingTheLimit() {
    String id = txn("too-many");
    List<TransactionEvent> events = new ArrayList<>();
    for (int i = 0; i < 1001; i++) {
      events.add(core(id).id("core-" + id + "-" + i).build());
    }

    JsonObject problem = assertProblem(fixture.post(events), 400);

    assertThat(problem.getString("detail")).contains("1001").contains("at most 1000");
    assertThat(rawEventsOf(fixture, id)).isZero();
  }

  @Test
  void exactlyAThousandEventsInOneRequestAreAccepted() {
    String prefix = txn("thousand");
    List<TransactionEvent> events = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      String id = prefix + "-" + i / 3;
      events.add((i % 3 == 0 ? core(id) : i % 3 == 1 ? gateway(id) : mobile(id)).build());
    }

    HttpResult response = fixture.post(events);

    assertThat(response.status()).as(response.body()).isEqualTo(202);
    assertThat(response.json().getInteger("accepted")).isEqualTo(1000);
    assertThat(fixture.count("SELECT count(*) FROM raw_events WHERE txn_id LIKE $1", prefix + "-%")).isEqualTo(1000);
  }

  @Test
  void aBodyOverTheConfiguredLimitIsRefusedAsTooLarge() {
    AccordFixture accord = small.fixture();
    String id = txn("too-large");
    List<TransactionEvent> events = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      events.add(core(id).id("core-" + id + "-" + i).build());
    }
    String body = events.stream().map(EventJson::toJson).collect(Collectors.joining(",", "[", "]"));
    assertThat(body.length()).isGreaterThan(2048);

    JsonObject problem = assertProblem(accord.post(EVENTS, body, JSON), 413);

    assertThat(problem.getString("detail")).contains("2048");
    assertThat(rawEventsOf(accord, id)).isZero();
  }

  @Test
  void aBodyWithinTheConfiguredLimitIsAccepted() {
    AccordFixture accord = small.fixture();
    String id = txn("small-enough");
    HttpResult response = accord.post(Support.events(core(id)));

    assertThat(response.status()).as(response.body()).isEqualTo(202);
    assertThat(rawEventsOf(accord, id)).isEqualTo(1);
  }

  @Test
  void eventsThatAreNotSentAsJsonAreRefusedAsUnsupportedMediaType() {
    String id = txn("text-plain");
    String body = "[" + EventJson.toJson(core(id).build()) + "]";

    JsonObject problem = assertProblem(fixture.post(EVENTS, body, "text/plain"), 415);
    assertThat(problem.getString("detail")).contains("application/json").contains("text/plain");
    assertProblem(fixture.post(EVENTS, body, null), 415);

    assertThat(rawEventsOf(fixture, id)).isZero();
  }

  @Test
  void anAmountGivenAsAJsonNumberKeepsItsExactScale() {
    String id = txn("number");
    String body = "[" + EventJson.toJson(core(id).amount("10.10").build()).replace("\"amount\":\"10.10\"", "\"amount\":10.10") + "]";
    assertThat(body).contains("\"amount\":10.10");

    HttpResult response = fixture.post(EVENTS, body, JSON);

    assertThat(response.status()).as(response.body()).isEqualTo(202);
    assertThat(response.json().getInteger("accepted")).isEqualTo(1);
    assertThat(fixture.sql("SELECT payload->>'amount' AS amount FROM raw_events WHERE txn_id = $1", id))
        .extracting(row -> row.getString("amount")).containsExactly("10.10");
    JsonObject transaction = Support.transaction(fixture, id);
    assertThat(transaction.getJsonObject("events").getJsonArray("core").getJsonObject(0).getJsonObject("event").getString("amount"))
        .isEqualTo("10.10");
    assertThat(transaction.getJsonObject("result").getString("amount")).isEqualTo("10.10");
  }
}
