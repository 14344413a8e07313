package com.accord;

import com.accord.api.ApiVerticle;
import com.accord.config.AccordConfig;
import com.accord.correlation.CorrelationVerticle;
import com.accord.ingestion.IngestionVerticle;
import com.accord.kafka.EmbeddedKafka;
import com.accord.kafka.KafkaIngestionVerticle;
import com.accord.metrics.Metrics;
import com.accord.metrics.MetricsVerticle;
import com.accord.metrics.PipelineMetrics;
import com.accord.persistence.Database;
import com.accord.persistence.PersistenceVerticle;
import com.accord.push.PushVerticle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Accord: the database prepared (and, when no Kafka cluster is configured, a broker
 * of its own started), then the verticles deployed in the order the flow needs them —
 * persistence, correlation (which rebuilds its cache from persistence), ingestion, the Kafka
 * consumer and last the HTTP API, so nothing is accepted before it can be processed.
 */
public final class Accord {

  private static final Logger log = LoggerFactory.getLogger(Accord.class);
  /** An orderly stop at exit waits this long at most; the broker's own hook waits a little longer. */
  private static final Duration STOP_WAIT = Duration.ofSeconds(45);

  private final Vertx vertx;
  private final List<String> deployments;
  private final ApiVerticle api;
  private final MetricsVerticle scrape;
  private final AccordConfig config;
  private final EmbeddedKafka broker;

  private Accord(Vertx vertx, List<String> deployments, ApiVerticle api, MetricsVerticle scrape, AccordConfig config,
      EmbeddedKafka broker) {
    this.vertx = vertx;
    this.deployments = deployments;
    this.api = api;
    this.scrape = scrape;
    this.config = config;
    this.broker = broker;
  }

  /** Starts with a registry of its own (tests, tools): Vert.x's own meters are not in it. */
  public static Future<Accord> start(Vertx vertx, AccordConfig configured) {
    return start(vertx, configured, Metrics.newRegistry());
  }

  /**
   * Starts with the pipeline's meters in {@code registry}, served at {@code /metrics} when
   * enabled; a Vert.x made by {@link Metrics#vertx} reports its own meters to the same registry.
   */
  public static Future<Accord> start(Vertx vertx, AccordConfig configured, PrometheusMeterRegistry registry) {
    PipelineMetrics metrics = new PipelineMetrics(registry);
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
          MetricsVerticle scrape = new MetricsVerticle(config.metrics(), registry);
          return vertx.deployVerticle(new PersistenceVerticle(config.postgres(), metrics)).onSuccess(deployments::add)
              .compose(v -> vertx.deployVerticle(new CorrelationVerticle(config, metrics))).onSuccess(deployments::add)
              .compose(v -> vertx.deployVerticle(new IngestionVerticle(metrics))).onSuccess(deployments::add)
              .compose(v -> vertx.deployVerticle(new PushVerticle(config))).onSuccess(deployments::add)
              .compose(v -> config.kafka().enabled()
                  ? vertx.deployVerticle(new KafkaIngestionVerticle(config.kafka(), config.rules(), metrics)).onSuccess(deployments::add)
                  : Future.succeededFuture())
              .compose(v -> config.metrics().enabled()
                  ? vertx.deployVerticle(scrape).onSuccess(deployments::add)
                  : Future.succeededFuture())
              .compose(v -> vertx.deployVerticle(api)).onSuccess(deployments::add)
              .map(v -> new Accord(vertx, deployments, api, scrape, config, broker[0]));
        })
        .recover(e -> undeploy(vertx, deployments)
            .eventually(() -> closeBroker(vertx, broker[0]))
            .transform(ignored -> Future.failedFuture(e)));
  }

  public int httpPort() {
    return api.port();
  }

  /** The port of the Prometheus endpoint; empty when metrics are off. */
  public OptionalInt metricsPort() {
    return config.metrics().enabled() ? OptionalInt.of(scrape.port()) : OptionalInt.empty();
  }

  /** The configuration in force, with the embedded broker's address filled in. */
  public AccordConfig config() {
    return config;
  }

  /**
   * Stops this Accord, then its Vert.x, when the JVM is asked to exit (SIGTERM, Ctrl-C): in order,
   * the API first and the embedded broker last, after the consumers reading from it. Call it before
   * announcing that Accord runs. If the JVM is already exiting (a signal came first), it stops
   * Accord in order at once, on the calling thread: the broker's own hook waits for that.
   */
  public void stopAtExit() {
    if (broker != null) {
      broker.ownerStopsAtExit();
    }
    Runnable stopInOrder = () -> {
      log.atInfo().log("stopping");
      try { // waiting is right here: this is the JVM's shutdown thread (or main, once it exits), not an event loop
        stop().eventually(vertx::close).toCompletionStage().toCompletableFuture().get(STOP_WAIT.toSeconds(), TimeUnit.SECONDS);
        log.atInfo().log("stopped");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        log.atError().setCause(e).log("Accord did not stop in order; exiting anyway");
      }
    };
    try {
      Runtime.getRuntime().addShutdownHook(new Thread(stopInOrder, "accord-shutdown"));
    } catch (IllegalStateException exiting) {
      stopInOrder.run();
    }
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
