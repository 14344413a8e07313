package com.accord.api;

import com.accord.infra.KeysetCursor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
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

  /**
   * One transaction in full, in one statement: the result, then each part as a JSON array built
   * by PostgreSQL, so the drill-down costs one round trip, not one per part. Times travel as
   * epoch microseconds and are written as instants here, exactly as everywhere else in the API.
   */
  private static final String TRANSACTION = """
      SELECT %s,
        (SELECT json_agg(json_build_object('source', e.source, 'event', e.payload, 'received_at', %s, 'via', e.via)
                         ORDER BY e.source, e.payload->>'timestamp', e.event_id)
           FROM raw_events e WHERE e.txn_id = $1)::text AS events,
        (SELECT json_agg(json_build_object('event', c.payload, 'received_at', %s, 'via', c.via) ORDER BY c.id)
           FROM event_conflicts c WHERE c.txn_id = $1)::text AS conflicts,
        (SELECT json_agg(json_build_object('at', %s, 'details', a.details) ORDER BY a.seq)
           FROM audit_logs a
          WHERE a.resource_type = 'transaction' AND a.resource_id = $1 AND a.action = 'result.changed')::text AS history,
        (SELECT json_agg(json_build_object('id', n.id, 'author', n.author, 'text', n.text, 'created_at', %s) ORDER BY n.id)
           FROM annotations n WHERE n.txn_id = $1)::text AS annotations,
        (SELECT json_agg(json_build_object('id', s.id, 'result_version', s.result_version, 'resolution', s.resolution,
                         'reason', s.reason, 'resolved_by', s.resolved_by, 'resolved_at', %s) ORDER BY s.id)
           FROM resolutions s WHERE s.txn_id = $1)::text AS resolutions
      FROM reconciliation_results WHERE txn_id = $1""".formatted(RESULT_COLUMNS,
      micros("e.received_at"), micros("c.received_at"), micros("a.occurred_at"), micros("n.created_at"), micros("s.resolved_at"));

  private static String micros(String column) {
    return "(extract(epoch FROM " + column + ") * 1000000)::bigint";
  }

  /** The transaction with its events side by side, conflicts and result history; null when unknown. */
  Future<JsonObject> transaction(String txnId) {
    return pool.preparedQuery(TRANSACTION).execute(Tuple.of(txnId)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      JsonObject current = resultJson(row);
      JsonObject events = new JsonObject();
      for (JsonObject stored : parts(row, "events")) {
        JsonArray list = events.getJsonArray(stored.getString("source"));
        if (list == null) {
          list = new JsonArray();
          events.put(stored.getString("source"), list);
        }
        list.add(storedEventJson(stored));
      }
      JsonArray conflicts = new JsonArray();
      parts(row, "conflicts").forEach(stored -> conflicts.add(storedEventJson(stored)));
      JsonArray history = new JsonArray();
      for (JsonObject change : parts(row, "history")) {
        JsonObject details = change.getJsonObject("details");
        history.add(new JsonObject()
            .put("at", instant(change, "at"))
            .put("from", details.getString("from"))
            .put("to", details.getString("to"))
            .put("version", details.getInteger("version"))
            .put("discrepancy_types", details.getJsonArray("discrepancy_types", new JsonArray())));
      }
      JsonArray annotations = new JsonArray();
      parts(row, "annotations").forEach(annotation -> annotations.add(annotation.put("created_at", instant(annotation, "created_at"))));
      JsonArray resolutions = new JsonArray();
      // a resolution holds for the verdict it was made on; a later verdict re-opens the break
      JsonObject resolution = null;
      for (JsonObject candidate : parts(row, "resolutions")) {
        candidate.put("resolved_at", instant(candidate, "resolved_at"));
        resolutions.add(candidate);
        if (candidate.getInteger("result_version").equals(current.getInteger("version"))) {
          resolution = candidate;
        }
      }
      current.put("resolution", resolution);
      return new JsonObject()
          .put("result", current)
          .put("events", events)
          .put("conflicts", conflicts)
          .put("history", history)
          .put("annotations", annotations)
          .put("resolutions", resolutions);
    });
  }

  private static List<JsonObject> parts(Row row, String column) {
    String json = row.getString(column);
    List<JsonObject> parts = new ArrayList<>();
    if (json != null) {
      new JsonArray(json).forEach(part -> parts.add((JsonObject) part));
    }
    return parts;
  }

  private static String instant(JsonObject part, String field) {
    return Instant.EPOCH.plus(part.getLong(field), ChronoUnit.MICROS).toString();
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
  private static JsonObject storedEventJson(JsonObject stored) {
    return new JsonObject()
        .put("event", stored.getJsonObject("event"))
        .put("received_at", instant(stored, "received_at"))
        .put("via", stored.getString("via"));
  }

  Future<Void> ping() {
    return pool.query("SELECT 1").execute().mapEmpty();
  }
}
