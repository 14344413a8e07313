package com.accord.audit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.ZoneOffset;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends API calls to {@code audit_logs} in batches: entries are buffered (bounded) and written
 * every few milliseconds in one statement, so auditing costs one round trip per batch, not per
 * call. When the buffer is full, {@link #offer} refuses and the API answers 503 rather than serve
 * what it cannot audit. Entries buffered when the process dies abruptly are lost; that window is
 * the flush interval.
 */
public final class AuditTrail {

  private static final Logger log = LoggerFactory.getLogger(AuditTrail.class);
  static final long FLUSH_INTERVAL_MILLIS = 20;
  private static final int BATCH_MAX = 2000;

  private static final String INSERT = """
      INSERT INTO audit_logs (occurred_at, actor, action, resource_type, resource_id, outcome, details)
      SELECT occurred_at, actor, action, resource_type, resource_id, outcome, details::jsonb
      FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
        WITH ORDINALITY AS t(occurred_at, actor, action, resource_type, resource_id, outcome, details, ord)
      ORDER BY ord""";

  private final Vertx vertx;
  private final Pool pool;
  private final int capacity;
  private final List<AuditEntry> buffer = new ArrayList<>();
  private final long timer;
  private boolean flushing;

  public AuditTrail(Vertx vertx, Pool pool, int capacity) {
    this.vertx = vertx;
    this.pool = pool;
    this.capacity = capacity;
    this.timer = vertx.setPeriodic(FLUSH_INTERVAL_MILLIS, id -> flush());
  }

  /** Queues an entry; false when the trail is saturated (the database is behind or down). */
  public boolean offer(AuditEntry entry) {
    if (buffer.size() >= capacity) {
      return false;
    }
    buffer.add(entry);
    return true;
  }

  public boolean saturated() {
    return buffer.size() >= capacity;
  }

  private Future<Void> flush() {
    if (flushing || buffer.isEmpty()) {
      return Future.succeededFuture();
    }
    flushing = true;
    List<AuditEntry> batch = new ArrayList<>(buffer.subList(0, Math.min(BATCH_MAX, buffer.size())));
    int n = batch.size();
    OffsetDateTime[] at = new OffsetDateTime[n];
    String[] actor = new String[n];
    String[] action = new String[n];
    String[] type = new String[n];
    String[] id = new String[n];
    String[] outcome = new String[n];
    String[] details = new String[n];
    for (int i = 0; i < n; i++) {
      AuditEntry e = batch.get(i);
      at[i] = e.at().atOffset(ZoneOffset.UTC);
      actor[i] = e.actor();
      action[i] = e.action();
      type[i] = e.resourceType();
      id[i] = e.resourceId();
      outcome[i] = e.outcome();
      details[i] = new JsonObject()
          .put("roles", new JsonArray(e.roles()))
          .put("status", e.status())
          .put("client", e.clientAddress())
          .put("request_id", e.requestId())
          .put("method", e.method())
          .put("path", e.path())
          .encode();
    }
    return pool.preparedQuery(INSERT).execute(Tuple.of(at, actor, action, type, id, outcome).addValue(details))
        .<Void>mapEmpty()
        .onSuccess(v -> buffer.subList(0, n).clear())
        .onFailure(e -> log.atError().addKeyValue("buffered", buffer.size()).setCause(e)
            .log("audit rows not written yet; kept and retried"))
        .onComplete(done -> flushing = false);
  }

  /** Writes what is buffered; called when the API stops. */
  public Future<Void> close() {
    vertx.cancelTimer(timer);
    return drain(0);
  }

  private Future<Void> drain(int attempts) {
    if (buffer.isEmpty() || attempts > 50) {
      return Future.succeededFuture();
    }
    return (flushing ? vertx.timer(FLUSH_INTERVAL_MILLIS).<Void>mapEmpty() : flush())
        .recover(e -> vertx.timer(100).mapEmpty())
        .compose(v -> drain(attempts + 1));
  }
}
