package com.accord.it;

import static com.accord.it.Ev.core;
import static com.accord.it.Ev.gateway;
import static com.accord.it.Ev.mobile;
import static com.accord.it.Support.assertProblem;
import static com.accord.it.Support.awaitSettled;
import static com.accord.it.Support.encode;
import static com.accord.it.Support.post;
import static com.accord.it.Support.txn;
import static com.accord.it.Support.txnIds;
import static org.assertj.core.api.Assertions.assertThat;

import com.accord.domain.TransactionEvent;
import com.accord.push.PushVerticle;
import com.accord.testing.AccordFixture;
import com.accord.testing.AccordFixture.HttpResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Specifies the read side of the API: result filters, parameter validation, keyset pagination, statistics, health and not-found answers. */
@ExtendWith(VertxExtension.class)
class ReadApiTest {

  /** Holds only the data set below, so that every filter's answer is known exactly. */
  private static AccordFixture fixture;
  /** For paging through many results while more arrive. */
  private static SecondAccord paging;

  /** The data set by letter, in the order it was posted (one transaction per request). */
  private static final Map<String, String> TXN = new LinkedHashMap<>();
  /** An instant after A, B and C were first seen and before D, E and F were. */
  private static Instant middle;

  @BeforeAll
  static void start(Vertx vertx) {
    fixture = AccordFixture.start(vertx);
    paging = SecondAccord.start(Map.of());
    for (String letter : List.of("A", "B", "C", "D", "E", "F")) {
      TXN.put(letter, txn("read-" + letter));
    }
    String a = TXN.get("A");
    String b = TXN.get("B");
    String c = TXN.get("C");
    String d = TXN.get("D");
    String e = TXN.get("E");
    String f = TXN.get("F");
    // A: MATCHED at 10.00; B: AMOUNT at 250.00; C: CURRENCY at 999.99
    post(fixture, core(a).amount("10.00"), gateway(a).amount("10.00"), mobile(a).amount("10.00"));
    post(fixture, core(b).amount("250.00"), gateway(b).amount("250.00"), mobile(b).amount("251.00"));
    post(fixture, core(c).amount("999.99"), gateway(c).amount("999.99").currency("USD"), mobile(c).amount("999.99"));
    // first_seen_at is kept to the millisecond: keep clear of the instant on both sides
    AccordFixture.sleep(20);
    middle = Instant.now();
    AccordFixture.sleep(20);
    // D: MISSING mobile at 50.00; E: MISSING core, reference gateway at 75.00; F: STATUS and ACCOUNT at 1000.00
    post(fixture, core(d).amount("50.00"), gateway(d).amount("50.00"));
    post(fixture, gateway(e).amount("75.00"), mobile(e).amount("75.00"));
    post(fixture, core(f).amount("1000.00"), gateway(f).amount("1000.00").status("DECLINED").account("DE02120300000000202051"),
        mobile(f).amount("1000.00"));
    TXN.values().forEach(id -> awaitSettled(fixture, id));
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
    if (paging != null) {
      paging.close();
    }
  }

  private static JsonObject page(AccordFixture accord, String query) {
    HttpResult response = accord.get("/api/v1/results" + query);
    assertThat(response.status()).as("GET /api/v1/results%s answered %s", query, response.body()).isEqualTo(200);
    assertThat(response.header("Content-Type")).startsWith("application/json");
    return response.json();
  }

  private static List<String> ids(String letters) {
    return letters.chars().mapToObj(c -> TXN.get(String.valueOf((char) c))).toList();
  }

  static Stream<Arguments> filters() {
    return Stream.of(
        Arguments.of("", "FEDCBA"),
        Arguments.of("?status=MATCHED", "A"),
        Arguments.of("?status=MISMATCHED", "FCB"),
        Arguments.of("?status=MISSING&status=MATCHED", "EDA"),
        Arguments.of("?status=PENDING", ""),
        Arguments.of("?discrepancyType=AMOUNT", "B"),
        Arguments.of("?discrepancyType=STATUS&discrepancyType=CURRENCY", "FC"),
        Arguments.of("?discrepancyType=ACCOUNT", "F"),
        Arguments.of("?discrepancyType=MISSING", "ED"),
        Arguments.of("?discrepancyType=DUPLICATE", ""),
        Arguments.of("?source=mobile", "FECBA"),
        Arguments.of("?source=core", "FDCBA"),
        Arguments.of("?source=gateway", "FEDCBA"),
        Arguments.of("?minAmount=75.00", "FECB"),
        Arguments.of("?maxAmount=75", "EDA"),
        Arguments.of("?minAmount=75.001&maxAmount=999.99", "CB"),
        Arguments.of("?minAmount=1000.00000001", ""),
        Arguments.of("?status=MISMATCHED&source=mobile&minAmount=500", "FC"));
  }

  @ParameterizedTest(name = "GET /api/v1/results{0} -> {1}")
  @MethodSource("filters")
  void eachFilterReturnsExactlyTheMatchingResultsNewestFirst(String query, String expected) {
    JsonObject page = page(fixture, query);

    assertThat(txnIds(page)).isEqualTo(ids(expected));
    assertThat(page.getValue("next_cursor")).isNull();
  }

  @Test
  void fromAndToSelectByWhenTransactionsWereFirstSeen() {
    String at = encode(middle.toString());

    assertThat(txnIds(page(fixture, "?from=" + at))).isEqualTo(ids("FED"));
    assertThat(txnIds(page(fixture, "?to=" + at))).isEqualTo(ids("CBA"));
    assertThat(txnIds(page(fixture, "?from=" + at + "&to=" + at))).isEmpty();
    assertThat(txnIds(page(fixture, "?to=" + at + "&status=MISMATCHED"))).isEqualTo(ids("CB"));
    assertThat(txnIds(page(fixture, "?from=" + encode(middle.atOffset(java.time.ZoneOffset.ofHours(2)).toString()))))
        .as("an offset other than Z denotes the same instant").isEqualTo(ids("FED"));
  }

  @Test
  void theDrillDownShowsEachStoredEventAndChangeAtItsStoredInstant() {
    String a = TXN.get("A");
    JsonObject transaction = fixture.get("/api/v1/transactions/" + a).json();
    for (String source : List.of("core", "gateway", "mobile")) {
      JsonObject shown = transaction.getJsonObject("events").getJsonArray(source).getJsonObject(0);
      Instant stored = fixture.sql("SELECT received_at FROM raw_events WHERE txn_id = $1 AND source = $2", a, source)
          .get(0).getOffsetDateTime("received_at").toInstant();
      assertThat(shown.getString("received_at")).as(source).isEqualTo(stored.toString());
      assertThat(shown.getString("via")).isEqualTo("HTTP");
      assertThat(shown.getJsonObject("event").getString("amount")).isEqualTo("10.00");
    }
    List<String> changes = fixture.sql("""
            SELECT occurred_at FROM audit_logs WHERE resource_type = 'transaction' AND resource_id = $1
            AND action = 'result.changed' ORDER BY seq""", a).stream()
        .map(row -> row.getOffsetDateTime("occurred_at").toInstant().toString()).toList();
    assertThat(transaction.getJsonArray("history").stream().map(change -> ((JsonObject) change).getString("at")).toList())
        .isNotEmpty().isEqualTo(changes);
  }

  @Test
  void aResultCarriesItsVerdictAndReferenceAmount() {
    JsonObject f = page(fixture, "?discrepancyType=ACCOUNT").getJsonArray("items").getJsonObject(0);

    assertThat(f.getString("txn_id")).isEqualTo(TXN.get("F"));
    assertThat(f.getString("status")).isEqualTo("MISMATCHED");
    assertThat(f.getString("amount")).isEqualTo("1000.00");
    assertThat(f.getString("currency")).isEqualTo("EUR");
    assertThat(f.getJsonArray("discrepancies").stream().map(d -> ((JsonObject) d).getString("type")).toList())
        .containsExactly("STATUS", "ACCOUNT");
    JsonObject e = page(fixture, "?source=gateway&maxAmount=75&minAmount=75").getJsonArray("items").getJsonObject(0);
    assertThat(e.getString("txn_id")).isEqualTo(TXN.get("E"));
    assertThat(e.getString("amount")).as("reference source is gateway when core is absent").isEqualTo("75.00");
  }

  @ParameterizedTest(name = "GET /api/v1/results?{0} -> 400")
  @ValueSource(strings = {
      "limit=0", "limit=5000", "limit=-1", "limit=abc", "status=FOO", "status=matched", "discrepancyType=BAR",
      "minAmount=abc", "maxAmount=1e5", "minAmount=12.3.4", "from=yesterday", "to=2024-03-01T10:00:00",
      "cursor=!!!", "cursor=Zm9v", "cursor=cjE6MA", "cursor=cjE6YWJj"})
  void invalidParametersAreAnsweredWithAProblem(String query) {
    JsonObject problem = assertProblem(fixture.get("/api/v1/results?" + query), 400);

    String parameter = query.substring(0, query.indexOf('='));
    assertThat(problem.getString("detail")).as("the problem names the parameter").containsIgnoringCase(parameter);
  }

  @ParameterizedTest(name = "source={0}")
  @ValueSource(strings = {"x' OR '1'='1", "core'; DROP TABLE reconciliation_results; --", "core\" OR 1=1 --", "%", "_", "{core}"})
  void injectionLookingTextIsPlainDataThatMatchesNothing(String source) {
    JsonObject page = page(fixture, "?source=" + encode(source));

    assertThat(txnIds(page)).isEmpty();
    assertThat(fixture.count("SELECT count(*) FROM reconciliation_results")).isEqualTo(6);
    assertThat(fixture.get("/api/v1/transactions/" + encode(source).replace("+", "%20")).status()).isEqualTo(404);
  }

  @ParameterizedTest(name = "txn id {0}")
  @ValueSource(strings = {"2024.001", "-42", "1e3", "true", "[1]", "{\"k\":1}", "say \"hi\"", "a+b c", "50%", "x' OR '1'='1"})
  void aTransactionIsFoundByItsIdWhateverTheIdLooksLike(String txnId) {
    AccordFixture accord = paging.fixture();
    post(accord, core(txnId), gateway(txnId), mobile(txnId));

    HttpResult response = accord.get("/api/v1/transactions/" + encode(txnId).replace("+", "%20"));

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    assertThat(response.json().getJsonObject("result").getString("txn_id")).isEqualTo(txnId);
    assertThat(response.json().getJsonObject("result").getString("status")).isEqualTo("MATCHED");
  }

  @Test
  void keysetPagesNeitherRepeatNorSkipResultsWhileNewOnesArrive() {
    AccordFixture accord = paging.fixture();
    String prefix = txn("page");
    List<String> existing = new ArrayList<>();
    for (int request = 0; request < 3; request++) {
      List<TransactionEvent> events = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String id = prefix + "-" + (request * 40 + i);
        existing.add(id);
        events.addAll(Support.events(core(id), gateway(id), mobile(id)));
      }
      post(accord, events);
    }

    List<String> collected = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      JsonObject page = page(accord, "?limit=7" + (cursor == null ? "" : "&cursor=" + cursor));
      assertThat(page.getJsonArray("items").size()).isBetween(1, 7);
      collected.addAll(txnIds(page));
      cursor = page.getString("next_cursor");
      pages++;
      // between pages: a brand-new transaction, and a change to an existing result (a conflicting re-send)
      String fresh = prefix + "-new-" + pages;
      post(accord, core(fresh), gateway(fresh), mobile(fresh));
      String changed = existing.get((pages * 37) % existing.size());
      post(accord, gateway(changed).amount("1.00"));
    } while (cursor != null && pages < 100);

    assertThat(collected).doesNotHaveDuplicates();
    assertThat(collected).containsExactlyInAnyOrderElementsOf(existing);
    assertThat(pages).isEqualTo(18);
    assertThat(page(accord, "?limit=7").getJsonArray("items").getJsonObject(0).getString("txn_id"))
        .as("results that arrived while paging come first").isEqualTo(prefix + "-new-" + pages);
  }

  @Test
  void statisticsCountResultsByStatusDiscrepancyTypeAndEventsBySource() {
    HttpResult response = fixture.get("/api/v1/stats");

    assertThat(response.status()).as(response.body()).isEqualTo(200);
    JsonObject stats = response.json();
    assertThat(stats.getJsonObject("by_status")).isEqualTo(new JsonObject()
        .put("MATCHED", 1).put("MISMATCHED", 3).put("MISSING", 2));
    assertThat(stats.getJsonObject("by_discrepancy_type")).isEqualTo(new JsonObject()
        .put("AMOUNT", 1).put("CURRENCY", 1).put("STATUS", 1).put("ACCOUNT", 1).put("MISSING", 2));
    assertThat(stats.getJsonObject("by_source")).isEqualTo(new JsonObject()
        .put("core", 5).put("gateway", 6).put("mobile", 5));
    assertThat(stats.getInteger("open")).isZero();
    assertThat(stats.getInteger("rejected")).isZero();
    assertThat(stats.getInteger("conflicts")).isZero();
  }

  @Test
  void thePushedDigestCountsWhatTheStatisticsEndpointCounts() throws Exception {
    CompletableFuture<JsonObject> pushed = new CompletableFuture<>();
    var consumer = fixture.vertx().eventBus().<JsonObject>consumer(PushVerticle.STATS, m -> pushed.complete(m.body()));
    try {
      JsonObject digest = new JsonObject(pushed.get(10, TimeUnit.SECONDS).encode()); // as a browser reads it
      JsonObject stats = fixture.get("/api/v1/stats").json();
      for (String count : List.of("by_status", "by_discrepancy_type", "by_source", "open", "rejected", "conflicts")) {
        assertThat(digest.getValue(count)).as(count).isEqualTo(stats.getValue(count));
      }
      assertThat(digest.getJsonObject("by_status").getInteger("MISMATCHED")).isEqualTo(3);
    } finally {
      consumer.unregister().await();
    }
  }

  @Test
  void livenessAndReadinessAreUpWithTheirChecksNamed() {
    HttpResult live = fixture.get("/health/live");
    assertThat(live.status()).isEqualTo(200);
    assertThat(live.json()).isEqualTo(new JsonObject().put("status", "UP"));

    HttpResult ready = fixture.get("/health/ready");
    assertThat(ready.status()).as(ready.body()).isEqualTo(200);
    assertThat(ready.json()).isEqualTo(new JsonObject()
        .put("status", "UP")
        .put("checks", new JsonObject().put("postgres", "UP").put("redis", "UP")));
  }

  @Test
  void anUnknownTransactionIsNotFound() {
    JsonObject problem = assertProblem(fixture.get("/api/v1/transactions/no-such-txn"), 404);

    assertThat(problem.getString("detail")).contains("no-such-txn");
  }

  @Test
  void anUnknownPathIsNotFound() {
    for (String path : Arrays.asList("/api/v1/nothing-here", "/api/v2/results", "/no-such-page.html")) {
      JsonObject problem = assertProblem(fixture.get(path), 404);
      assertThat(problem.getString("instance")).isEqualTo(path);
    }
  }
}
