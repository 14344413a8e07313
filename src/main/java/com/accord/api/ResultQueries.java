package com.accord.api;

import com.accord.infra.KeysetCursor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The read side of the API: results pages, one transaction in full, statistics. Filters become
 * SQL conditions only when given, every value a bind parameter, so each query shape gets its own
 * plan and no input is ever spliced into SQL text.
 */
final class ResultQueries {

  /** Tags this list's cursors. */
  static final String CURSOR_LIST = "r1";

  private static final String RESULT_COLUMNS = """
      id, txn_id, status, sources_seen, sources_missing, discrepancies::text AS discrepancies,
      amount::text AS amount, currency, first_seen_at, updated_at, version""";

  private final Pool pool;

  ResultQueries(Pool pool) {
    this.pool = pool;
  }

  /** One page; {@code next_cursor} is null on the last. */
  Future<JsonObject> list(ResultFilter filter) {
    StringBuilder sql = new StringBuilder("SELECT ").append(RESULT_COLUMNS).append(" FROM reconciliation_results WHERE true");
    Tuple params = Tuple.tuple();
    if (!filter.statuses().isEmpty()) {
      params.addValue(filter.statuses().toArray(String[]::new));
      sql.append(" AND status = ANY($").append(params.size()).append("::text[])");
    }
    if (!filter.discrepancyTypes().isEmpty()) {
      params.addValue(filter.discrepancyTypes().toArray(String[]::new));
      sql.append(" AND discrepancy_types && $").append(params.size()).append("::text[]");
    }
    if (filter.source() != null) {
      params.addValue(new String[] {filter.source()});
      sql.append(" AND sources_seen @> $").append(params.size()).append("::text[]");
    }
    if (filter.from() != null) {
      params.addValue(filter.from().atOffset(ZoneOffset.UTC));
      sql.append(" AND first_seen_at >= $").append(params.size());
    }
    if (filter.to() != null) {
      params.addValue(filter.to().atOffset(ZoneOffset.UTC));
      sql.append(" AND first_seen_at < $").append(params.size());
    }
    if (filter.minAmount() != null) {
      params.addValue(filter.minAmount().toPlainString());
      sql.append(" AND amount >= ($").append(params.size()).append("::text)::numeric");
    }
    if (filter.maxAmount() != null) {
      params.addValue(filter.maxAmount().toPlainString());
      sql.append(" AND amount <= ($").append(params.size()).append("::text)::numeric");
    }
    if (filter.beforeId() != null) {
      params.addValue(filter.beforeId());
      sql.append(" AND id < $").append(params.size());
    }
    params.addValue(filter.limit() + 1);
    sql.append(" ORDER BY id DESC LIMIT $").append(params.size());

    return pool.preparedQuery(sql.toString()).execute(params).map(rows -> {
      JsonArray items = new JsonArray();
      long lastId = 0;
      boolean more = false;
      for (Row row : rows) {
        if (items.size() == filter.limit()) {
          more = true;
          break;
        }
        items.add(resultJson(row));
        lastId = row.getLong("id");
      }
      return new JsonObject().put("items", items).put("next_cursor", more ? KeysetCursor.encode(ResultQueries.CURSOR_LIST, lastId) : null);
    });
  }

  /** The transaction with its events side by side, conflicts and result history; null when unknown. */
  Future<JsonObject> transaction(String txnId) {
    Tuple id = Tuple.of(txnId);
    Future<JsonObject> result = pool.preparedQuery("SELECT " + RESULT_COLUMNS + " FROM reconciliation_results WHERE txn_id = $1")
        .execute(id).map(rows -> rows.size() == 0 ? null : resultJson(rows.iterator().next()));
    Future<JsonObject> events = pool.preparedQuery("""
            SELECT source, payload::text AS payload, received_at, via FROM raw_events
            WHERE txn_id = $1 ORDER BY source, payload->>'timestamp', event_id""")
        .execute(id).map(rows -> {
          JsonObject bySource = new JsonObject();
          for (Row row : rows) {
            JsonArray list = bySource.getJsonArray(row.getString("source"));
            if (list == null) {
              list = new JsonArray();
              bySource.put(row.getString("source"), list);
            }
            list.add(storedEventJson(row));
          }
          return bySource;
        });
    Future<JsonArray> conflicts = pool.preparedQuery("""
            SELECT payload::text AS payload, received_at, via FROM event_conflicts WHERE txn_id = $1 ORDER BY id""")
        .execute(id).map(rows -> {
          JsonArray list = new JsonArray();
          rows.forEach(row -> list.add(storedEventJson(row)));
          return list;
        });
    Future<JsonArray> history = pool.preparedQuery("""
            SELECT occurred_at, details::text AS details FROM audit_logs
            WHERE resource_type = 'transaction' AND resource_id = $1 AND action = 'result.changed' ORDER BY seq""")
        .execute(id).map(rows -> {
          JsonArray list = new JsonArray();
          for (Row row : rows) {
            JsonObject details = new JsonObject(row.getString("details"));
            list.add(new JsonObject()
                .put("at", row.getOffsetDateTime("occurred_at").toInstant().toString())
                .put("from", details.getString("from"))
                .put("to", details.getString("to"))
                .put("version", details.getInteger("version"))
                .put("discrepancy_types", details.getJsonArray("discrepancy_types", new JsonArray())));
          }
          return list;
        });
    Future<JsonArray> annotations = pool.preparedQuery(
            "SELECT id, author, text, created_at FROM annotations WHERE txn_id = $1 ORDER BY id")
        .execute(id).map(rows -> {
          JsonArray list = new JsonArray();
          rows.forEach(row -> list.add(new JsonObject()
              .put("id", row.getLong("id"))
              .put("author", row.getString("author"))
              .put("text", row.getString("text"))
              .put("created_at", row.getOffsetDateTime("created_at").toInstant().toString())));
          return list;
        });
    Future<JsonArray> resolutions = pool.preparedQuery(
            "SELECT id, result_version, resolution, reason, resolved_by, resolved_at FROM resolutions WHERE txn_id = $1 ORDER BY id")
        .execute(id).map(rows -> {
          JsonArray list = new JsonArray();
          rows.forEach(row -> list.add(new JsonObject()
              .put("id", row.getLong("id"))
              .put("result_version", row.getInteger("result_version"))
              .put("resolution", row.getString("resolution"))
              .put("reason", row.getString("reason"))
              .put("resolved_by", row.getString("resolved_by"))
              .put("resolved_at", row.getOffsetDateTime("resolved_at").toInstant().toString())));
          return list;
        });
    return Future.all(List.of(result, events, conflicts, history, annotations, resolutions)).map(all -> {
      if (result.result() == null) {
        return null;
      }
      JsonObject current = result.result();
      // a resolution holds for the verdict it was made on; a later verdict re-opens the break
      JsonObject resolution = null;
      for (Object r : resolutions.result()) {
        JsonObject candidate = (JsonObject) r;
        if (candidate.getInteger("result_version").equals(current.getInteger("version"))) {
          resolution = candidate;
        }
      }
      current.put("resolution", resolution);
      return new JsonObject()
          .put("result", current)
          .put("events", events.result())
          .put("conflicts", conflicts.result())
          .put("history", history.result())
          .put("annotations", annotations.result())
          .put("resolutions", resolutions.result());
    });
  }

  Future<JsonObject> stats() {
    return com.accord.persistence.StatsQuery.stats(pool);
  }

  private static JsonObject resultJson(Row row) {
    return new JsonObject()
        .put("txn_id", row.getString("txn_id"))
        .put("status", row.getString("status"))
        .put("sources_seen", new JsonArray(List.of((Object[]) row.getArrayOfStrings("sources_seen"))))
        .put("sources_missing", new JsonArray(List.of((Object[]) row.getArrayOfStrings("sources_missing"))))
        .put("discrepancies", new JsonArray(row.getString("discrepancies")))
        .put("amount", row.getString("amount"))
        .put("currency", row.getString("currency"))
        .put("first_seen_at", row.getOffsetDateTime("first_seen_at").toInstant().toString())
        .put("updated_at", row.getOffsetDateTime("updated_at").toInstant().toString())
        .put("version", row.getInteger("version"));
  }

  /** The stored payload is Accord's canonical event JSON: amounts stay strings, exact. */
  private static JsonObject storedEventJson(Row row) {
    return new JsonObject()
        .put("event", new JsonObject(row.getString("payload")))
        .put("received_at", row.getOffsetDateTime("received_at").toInstant().toString())
        .put("via", row.getString("via"));
  }

  Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }
}
