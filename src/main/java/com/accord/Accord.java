package com.accord;

import com.accord.api.ApiVerticle;
import com.accord.config.AccordConfig;
import com.accord.correlation.CorrelationVerticle;
import com.accord.ingestion.IngestionVerticle;
import com.accord.persistence.Database;
import com.accord.persistence.PersistenceVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One running Accord: the database prepared, then the verticles deployed in the order the flow
 * needs them — persistence, correlation (which rebuilds its cache from persistence), ingestion,
 * and last the HTTP API, so nothing is accepted before it can be processed.
 */
public final class Accord {

  private final Vertx vertx;
  private final List<String> deployments;
  private final ApiVerticle api;

  private Accord(Vertx vertx, List<String> deployments, ApiVerticle api) {
    this.vertx = vertx;
    this.deployments = deployments;
    this.api = api;
  }

  public static Future<Accord> start(Vertx vertx, AccordConfig config) {
    List<String> deployments = new ArrayList<>();
    ApiVerticle api = new ApiVerticle(config);
    return vertx.executeBlocking(() -> {
          Database.prepare(config.postgres());
          return null;
        })
        .compose(v -> vertx.deployVerticle(new PersistenceVerticle(config.postgres()))).onSuccess(deployments::add)
        .compose(v -> vertx.deployVerticle(new CorrelationVerticle(config))).onSuccess(deployments::add)
        .compose(v -> vertx.deployVerticle(new IngestionVerticle())).onSuccess(deployments::add)
        .compose(v -> vertx.deployVerticle(api)).onSuccess(deployments::add)
        .map(v -> new Accord(vertx, deployments, api))
        .recover(e -> undeploy(vertx, deployments).transform(ignored -> Future.failedFuture(e)));
  }

  public int httpPort() {
    return api.port();
  }

  /** Undeploys in reverse order: the API stops taking requests before what serves it goes. */
  public Future<Void> stop() {
    return undeploy(vertx, deployments);
  }

  private static Future<Void> undeploy(Vertx vertx, List<String> deployments) {
    List<String> reversed = new ArrayList<>(deployments);
    Collections.reverse(reversed);
    Future<Void> chain = Future.succeededFuture();
    for (String id : reversed) {
      chain = chain.compose(v -> vertx.undeploy(id));
    }
    return chain.onComplete(done -> deployments.clear());
  }
}
