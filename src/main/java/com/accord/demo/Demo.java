package com.accord.demo;

import com.accord.Accord;
import com.accord.cli.Options;
import com.accord.cli.SimulateCommand;
import com.accord.config.AccordConfig;
import com.accord.config.ConfigException;
import com.accord.persistence.Database;
import com.accord.simulation.EventSink;
import com.accord.simulation.GroundTruth;
import com.accord.simulation.HttpSink;
import com.accord.simulation.KafkaSink;
import com.accord.simulation.Scenario;
import com.accord.simulation.Simulator;
import com.accord.simulation.Verifier;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The main job of the README: start Accord on a database of its own with its own Kafka broker,
 * drive the {@code seed} scenario's three-source traffic through Kafka (or HTTP with
 * {@code --via http}), and end with the verify report against the injected ground truth.
 */
public final class Demo {

  private static final PrintStream out = System.out;

  private Demo() {}

  public static int run(Options options) throws Exception {
    Scenario scenario = SimulateCommand.scenario(options);
    String via = options.get("via", "kafka");
    if (!via.equals("kafka") && !via.equals("http")) {
      throw new ConfigException("--via", "must be kafka or http, got '" + via + "'");
    }
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putIfAbsent("ACCORD_POSTGRES_DATABASE", "accord_demo");
    env.putIfAbsent("ACCORD_REDIS_KEY_PREFIX", "accord-demo:");
    env.putIfAbsent("ACCORD_RULES_WINDOW", "PT3S");
    env.putIfAbsent("ACCORD_KAFKA_ENABLED", Boolean.toString(via.equals("kafka")));
    AccordConfig configured = AccordConfig.load(options.configFile(), env);

    out.printf("Accord demo: scenario %s (%,d transactions, seed %d) through %s; database %s, Redis prefix %s%n",
        scenario.name(), scenario.transactions(), scenario.seed(), via, configured.postgres().database(),
        configured.redis().keyPrefix());
    Database.drop(configured.postgres());
    Vertx vertx = Vertx.vertx();
    clearRedis(vertx, configured.redis());
    if (via.equals("kafka") && configured.kafka().embedded()) {
      out.println("starting a single-node Kafka broker (KRaft) of Accord's own …");
    }
    Accord accord = Accord.start(vertx, configured).await();
    AccordConfig config = accord.config();
    String api = "http://" + config.http().host() + ":" + accord.httpPort();
    out.printf("Accord is up: API at %s%s%n", api,
        via.equals("kafka") ? ", Kafka at " + config.kafka().bootstrapServers() : "");

    int exit;
    try (EventSink sink = via.equals("kafka")
        ? new KafkaSink(config.kafka().bootstrapServers(), config.kafka().topics(), config.kafka().properties())
        : new HttpSink(api)) {
      Simulator.Run run = new Simulator(scenario, SimulateCommand.defaultPrefix(scenario), out).run(sink);
      Path truthFile = Files.createTempFile("accord-demo-" + scenario.name() + "-", ".truth.jsonl");
      run.truth().write(truthFile);
      out.printf("sent %,d events in %.1f s (%,.0f events/s); ground truth written to %s%n",
          run.events(), run.elapsed().toMillis() / 1000.0, run.eventsPerSecond(), truthFile);
      out.printf("injected: %s%n", Verifier.defectCounts(run.truth()));
      Verifier.Report report = new Verifier(api).verify(run.truth(), config.rules().window().plusMinutes(2));
      report.print(out);
      exit = report.passed() ? 0 : 1;
      printTryIt(api, run.truth(), report);
    }
    if (options.has("keep-running")) {
      out.println("Accord keeps running (Ctrl-C stops it).");
      Thread.currentThread().join();
    }
    accord.stop().eventually(vertx::close).await();
    return exit;
  }

  private static void printTryIt(String api, GroundTruth truth, Verifier.Report report) {
    String mismatched = truth.transactions().stream()
        .filter(e -> report.found().containsKey(e.txnId()) && !e.types().isEmpty())
        .map(GroundTruth.Expected::txnId).findFirst().orElse(truth.transactions().get(0).txnId());
    out.println();
    out.println("Explore the results (add --keep-running to keep Accord up):");
    out.printf("  curl -s %s/api/v1/stats%n", api);
    out.printf("  curl -s '%s/api/v1/results?status=MISMATCHED&discrepancyType=AMOUNT&limit=5'%n", api);
    out.printf("  curl -s %s/api/v1/transactions/%s%n", api, mismatched);
  }

  /** The demo's own key prefix starts empty, like its database. */
  private static void clearRedis(Vertx vertx, AccordConfig.Redis config) {
    Redis redis = Redis.createClient(vertx, config.uri());
    try {
      String cursor = "0";
      do {
        Response scan = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(config.keyPrefix() + "*").arg("COUNT").arg(1000)).await();
        cursor = scan.get(0).toString();
        List<String> keys = new ArrayList<>();
        scan.get(1).forEach(k -> keys.add(k.toString()));
        if (!keys.isEmpty()) {
          Request del = Request.cmd(Command.DEL);
          keys.forEach(del::arg);
          redis.send(del).await();
        }
      } while (!cursor.equals("0"));
    } finally {
      redis.close();
    }
  }
}
