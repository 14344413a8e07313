package com.accord.persistence;

import com.accord.domain.Discrepancy;
import com.accord.domain.DiscrepancyType;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Discrepancies as stored in {@code reconciliation_results.discrepancies} and served by the API. */
public final class DiscrepancyJson {
  private DiscrepancyJson() {}

  public static JsonArray toJson(List<Discrepancy> discrepancies) {
    JsonArray array = new JsonArray();
    for (Discrepancy d : discrepancies) {
      array.add(new JsonObject()
          .put("type", d.type().name())
          .put("source_a", d.sourceA())
          .put("source_b", d.sourceB())
          .put("value_a", d.valueA())
          .put("value_b", d.valueB())
          .put("difference", d.difference()));
    }
    return array;
  }

  public static List<Discrepancy> fromJson(JsonArray array) {
    List<Discrepancy> discrepancies = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonObject d = array.getJsonObject(i);
      discrepancies.add(new Discrepancy(
          DiscrepancyType.valueOf(d.getString("type")),
          d.getString("source_a"), d.getString("source_b"),
          d.getString("value_a"), d.getString("value_b"), d.getString("difference")));
    }
    return discrepancies;
  }
}
