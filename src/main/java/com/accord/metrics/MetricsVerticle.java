package com.accord.metrics;

import com.accord.config.AccordConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the registry in Prometheus' text format at {@code GET /metrics} on a listener of its own
 * ({@code metrics.host}, loopback by default): scrapes need no token and leave no audit rows, so
 * the endpoint is kept off the API's address. It holds counts and timings only, no transaction
 * data.
 */
public final class MetricsVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(MetricsVerticle.class);

  private final AccordConfig.Metrics config;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;

  public MetricsVerticle(AccordConfig.Metrics config, PrometheusMeterRegistry registry) {
    this.config = config;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    // Prometheus scrapes over HTTP/1.1; no upgrade to HTTP/2 is offered (a JDK client's h2c upgrade
    // against this listener once hung a test's scrape)
    server = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(false));
    return server.requestHandler(router).listen(config.port(), config.host())
        .onSuccess(s -> log.atInfo().addKeyValue("host", config.host()).addKeyValue("port", s.actualPort())
            .log("Prometheus metrics at /metrics"));
  }

  /** The port listened on (the configured one, or the one chosen for port 0). */
  public int port() {
    return server.actualPort();
  }
}
