package com.accord.api;

import com.accord.security.Principal;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Operators working breaks: notes on a transaction, and resolutions with a reason. Both are
 * attributed to the principal and audited with the call that made them.
 */
final class WorkflowRoutes {

  private final Pool pool;

  WorkflowRoutes(Pool pool) {
    this.pool = pool;
  }

  void mount(RouterBuilder builder, Guard guard) {
    ApiVerticle.route(builder, guard, "resolveTransaction", this::resolve);
    ApiVerticle.route(builder, guard, "annotateTransaction", this::annotate);
  }

  /** Resolves the current verdict; a matched transaction has no break to resolve (409). */
  private void resolve(RoutingContext ctx) {
    JsonObject body = Responses.bodyObject(ctx);
    if (body == null) {
      return;
    }
    String txnId = ctx.pathParam("txnId");
    Principal principal = ctx.get(Guard.PRINCIPAL);
    pool.preparedQuery("SELECT status, version FROM reconciliation_results WHERE txn_id = $1").execute(Tuple.of(txnId))
        .compose(rows -> {
          if (rows.size() == 0) {
            Problems.send(ctx, 404, "Not Found", "no result for transaction '" + txnId + "'");
            return io.vertx.core.Future.succeededFuture();
          }
          Row result = rows.iterator().next();
          if (result.getString("status").equals("MATCHED") || result.getString("status").equals("PENDING")) {
            Problems.send(ctx, 409, "Conflict", "transaction '" + txnId + "' is " + result.getString("status") + ": there is no break to resolve");
            return io.vertx.core.Future.succeededFuture();
          }
          return pool.preparedQuery("""
                  INSERT INTO resolutions (txn_id, result_version, resolution, reason, resolved_by)
                  VALUES ($1, $2, $3, $4, $5) RETURNING id, resolved_at""")
              .execute(Tuple.of(txnId, result.getInteger("version"), body.getString("resolution"), body.getString("reason"), principal.name()))
              .map(inserted -> {
                Row row = inserted.iterator().next();
                Responses.json(ctx, 201, new JsonObject()
                    .put("id", row.getLong("id"))
                    .put("txn_id", txnId)
                    .put("result_version", result.getInteger("version"))
                    .put("resolution", body.getString("resolution"))
                    .put("reason", body.getString("reason"))
                    .put("resolved_by", principal.name())
                    .put("resolved_at", row.getOffsetDateTime("resolved_at").toInstant().toString()));
                return null;
              });
        })
        .onFailure(ctx::fail);
  }

  private void annotate(RoutingContext ctx) {
    JsonObject body = Responses.bodyObject(ctx);
    if (body == null) {
      return;
    }
    String txnId = ctx.pathParam("txnId");
    Principal principal = ctx.get(Guard.PRINCIPAL);
    pool.preparedQuery("""
            INSERT INTO annotations (txn_id, author, text)
            SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM reconciliation_results WHERE txn_id = $1)
            RETURNING id, created_at""")
        .execute(Tuple.of(txnId, principal.name(), body.getString("text")))
        .onSuccess(rows -> {
          if (rows.size() == 0) {
            Problems.send(ctx, 404, "Not Found", "no result for transaction '" + txnId + "'");
            return;
          }
          Row row = rows.iterator().next();
          Responses.json(ctx, 201, new JsonObject()
              .put("id", row.getLong("id"))
              .put("txn_id", txnId)
              .put("author", principal.name())
              .put("text", body.getString("text"))
              .put("created_at", row.getOffsetDateTime("created_at").toInstant().toString()));
        })
        .onFailure(ctx::fail);
  }
}
