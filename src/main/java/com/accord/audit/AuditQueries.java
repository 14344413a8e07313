package com.accord.audit;

import com.accord.infra.KeysetCursor;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;

/** Reading the audit trail, and proving it intact: every row's hash recomputed, every link followed. */
public final class AuditQueries {

  /** Tags this list's cursors. */
  public static final String CURSOR_LIST = "a1";
  private static final int VERIFY_PAGE = 5000;
  private static final byte[] GENESIS = sha256Empty();

  private final Pool pool;

  public AuditQueries(Pool pool) {
    this.pool = pool;
  }

  /** Filters are optional; pages go from the newest row down, {@code beforeSeq} exclusive. */
  public record Filter(String actor, String action, String resourceType, String resourceId, String outcome,
      Instant from, Instant to, Long beforeSeq, int limit) {}

  public Future<JsonObject> list(Filter filter) {
    StringBuilder sql = new StringBuilder("""
        SELECT seq, occurred_at, actor, action, resource_type, resource_id, outcome, details::text AS details,
               encode(hash, 'hex') AS hash FROM audit_logs WHERE true""");
    Tuple params = Tuple.tuple();
    condition(sql, params, "actor = $", filter.actor());
    condition(sql, params, "action = $", filter.action());
    condition(sql, params, "resource_type = $", filter.resourceType());
    condition(sql, params, "resource_id = $", filter.resourceId());
    condition(sql, params, "outcome = $", filter.outcome());
    condition(sql, params, "occurred_at >= $", filter.from() == null ? null : filter.from().atOffset(ZoneOffset.UTC));
    condition(sql, params, "occurred_at < $", filter.to() == null ? null : filter.to().atOffset(ZoneOffset.UTC));
    condition(sql, params, "seq < $", filter.beforeSeq());
    params.addValue(filter.limit() + 1);
    sql.append(" ORDER BY seq DESC LIMIT $").append(params.size());
    return pool.preparedQuery(sql.toString()).execute(params).map(rows -> {
      JsonArray items = new JsonArray();
      long last = 0;
      boolean more = false;
      for (Row row : rows) {
        if (items.size() == filter.limit()) {
          more = true;
          break;
        }
        last = row.getLong("seq");
        items.add(new JsonObject()
            .put("seq", last)
            .put("occurred_at", row.getOffsetDateTime("occurred_at").toInstant().toString())
            .put("actor", row.getString("actor"))
            .put("action", row.getString("action"))
            .put("resource_type", row.getString("resource_type"))
            .put("resource_id", row.getString("resource_id"))
            .put("outcome", row.getString("outcome"))
            .put("details", new JsonObject(row.getString("details")))
            .put("hash", row.getString("hash")));
      }
      return new JsonObject().put("items", items).put("next_cursor", more ? KeysetCursor.encode(AuditQueries.CURSOR_LIST, last) : null);
    });
  }

  private static void condition(StringBuilder sql, Tuple params, String clause, Object value) {
    if (value != null) {
      params.addValue(value);
      sql.append(" AND ").append(clause).append(params.size());
    }
  }

  /**
   * Recomputes the chain from the first row; names the first broken link, if any. Rows and chain
   * head are read in one snapshot: rows appended while the chain is walked would otherwise make
   * the head look ahead of the trail, a break that is not there.
   */
  public Future<JsonObject> verify() {
    return pool.withTransaction(connection -> connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute().compose(v -> verifyFrom(connection, 0, GENESIS, 0)));
  }

  private Future<JsonObject> verifyFrom(SqlClient client, long afterSeq, byte[] previousHash, long checked) {
    return client.preparedQuery("""
            SELECT seq, prev_hash, hash,
                   audit_row_digest(prev_hash, seq, occurred_at, actor, action, resource_type, resource_id, outcome, details) AS computed
            FROM audit_logs WHERE seq > $1 ORDER BY seq LIMIT $2""")
        .execute(Tuple.of(afterSeq, VERIFY_PAGE))
        .compose(rows -> {
          long expectedSeq = afterSeq + 1;
          byte[] expectedPrevious = previousHash;
          long count = checked;
          for (Row row : rows) {
            long seq = row.getLong("seq");
            if (seq != expectedSeq) {
              return broken(count, seq, "rows " + expectedSeq + " to " + (seq - 1) + " are missing");
            }
            if (!Arrays.equals(row.getBuffer("prev_hash").getBytes(), expectedPrevious)) {
              return broken(count, seq, "its prev_hash is not the hash of row " + (seq - 1));
            }
            byte[] hash = row.getBuffer("hash").getBytes();
            if (!Arrays.equals(row.getBuffer("computed").getBytes(), hash)) {
              return broken(count, seq, "its content does not match its hash (altered)");
            }
            expectedSeq++;
            expectedPrevious = hash;
            count++;
          }
          if (rows.size() == VERIFY_PAGE) {
            return verifyFrom(client, expectedSeq - 1, expectedPrevious, count);
          }
          return checkHead(client, count, expectedSeq - 1, expectedPrevious);
        });
  }

  /** The chain head records the last row written: rows cut from the end show here. */
  private Future<JsonObject> checkHead(SqlClient client, long checked, long lastSeq, byte[] lastHash) {
    return client.query("SELECT last_seq, last_hash FROM audit_chain_head").execute().compose(rows -> {
      Row head = rows.iterator().next();
      long headSeq = head.getLong("last_seq");
      if (headSeq != lastSeq) {
        return broken(checked, lastSeq + 1, "the chain head records " + headSeq + " rows but the trail ends at " + lastSeq);
      }
      if (!Arrays.equals(head.getBuffer("last_hash").getBytes(), lastHash)) {
        return broken(checked, lastSeq, "the chain head's hash is not the last row's");
      }
      return Future.succeededFuture(new JsonObject().put("intact", true).put("rows_checked", checked)
          .put("last_seq", lastSeq).put("last_hash", HexFormat.of().formatHex(lastHash)));
    });
  }

  private static Future<JsonObject> broken(long checked, long seq, String reason) {
    return Future.succeededFuture(new JsonObject().put("intact", false).put("rows_checked", checked)
        .put("first_broken", new JsonObject().put("seq", seq).put("reason", reason)));
  }

  private static byte[] sha256Empty() {
    try {
      return MessageDigest.getInstance("SHA-256").digest(new byte[0]);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
