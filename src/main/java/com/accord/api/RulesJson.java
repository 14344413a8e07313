package com.accord.api;

import com.accord.domain.ReconciliationRules;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The rules in force, as operators and auditors read them. */
final class RulesJson {
  private RulesJson() {}

  static JsonObject of(ReconciliationRules rules) {
    JsonObject vocabularies = new JsonObject();
    rules.statusVocabularies().forEach((source, words) -> {
      JsonObject map = new JsonObject();
      words.entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
          .forEach(w -> map.put(w.getKey(), w.getValue().name()));
      vocabularies.put(source, map);
    });
    return new JsonObject()
        .put("sources", new JsonArray(rules.sources()))
        .put("expected_sources", new JsonArray(rules.sources().stream().filter(rules.expectedSources()::contains).toList()))
        .put("window", rules.window().toString())
        .put("amount_tolerance_absolute", rules.amountToleranceAbsolute().toPlainString())
        .put("amount_tolerance_relative", rules.amountToleranceRelative().toPlainString())
        .put("timestamp_skew", rules.timestampSkew().toString())
        .put("status_vocabularies", vocabularies);
  }
}
