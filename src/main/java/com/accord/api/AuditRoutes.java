package com.accord.api;

import com.accord.infra.KeysetCursor;
import com.accord.audit.AuditQueries;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;

/** The audit trail for auditors and admins: filtered pages, and verification of the hash chain. */
final class AuditRoutes {

  private static final List<String> OUTCOMES = List.of("success", "denied", "error");

  private final AuditQueries queries;

  AuditRoutes(AuditQueries queries) {
    this.queries = queries;
  }

  void mount(RouterBuilder builder, Guard guard) {
    ApiVerticle.route(builder, guard, "listAudit", this::list);
    ApiVerticle.route(builder, guard, "verifyAudit", ctx -> Responses.reply(ctx, queries.verify()));
  }

  private void list(RoutingContext ctx) {
    MultiMap q = ctx.queryParams();
    AuditQueries.Filter filter;
    try {
      String outcome = text(q, "outcome", 16);
      if (outcome != null && !OUTCOMES.contains(outcome)) {
        throw new IllegalArgumentException("outcome must be one of " + OUTCOMES + ", got '" + outcome + "'");
      }
      String limitText = q.get("limit");
      int limit;
      try {
        limit = limitText == null ? 100 : Integer.parseInt(limitText);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("limit must be a whole number, got '" + limitText + "'");
      }
      if (limit < 1 || limit > 1000) {
        throw new IllegalArgumentException("limit must be between 1 and 1000, got " + limit);
      }
      filter = new AuditQueries.Filter(text(q, "actor", 128), text(q, "action", 128), text(q, "resourceType", 64),
          text(q, "resourceId", 256), outcome, instant(q, "from"), instant(q, "to"),
          q.get("cursor") == null ? null : KeysetCursor.decode(AuditQueries.CURSOR_LIST, q.get("cursor")), limit);
    } catch (IllegalArgumentException e) {
      Problems.send(ctx, 400, "Invalid query parameter", e.getMessage());
      return;
    }
    Responses.reply(ctx, queries.list(filter));
  }

  private static String text(MultiMap q, String name, int maxLength) {
    String value = q.get(name);
    if (value != null && value.length() > maxLength) {
      throw new IllegalArgumentException(name + " must be at most " + maxLength + " characters");
    }
    return value;
  }

  private static Instant instant(MultiMap q, String name) {
    String value = q.get(name);
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be an RFC 3339 timestamp with offset, got '" + value + "'");
    }
  }
}
