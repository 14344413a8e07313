package com.accord.api;

import com.accord.audit.AuditQueries;
import com.accord.audit.AuditTrail;
import com.accord.security.AccessRule;
import com.accord.security.EmbeddedIssuer;
import com.accord.security.RateLimits;
import com.accord.security.TokenVerifier;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.handler.CorsHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.handler.JWTAuthHandler;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import com.accord.bus.Addresses;
import com.accord.bus.LocalCodec;
import com.accord.bus.Messages.Disposition;
import com.accord.bus.Messages.IngestBatch;
import com.accord.bus.Messages.IngestReceipt;
import com.accord.bus.Messages.ItemOutcome;
import com.accord.bus.Messages.Rejection;
import com.accord.bus.Messages.Submitted;
import com.accord.bus.Messages.Via;
import com.accord.config.AccordConfig;
import com.accord.domain.EventJson;
import com.accord.domain.EventParser;
import com.accord.domain.MalformedBodyException;
import com.accord.domain.ParsedItem;
import com.accord.infra.PgPools;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.validation.RequestValidator;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import com.accord.infra.RedisClients;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API, built from {@code openapi.yaml} by the OpenAPI router, which validates every
 * request against the contract before a handler sees it.
 */
public final class ApiVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ApiVerticle.class);
  private static final String JSON = Responses.JSON;
  private static final int MAX_TXN_ID_LENGTH = 128;
  private static final int AUDIT_BUFFER_MAX = 20_000;

  private final AccordConfig config;
  private EventParser parser;
  private Pool pool;
  private Redis redis;
  private ResultQueries queries;
  private AuditTrail audit;
  private HttpServer server;

  public ApiVerticle(AccordConfig config) {
    this.config = config;
  }

  /** The port actually bound (differs from the configured one when that is 0). */
  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    LocalCodec.registerAll(vertx.eventBus());
    parser = new EventParser(config.rules(), config.http().eventsPerRequestMax());
    pool = PgPools.create(vertx, config.postgres(), "api");
    redis = RedisClients.create(vertx, config.redis(), 2);
    queries = new ResultQueries(pool);
    audit = new AuditTrail(vertx, pool, AUDIT_BUFFER_MAX);
    EmbeddedIssuer issuer = config.security().embedded() ? new EmbeddedIssuer(vertx, pool, config.security()) : null;
    Future<Void> issuerReady = issuer == null ? Future.succeededFuture() : issuer.start()
        .compose(v -> issuer.ensureUsers(config.security().bootstrapUsers(), config.security().demoUsers()))
        .map(created -> {
          printDemoCredentials(created);
          return null;
        });
    return issuerReady
        .compose(v -> TokenVerifier.create(vertx, config.security(), issuer != null ? issuer::publicKeys
            : TokenVerifier.discoveredKeys(vertx, config.security().issuer())))
        .compose(verifier -> OpenAPIContract.from(vertx, "openapi.yaml").map(contract -> router(contract, verifier, issuer)))
        .compose(router -> vertx.createHttpServer(serverOptions()).requestHandler(router).listen())
        .onSuccess(s -> {
          server = s;
          log.atInfo().addKeyValue("host", config.http().host()).addKeyValue("port", s.actualPort())
              .addKeyValue("tls", config.http().tls()).addKeyValue("issuer", config.security().issuer())
              .log("HTTP API listening");
        });
  }

  /** Demo mode only: the generated passwords go to the console, never to the logs. */
  private static void printDemoCredentials(java.util.Map<String, String> created) {
    if (!created.isEmpty()) {
      StringBuilder text = new StringBuilder("DEMO MODE: users created with generated passwords (change them):\n");
      created.forEach((user, password) -> text.append("  ").append(user).append(" / ").append(password).append('\n'));
      System.out.print(text);
    }
  }

  private HttpServerOptions serverOptions() {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.http().host())
        .setPort(config.http().port())
        .setCompressionSupported(true);
    if (config.http().tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(config.http().tlsCertPath()).setKeyPath(config.http().tlsKeyPath()));
    }
    return options;
  }

  @Override
  public Future<?> stop() {
    Future<Void> drained = audit == null ? Future.succeededFuture() : audit.close();
    return drained.eventually(() -> Future.all(pool.close(), redis.close()));
  }

  private Router router(OpenAPIContract contract, TokenVerifier verifier, EmbeddedIssuer issuer) {
    RouterBuilder builder = RouterBuilder.create(vertx, contract, RequestExtractor.withBodyHandler());
    Guard guard = new Guard(config, new RateLimits(config.security().rateLimit()), audit, RequestValidator.create(vertx, contract));
    builder.rootHandler(BodyHandler.create(false).setBodyLimit(config.http().bodyLimitBytes()));
    builder.rootHandler(guard::front);
    if (!config.http().corsAllowedOrigins().isEmpty()) {
      builder.rootHandler(CorsHandler.create()
          .addOrigins(config.http().corsAllowedOrigins())
          .allowedHeaders(java.util.Set.of("Authorization", "Content-Type", "X-Request-Id"))
          .allowedMethods(java.util.Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.PATCH)));
    }
    builder.security("bearerAuth").httpHandler(new BearerAuthentication(JWTAuthHandler.create(verifier, "accord")));

    // Items are validated one by one by EventParser: a bad item must not fail its batch, and
    // amounts must never pass through the router's binary-float JSON numbers.
    builder.getRoute("ingestEvents").setDoValidation(false);
    // The 5.0 contract validator decodes query and path values a second time ('+' becomes a
    // space, '%' fails) and reads string values that look like JSON as JSON ("75.00" is then no
    // string, nor is a txn id "2024.001"), so these routes check their parameters themselves.
    builder.getRoute("getTransaction").setDoValidation(false);
    builder.getRoute("listResults").setDoValidation(false);
    builder.getRoute("listAudit").setDoValidation(false);

    route(builder, guard, "ingestEvents", this::ingestEvents);
    route(builder, guard, "getTransaction", this::getTransaction);
    route(builder, guard, "listResults", this::listResults);
    route(builder, guard, "getStats", ctx -> Responses.reply(ctx, queries.stats()));
    route(builder, guard, "getRules", ctx -> Responses.json(ctx, 200, RulesJson.of(config.rules())));
    route(builder, guard, "healthLive", ctx -> Responses.json(ctx, 200, new JsonObject().put("status", "UP")));
    route(builder, guard, "healthReady", this::ready);
    route(builder, guard, "getAuthConfig", ctx -> Responses.reply(ctx, authConfig(verifier)));
    new AuthRoutes(config, issuer).mount(builder, guard);
    new WorkflowRoutes(pool).mount(builder, guard);
    new AuditRoutes(new AuditQueries(pool)).mount(builder, guard);
    new SimulatorControl(vertx).mount(builder, guard);
    for (OpenAPIRoute route : builder.getRoutes()) {
      if (route.getHandlers().size() < 2) {
        throw new IllegalStateException("operation " + route.getOperation().getOperationId() + " of openapi.yaml has no handler");
      }
    }

    Router api = builder.createRouter();
    api.route().last().handler(ctx -> Problems.send(ctx, 404, "Not Found", "no operation at " + ctx.request().path()));
    api.route().failureHandler(this::failure);

    // the bridge and the dashboard's files sit beside the API, outside its body handling and audit of calls
    Router main = Router.router(vertx);
    main.route("/eventbus/*").subRouter(new DashboardBridge(vertx, config, verifier, audit).router());
    // hashed bundles are immutable; the entry page must be revalidated so upgrades reach browsers
    main.get("/assets/*").handler(this::dashboardHeaders)
        .handler(StaticHandler.create(DASHBOARD_ROOT).setCachingEnabled(true).setMaxAgeSeconds(31_536_000));
    main.get().pathRegex("^/(?!api/|health/|\\.well-known/|eventbus/).*").handler(this::dashboardHeaders)
        .handler(ctx -> {
          ctx.response().putHeader("Cache-Control", "no-cache");
          ctx.next();
        })
        .handler(StaticHandler.create(DASHBOARD_ROOT).setCachingEnabled(false).setIndexPage("index.html"));
    main.route("/*").subRouter(api);
    return main;
  }

  /** The dashboard's files, built into the jar; a strict content policy since the page holds tokens. */
  private static final String DASHBOARD_ROOT = "dashboard";

  private void dashboardHeaders(RoutingContext ctx) {
    ctx.response().headers()
        .set("Content-Security-Policy", "default-src 'self'; connect-src 'self' " + oidcOrigin()
            + "; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'")
        .set("X-Content-Type-Options", "nosniff")
        .set("X-Frame-Options", "DENY")
        .set("Referrer-Policy", "no-referrer");
    ctx.next();
  }

  private String oidcOrigin() {
    if (config.security().embedded()) {
      return "";
    }
    java.net.URI issuer = java.net.URI.create(config.security().issuer());
    return issuer.getScheme() + "://" + issuer.getAuthority();
  }

  /** How the dashboard signs in: the embedded issuer's token endpoint, or the provider's endpoints from its discovery. */
  private Future<JsonObject> authConfig(TokenVerifier verifier) {
    JsonObject answer = new JsonObject()
        .put("mode", config.security().embedded() ? "embedded" : "oidc")
        .put("issuer", config.security().issuer())
        .put("client_id", "accord-dashboard");
    if (config.security().embedded()) {
      return Future.succeededFuture(answer.put("token_endpoint", "/api/v1/auth/token")
          .put("authorization_endpoint", null).put("end_session_endpoint", null));
    }
    return TokenVerifier.discovery(vertx, config.security().issuer()).map(d -> answer
        .put("token_endpoint", d.getString("token_endpoint"))
        .put("authorization_endpoint", d.getString("authorization_endpoint"))
        .put("end_session_endpoint", d.getString("end_session_endpoint")));
  }

  /**
   * Mounts an operation's handler behind its access rule, read from the contract. The request is
   * validated against the contract after the access rule, not before as the router would: a
   * caller who may not call the operation is refused (403, audited as denied) without learning
   * anything from its validator.
   */
  static void route(RouterBuilder builder, Guard guard, String operationId, io.vertx.core.Handler<RoutingContext> handler) {
    OpenAPIRoute route = builder.getRoute(operationId);
    if (route == null) {
      throw new IllegalStateException("openapi.yaml has no operation " + operationId);
    }
    boolean validate = route.doValidation();
    route.setDoValidation(false);
    route.addHandler(guard.authorize(AccessRule.of(route.getOperation())));
    if (validate) {
      route.addHandler(guard.validate(route.getOperation()));
    }
    route.addHandler(handler);
  }

  // ---- ingestion -----------------------------------------------------------------------------

  private void ingestEvents(RoutingContext ctx) {
    String contentType = ctx.request().getHeader("Content-Type");
    if (contentType == null || !contentType.toLowerCase().startsWith(JSON)) {
      Problems.send(ctx, 415, "Unsupported Media Type", "events must be sent as application/json, got " + contentType);
      return;
    }
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    List<ParsedItem> items;
    try {
      items = parser.parseBatch(body);
    } catch (MalformedBodyException e) {
      Problems.send(ctx, 400, "Malformed request body", e.getMessage());
      return;
    }
    Instant receivedAt = Instant.now();
    List<Submitted> valid = new ArrayList<>();
    List<Rejection> rejected = new ArrayList<>();
    JsonNode tree = null;
    for (ParsedItem item : items) {
      if (item instanceof ParsedItem.Valid v) {
        valid.add(new Submitted(v.index(), v.event()));
      } else if (item instanceof ParsedItem.Invalid invalid) {
        tree = tree == null ? readTree(body) : tree;
        byte[] raw = tree == null ? null : tree.get(invalid.index()).toString().getBytes(StandardCharsets.UTF_8);
        rejected.add(new Rejection(invalid.index(), "invalid event", invalid.errors(), raw));
      }
    }
    IngestBatch batch = new IngestBatch(Via.HTTP, receivedAt, valid, rejected);
    vertx.eventBus().<IngestReceipt>request(Addresses.INGEST, batch, new DeliveryOptions().setSendTimeout(30_000))
        .map(Message::body)
        .onSuccess(receipt -> Responses.json(ctx, 202, receiptJson(receipt)))
        .onFailure(e -> {
          Problems.send(ctx, 503, "Events not accepted", "no event of this request was acknowledged; it is safe to send it again: " + e.getMessage());
        });
  }

  private static JsonNode readTree(byte[] body) {
    try {
      return EventJson.MAPPER.readTree(body);
    } catch (IOException e) {
      return null; // parseBatch read this body a moment ago; unreachable in practice
    }
  }

  private static JsonObject receiptJson(IngestReceipt receipt) {
    JsonArray items = new JsonArray();
    int[] counts = new int[Disposition.values().length];
    for (ItemOutcome item : receipt.items()) {
      counts[item.disposition().ordinal()]++;
      JsonObject json = new JsonObject().put("index", item.index()).put("outcome", item.disposition().name().toLowerCase());
      if (item.source() != null) {
        json.put("source", item.source()).put("event_id", item.eventId());
      }
      if (!item.errors().isEmpty()) {
        JsonArray errors = new JsonArray();
        item.errors().forEach(err -> errors.add(new JsonObject().put("path", err.path()).put("message", err.message())));
        json.put("errors", errors);
      }
      items.add(json);
    }
    return new JsonObject()
        .put("accepted", counts[Disposition.ACCEPTED.ordinal()])
        .put("duplicates", counts[Disposition.DUPLICATE.ordinal()])
        .put("conflicts", counts[Disposition.CONFLICT.ordinal()])
        .put("rejected", counts[Disposition.REJECTED.ordinal()])
        .put("items", items);
  }

  // ---- reads -----------------------------------------------------------------------------------

  private void getTransaction(RoutingContext ctx) {
    String txnId = ctx.pathParam("txnId");
    if (txnId == null || txnId.isEmpty() || txnId.length() > MAX_TXN_ID_LENGTH) {
      Problems.send(ctx, 400, "Invalid path parameter", "txnId must be 1 to " + MAX_TXN_ID_LENGTH + " characters");
      return;
    }
    queries.transaction(txnId)
        .onSuccess(detail -> {
          if (detail == null) {
            Problems.send(ctx, 404, "Not Found", "no result for transaction '" + txnId + "'");
          } else {
            Responses.json(ctx, 200, detail);
          }
        })
        .onFailure(ctx::fail);
  }

  private void listResults(RoutingContext ctx) {
    ResultFilter filter;
    try {
      filter = ResultFilter.from(ctx.queryParams(), config.http().pageLimitMax());
    } catch (IllegalArgumentException e) {
      Problems.send(ctx, 400, "Invalid query parameter", e.getMessage());
      return;
    }
    Responses.reply(ctx, queries.list(filter));
  }

  private void ready(RoutingContext ctx) {
    Future<Void> postgres = queries.ping();
    Future<Void> redisPing = redis.send(Request.cmd(Command.PING)).mapEmpty();
    Future.join(postgres, redisPing).onComplete(done -> {
      JsonObject checks = new JsonObject()
          .put("postgres", postgres.succeeded() ? "UP" : "DOWN: " + postgres.cause().getMessage())
          .put("redis", redisPing.succeeded() ? "UP" : "DOWN: " + redisPing.cause().getMessage());
      boolean up = postgres.succeeded() && redisPing.succeeded();
      Responses.json(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", checks));
    });
  }

  // ---- plumbing --------------------------------------------------------------------------------

  /** The router reports a contract violation as an HttpException(400) caused by the ValidatorException. */
  private static ValidatorException validatorException(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ValidatorException invalid) {
        return invalid;
      }
    }
    return null;
  }

  /** PostgreSQL refused a text value of the request (SQLSTATE 22021: NUL or invalid UTF-8): the input's fault, not the server's. */
  private static boolean unstorableText(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof io.vertx.pgclient.PgException pg && "22021".equals(pg.getSqlState())) {
        return true;
      }
    }
    return false;
  }

  private void failure(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    ValidatorException invalid = validatorException(failure);
    if (invalid != null) {
      Problems.send(ctx, 400, "Request does not match the API contract", invalid.getMessage());
    } else if (unstorableText(failure)) {
      Problems.send(ctx, 400, "Invalid value", "a value of this request holds a character that cannot be stored or searched for (such as NUL)");
    } else if (ctx.statusCode() == 401) {
      // never say why: which check failed would help whoever forges tokens
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"accord\"");
      Problems.send(ctx, 401, "Unauthorized", "a valid bearer token is required");
    } else if (ctx.statusCode() == 403) {
      Problems.send(ctx, 403, "Forbidden", "this operation is not open to the caller");
    } else if (ctx.statusCode() == 413) {
      Problems.send(ctx, 413, "Payload Too Large", "request bodies are limited to " + config.http().bodyLimitBytes() + " bytes");
    } else if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      Problems.send(ctx, ctx.statusCode(), "Bad Request", failure == null ? "request refused" : failure.getMessage());
    } else {
      log.atError().addKeyValue("path", ctx.request().path()).addKeyValue("request_id", (Object) ctx.get(Guard.REQUEST_ID))
          .setCause(failure).log("request failed");
      Problems.send(ctx, 500, "Internal Server Error", "the request failed; quote request id " + ctx.get(Guard.REQUEST_ID));
    }
  }
}
