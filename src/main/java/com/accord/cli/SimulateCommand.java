package com.accord.cli;

import com.accord.config.AccordConfig;
import com.accord.config.ConfigException;
import com.accord.simulation.EventSink;
import com.accord.simulation.HttpSink;
import com.accord.simulation.KafkaSink;
import com.accord.simulation.Scenario;
import com.accord.simulation.Simulator;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code simulate --scenario FILE [--target kafka|http] [--bootstrap HOST:PORT] [--api URL]
 * [--truth FILE] [--transactions N] [--rate N] [--seed N] [--prefix P]}: drives a scenario into
 * Accord and writes its ground truth.
 */
public final class SimulateCommand {
  private SimulateCommand() {}

  public static int run(Options options, PrintStream out) throws Exception {
    Scenario scenario = scenario(options);
    AccordConfig config = AccordConfig.load(options.configFile(), System.getenv());
    String target = options.get("target", "kafka");
    Path truthFile = Path.of(options.get("truth", scenario.name() + ".truth.jsonl"));
    String prefix = options.get("prefix", defaultPrefix(scenario));
    try (EventSink sink = sink(target, options, config)) {
      Simulator.Run run = new Simulator(scenario, prefix, out).run(sink);
      run.truth().write(truthFile);
      out.printf("sent %,d events of %,d transactions to %s in %.1f s (%,.0f events/s); ground truth in %s%n",
          run.events(), scenario.transactions(), target, run.elapsed().toMillis() / 1000.0, run.eventsPerSecond(), truthFile);
    }
    return 0;
  }

  public static Scenario scenario(Options options) throws java.io.IOException {
    Scenario scenario = Scenario.resolve(options.get("scenario", "simulators/seed.yaml"));
    if (options.integer("transactions") != null) {
      scenario = scenario.withTransactions(options.integer("transactions"));
    }
    if (options.integer("rate") != null) {
      scenario = scenario.withRate(options.integer("rate"));
    }
    if (options.longValue("seed") != null) {
      scenario = scenario.withSeed(options.longValue("seed"));
    }
    return scenario;
  }

  /** Distinct per scenario and seed, so runs can share one Accord without colliding. */
  public static String defaultPrefix(Scenario scenario) {
    return scenario.name().toUpperCase() + "-" + Long.toString(Math.abs(scenario.seed()), 36) + "-"
        + Long.toString(System.currentTimeMillis() / 1000 % 1_000_000, 36) + "-";
  }

  private static EventSink sink(String target, Options options, AccordConfig config) {
    return switch (target) {
      case "kafka" -> {
        String bootstrap = options.get("bootstrap", config.kafka().bootstrapServers());
        if (bootstrap.isBlank()) {
          throw new ConfigException("--bootstrap", "is required for --target kafka (or set kafka.bootstrapServers)");
        }
        yield new KafkaSink(bootstrap, config.kafka().topics(), config.kafka().properties());
      }
      case "http" -> {
        String api = options.get("api", "http://" + config.http().host() + ":" + config.http().port());
        yield new HttpSink(api, options.accessToken(api));
      }
      default -> throw new ConfigException("--target", "must be kafka or http, got '" + target + "'");
    };
  }
}
