package com.accord.api;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.Operation;
import java.util.List;

/**
 * The bearer authentication of protected operations, around Vert.x's JWT handler: it names the
 * operation before authenticating, so that a call refused for want of a valid token is audited
 * under its operation too; and an Authorization header that holds no "scheme credentials" pair
 * (a bare token, "Bearer" with nothing after it) counts as no valid token — 401 like any other
 * failed authentication, where the JWT handler alone would answer 400.
 */
final class BearerAuthentication implements JWTAuthHandler {

  private final JWTAuthHandler delegate;

  BearerAuthentication(JWTAuthHandler delegate) {
    this.delegate = delegate;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Route route = ctx.currentRoute();
    Object operation = route == null ? null : route.getMetadata(RouterBuilder.KEY_META_DATA_OPERATION);
    if (operation instanceof Operation op && ctx.get(Guard.OPERATION) == null) {
      ctx.put(Guard.OPERATION, op.getOperationId());
    }
    String authorization = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (authorization != null) {
      int space = authorization.indexOf(' ');
      if (space <= 0 || authorization.substring(space + 1).isBlank()) {
        ctx.fail(401);
        return;
      }
    }
    delegate.handle(ctx);
  }

  @Override
  public JWTAuthHandler scopeDelimiter(String delimiter) {
    delegate.scopeDelimiter(delimiter);
    return this;
  }

  @Override
  public JWTAuthHandler withScope(String scope) {
    delegate.withScope(scope);
    return this;
  }

  @Override
  public JWTAuthHandler withScopes(List<String> scopes) {
    delegate.withScopes(scopes);
    return this;
  }
}
