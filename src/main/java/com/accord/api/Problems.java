package com.accord.api;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** RFC 9457 problem documents: every error Accord answers says what went wrong, and where. */
final class Problems {
  private Problems() {}

  static final String CONTENT_TYPE = "application/problem+json";

  static void send(RoutingContext ctx, int status, String title, String detail) {
    if (ctx.response().ended() || ctx.response().headWritten()) {
      return;
    }
    JsonObject problem = new JsonObject()
        .put("type", "about:blank")
        .put("title", title)
        .put("status", status)
        .put("detail", detail)
        .put("instance", ctx.request().path());
    String requestId = ctx.get(Guard.REQUEST_ID);
    if (requestId != null) {
      problem.put("request_id", requestId);
    }
    if ((status == 503 || status == 429) && !ctx.response().headers().contains("Retry-After")) {
      ctx.response().putHeader("Retry-After", "1");
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", CONTENT_TYPE).end(problem.encode());
  }
}
