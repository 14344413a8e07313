package com.accord.api;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writing JSON answers; errors go through {@link Problems}. */
final class Responses {
  private Responses() {}

  static final String JSON = "application/json";

  static void json(RoutingContext ctx, int status, JsonObject body) {
    if (!ctx.response().ended()) {
      ctx.response().setStatusCode(status).putHeader("Content-Type", JSON).end(body.encode());
    }
  }

  /** 200 with the body, or the failure to the router's failure handler. */
  static void reply(RoutingContext ctx, Future<JsonObject> body) {
    body.onSuccess(json -> json(ctx, 200, json)).onFailure(ctx::fail);
  }

  /** The request body as a JSON object, or a 400 problem and null. */
  static JsonObject bodyObject(RoutingContext ctx) {
    try {
      JsonObject body = ctx.body().asJsonObject();
      if (body == null) {
        Problems.send(ctx, 400, "Malformed request body", "a JSON object is required");
      }
      return body;
    } catch (RuntimeException e) {
      Problems.send(ctx, 400, "Malformed request body", "the body is not a JSON object");
      return null;
    }
  }
}
