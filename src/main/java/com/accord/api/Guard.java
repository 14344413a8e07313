package com.accord.api;

import com.accord.audit.AuditEntry;
import com.accord.audit.AuditTrail;
import com.accord.config.AccordConfig;
import com.accord.security.AccessRule;
import com.accord.security.Principal;
import com.accord.security.RateLimits;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatorException;
import java.time.Instant;
import java.util.UUID;

/**
 * What every request passes through, in one place: a request id, security headers, the rate
 * limits, the access rule of its operation (deny by default), then validation against the
 * contract and, when the response is done, one audit row — for allowed and denied calls alike.
 */
final class Guard {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Guard.class);

  static final String REQUEST_ID = "accord.request-id";
  static final String OPERATION = "accord.operation";
  static final String PRINCIPAL = "accord.principal";
  /** A request id a client may choose; any other is replaced by a random one. */
  private static final java.util.regex.Pattern REQUEST_ID_FORM = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final AccordConfig config;
  private final RateLimits limits;
  private final AuditTrail audit;
  private final RequestValidator validator;
  private final RequestExtractor extractor = RequestExtractor.withBodyHandler();

  Guard(AccordConfig config, RateLimits limits, AuditTrail audit, RequestValidator validator) {
    this.config = config;
    this.limits = limits;
    this.audit = audit;
    this.validator = validator;
  }

  /** Root handler: runs before authentication. */
  void front(RoutingContext ctx) {
    String given = ctx.request().getHeader("X-Request-Id");
    String id = given != null && REQUEST_ID_FORM.matcher(given).matches() ? given : UUID.randomUUID().toString();
    ctx.put(REQUEST_ID, id);
    var headers = ctx.response().headers();
    headers.set("X-Request-Id", id);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("Cache-Control", "no-store");
    if (config.http().tls()) {
      headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
    }
    boolean audited = !ctx.request().path().startsWith("/health/");
    if (audited) {
      ctx.addEndHandler(done -> record(ctx));
      if (audit.saturated()) {
        Problems.send(ctx, 503, "Service Unavailable", "the audit trail is behind; calls are refused until it catches up");
        return;
      }
    }
    long wait = limits.tryAddress(clientAddress(ctx));
    if (wait > 0) {
      tooMany(ctx, wait, "too many requests from this address");
      return;
    }
    ctx.next();
  }

  /** First handler of each operation: runs after authentication. */
  Handler<RoutingContext> authorize(AccessRule rule) {
    return ctx -> {
      ctx.put(OPERATION, rule.operationId());
      Principal principal = Principal.of(ctx.user(), config.security().rolesClaim(), AccordConfig.ROLES);
      ctx.put(PRINCIPAL, principal);
      if (!rule.allows(principal)) {
        Problems.send(ctx, 403, "Forbidden", "operation " + rule.operationId() + " is not open to roles " + principal.roles());
        return;
      }
      if (principal != Principal.ANONYMOUS) {
        long wait = limits.tryPrincipal(principal.name());
        if (wait > 0) {
          tooMany(ctx, wait, "too many requests from " + principal.name());
          return;
        }
      }
      ctx.next();
    };
  }

  /** Validates the request against its operation in the contract; runs after {@link #authorize}. */
  Handler<RoutingContext> validate(Operation operation) {
    return ctx -> extractor.extractValidatableRequest(ctx, operation)
        .compose(request -> validator.validate(request, operation.getOperationId()))
        .onSuccess(validated -> {
          ctx.put(RouterBuilder.KEY_META_DATA_VALIDATED_REQUEST, validated);
          ctx.next();
        })
        .onFailure(e -> ctx.fail(e instanceof ValidatorException ? new HttpException(400, e.getMessage(), e) : e));
  }

  private static void tooMany(RoutingContext ctx, long retryAfterSeconds, String detail) {
    ctx.response().putHeader("Retry-After", Long.toString(retryAfterSeconds));
    Problems.send(ctx, 429, "Too Many Requests", detail + "; retry after " + retryAfterSeconds + " s");
  }

  private void record(RoutingContext ctx) {
    Principal principal = ctx.get(PRINCIPAL);
    if (principal == null) {
      principal = Principal.of(ctx.user(), config.security().rolesClaim(), AccordConfig.ROLES);
    }
    int status = ctx.response().getStatusCode();
    String outcome = status < 400 ? "success" : status == 401 || status == 403 || status == 429 ? "denied" : "error";
    String txnId = ctx.pathParam("txnId");
    String username = ctx.pathParam("username");
    String resourceType = txnId != null ? "transaction" : username != null ? "user" : "api";
    String resourceId = txnId != null ? txnId : username != null ? username : ctx.request().path();
    String operation = ctx.get(OPERATION);
    boolean queued = audit.offer(new AuditEntry(Instant.now(), principal.name(), principal.roleList(),
        "api." + (operation == null ? "unmatched" : operation), resourceType, resourceId, outcome, status,
        clientAddress(ctx), ctx.get(REQUEST_ID), ctx.request().method().name(), ctx.request().path()));
    if (!queued) {
      log.atError().addKeyValue("request_id", (Object) ctx.get(REQUEST_ID)).addKeyValue("status", status)
          .log("audit trail saturated: this call could not be recorded");
    }
  }

  static String clientAddress(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().host();
  }
}
