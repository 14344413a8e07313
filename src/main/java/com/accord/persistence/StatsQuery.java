package com.accord.persistence;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

/** Counts by status, discrepancy type and source, open transactions and the ingestion rate: for the API and the push digest. */
public final class StatsQuery {
  private StatsQuery() {}

  public static Future<JsonObject> stats(Pool pool) {
    return counts(pool);
  }

  /**
   * The same counts as a background job: one server process, no parallel workers. A parallel scan
   * would use up to three processes for the wall time the push verticle paces the digest by, and
   * take that much more CPU from ingestion than the pacing intends.
   */
  public static Future<JsonObject> digest(Pool pool) {
    return pool.withTransaction(connection -> connection.query("SET LOCAL max_parallel_workers_per_gather = 0").execute()
        .compose(v -> counts(connection)));
  }

  private static Future<JsonObject> counts(SqlClient client) {
    return client.query("""
        SELECT 'status' AS dimension, status AS key, count(*) AS n FROM reconciliation_results GROUP BY status
        UNION ALL
        SELECT 'type', t, count(*) FROM reconciliation_results, unnest(discrepancy_types) AS t GROUP BY t
        UNION ALL
        SELECT 'source', source, count(*) FROM raw_events GROUP BY source
        UNION ALL
        SELECT 'open', '', count(*) FROM reconciliation_results
          WHERE status IN ('PENDING', 'MISMATCHED') AND cardinality(sources_missing) > 0
        UNION ALL
        SELECT 'recent', '', count(*) FROM raw_events WHERE received_at >= now() - interval '10 seconds'
        UNION ALL
        SELECT 'rejected', '', count(*) FROM rejected_events
        UNION ALL
        SELECT 'conflicts', '', count(*) FROM event_conflicts""").execute().map(rows -> {
          JsonObject byStatus = new JsonObject();
          JsonObject byType = new JsonObject();
          JsonObject bySource = new JsonObject();
          JsonObject stats = new JsonObject();
          for (Row row : rows) {
            long n = row.getLong("n");
            switch (row.getString("dimension")) {
              case "status" -> byStatus.put(row.getString("key"), n);
              case "type" -> byType.put(row.getString("key"), n);
              case "source" -> bySource.put(row.getString("key"), n);
              case "open" -> stats.put("open", n);
              case "recent" -> stats.put("events_per_second", n / 10.0);
              case "rejected" -> stats.put("rejected", n);
              case "conflicts" -> stats.put("conflicts", n);
              default -> throw new IllegalStateException("unexpected statistics row " + row.getString("dimension"));
            }
          }
          return stats.put("by_status", byStatus).put("by_discrepancy_type", byType).put("by_source", bySource);
        });
  }

}
