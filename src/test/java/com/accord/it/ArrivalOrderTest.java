package com.accord.it;

import static com.accord.it.Ev.core;
import static com.accord.it.Ev.gateway;
import static com.accord.it.Ev.mobile;
import static com.accord.it.Support.array;
import static com.accord.it.Support.awaitSettled;
import static com.accord.it.Support.discrepancy;
import static com.accord.it.Support.post;
import static com.accord.it.Support.txn;
import static com.accord.it.Support.verdict;
import static org.assertj.core.api.Assertions.assertThat;

import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Specifies that a transaction's result does not depend on the order its sources report in, and that a late source re-opens a MISSING result. */
@ExtendWith(VertxExtension.class)
class ArrivalOrderTest {

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

  private static List<List<String>> permutations(List<String> items) {
    if (items.isEmpty()) {
      return List.of(List.of());
    }
    List<List<String>> all = new ArrayList<>();
    for (String first : items) {
      List<String> rest = new ArrayList<>(items);
      rest.remove(first);
      for (List<String> tail : permutations(rest)) {
        List<String> permutation = new ArrayList<>();
        permutation.add(first);
        permutation.addAll(tail);
        all.add(permutation);
      }
    }
    return all;
  }

  @Test
  void everyOrderOfTheThreeSourcesGivesTheSameResult() {
    Map<String, Function<String, Ev.Builder>> sources = Map.of(
        "core", id -> core(id),
        "gateway", id -> gateway(id),
        "mobile", id -> mobile(id).amount("101.00"));
    List<List<String>> orders = permutations(List.of("core", "gateway", "mobile"));
    assertThat(orders).hasSize(6).doesNotHaveDuplicates();

    Map<List<String>, String> txnOf = new LinkedHashMap<>();
    for (List<String> order : orders) {
      String id = txn("order-" + String.join("-", order));
      txnOf.put(order, id);
      for (String source : order) {
        post(fixture, sources.get(source).apply(id));
      }
    }

    JsonObject expected = new JsonObject()
        .put("status", "MISMATCHED")
        .put("sources_seen", array("core", "gateway", "mobile"))
        .put("sources_missing", array())
        .put("discrepancies", array(discrepancy("AMOUNT", "core", "mobile", "100.00", "101.00", "1.00")));
    txnOf.forEach((order, id) -> {
      JsonObject result = awaitSettled(fixture, id).getJsonObject("result");
      assertThat(verdict(result)).as("arrival order %s (%s)", order, id).isEqualTo(expected);
      assertThat(result.getString("amount")).as("reference amount, order %s", order).isEqualTo("100.00");
    });
  }

  @Test
  void aSourceArrivingAfterTheWindowClosedReopensTheMissingResult() {
    String id = txn("late");
    post(fixture, core(id), gateway(id));
    JsonObject missing = fixture.awaitStatus(id, "MISSING").getJsonObject("result");
    assertThat(missing.getJsonArray("sources_missing")).isEqualTo(array("mobile"));

    post(fixture, mobile(id));

    JsonObject transaction = fixture.awaitStatus(id, "MATCHED");
    JsonObject result = transaction.getJsonObject("result");
    assertThat(result.getJsonArray("sources_seen")).isEqualTo(array("core", "gateway", "mobile"));
    assertThat(result.getJsonArray("sources_missing")).isEmpty();
    assertThat(result.getJsonArray("discrepancies")).isEmpty();
    assertThat(result.getInteger("version")).isGreaterThan(missing.getInteger("version"));

    JsonArray history = transaction.getJsonArray("history");
    List<String> transitions = history.stream()
        .map(entry -> ((JsonObject) entry).getString("from") + " -> " + ((JsonObject) entry).getString("to"))
        .toList();
    assertThat(transitions).containsExactly("null -> PENDING", "PENDING -> MISSING", "MISSING -> MATCHED");
    assertThat(history.stream().map(entry -> ((JsonObject) entry).getInteger("version")).toList())
        .containsExactly(1, 2, 3);
    assertThat(result.getInteger("version")).isEqualTo(3);
  }

  @Test
  void aLateSourceThatDisagreesTurnsTheMissingResultIntoAMismatch() {
    String id = txn("late-mismatch");
    post(fixture, core(id), mobile(id));
    fixture.awaitStatus(id, "MISSING");

    post(fixture, gateway(id).currency("GBP"));

    JsonObject result = fixture.awaitStatus(id, "MISMATCHED").getJsonObject("result");
    assertThat(result.getJsonArray("sources_missing")).isEmpty();
    assertThat(result.getJsonArray("discrepancies"))
        .isEqualTo(array(discrepancy("CURRENCY", "core", "gateway", "EUR", "GBP", null)));
  }
}
