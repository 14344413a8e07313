package com.accord;

import com.accord.api.ApiVerticle;
import com.accord.config.AccordConfig;
import com.accord.correlation.CorrelationVerticle;
import com.accord.ingestion.IngestionVerticle;
import com.accord.kafka.EmbeddedKafka;
import com.accord.kafka.KafkaIngestionVerticle;
import com.accord.persistence.Database;
import com.accord.persistence.PersistenceVerticle;
import com.accord.push.PushVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One running Accord: the database prepared (and, when no Kafka cluster is configured, a broker
 * of its own started), then the verticles deployed in the order the flow needs them —
 * persistence, correlation (which rebuilds its cache from persistence), ingestion, the Kafka
 * consumer and last the HTTP API, so nothing is accepted before it can be processed.
 */
public final class Accord {

  private final Vertx vertx;
  private final List<String> deployments;
  private final ApiVerticle api;
  private final AccordConfig config;
  private final EmbeddedKafka broker;

  private Accord(Vertx vertx, List<String> deployments, ApiVerticle api, AccordConfig config, EmbeddedKafka broker) {
    this.vertx = vertx;
    this.deployments = deployments;
    this.api = api;
    this.config = config;
    this.broker = broker;
  }

  public static Future<Accord> start(Vertx vertx, AccordConfig configured) {
    List<String> deployments = new ArrayList<>();
    EmbeddedKafka[] broker = new EmbeddedKafka[1];
    return vertx.executeBlocking(() -> {
          Database.prepare(configured.postgres());
          if (configured.kafka().enabled() && configured.kafka().embedded()) {
            String dir = configured.kafka().embeddedDataDir();
            broker[0] = EmbeddedKafka.start(dir.isEmpty() ? null : Path.of(dir));
            return configured.withKafka(configured.kafka().withBootstrapServers(broker[0].bootstrapServers()));
          }
          return configured;
        })
        .compose(config -> {
          ApiVerticle api = new ApiVerticle(config);
          return vertx.deployVerticle(new PersistenceVerticle(config.postgres())).onSuccess(deployments::add)
              .compose(v -> vertx.deployVerticle(new CorrelationVerticle(config))).onSuccess(deployments::add)
              .compose(v -> vertx.deployVerticle(new IngestionVerticle())).onSuccess(deployments::add)
              .compose(v -> vertx.deployVerticle(new PushVerticle(config))).onSuccess(deployments::add)
              .compose(v -> config.kafka().enabled()
                  ? vertx.deployVerticle(new KafkaIngestionVerticle(config.kafka(), config.rules())).onSuccess(deployments::add)
                  : Future.succeededFuture())
              .compose(v -> vertx.deployVerticle(api)).onSuccess(deployments::add)
              .map(v -> new Accord(vertx, deployments, api, config, broker[0]));
        })
        .recover(e -> undeploy(vertx, deployments)
            .eventually(() -> closeBroker(vertx, broker[0]))
            .transform(ignored -> Future.failedFuture(e)));
  }

  public int httpPort() {
    return api.port();
  }

  /** The configuration in force, with the embedded broker's address filled in. */
  public AccordConfig config() {
    return config;
  }

  /** Undeploys in reverse order (the API stops taking requests before what serves it goes), then stops the broker. */
  public Future<Void> stop() {
    return undeploy(vertx, deployments).eventually(() -> closeBroker(vertx, broker));
  }

  private static Future<Void> closeBroker(Vertx vertx, EmbeddedKafka broker) {
    return broker == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      broker.close();
      return null;
    });
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
