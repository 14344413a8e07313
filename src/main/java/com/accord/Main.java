package com.accord;

import com.accord.cli.Options;
import com.accord.cli.SimulateCommand;
import com.accord.cli.VerifyCommand;
import com.accord.config.AccordConfig;
import com.accord.config.ConfigException;
import com.accord.demo.Demo;
import com.accord.metrics.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point of the runnable jar: {@code java -jar accord.jar [COMMAND] [--option value
 * ...]}, the commands and their options in {@link #COMMANDS}; {@code COMMAND --help} prints them.
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private static final List<String> SCENARIO = List.of("scenario", "transactions", "rate", "seed");
  private static final List<String> SIGN_IN = List.of("api", "user", "password");

  /** Each command: the options it takes, what it does, and what runs it. */
  private static final Map<String, Command> COMMANDS = commands(
      new Command("serve", List.of("config"), "run Accord until stopped",
          (options, args) -> serve(AccordConfig.load(options.configFile(), System.getenv()))),
      new Command("demo", concat(SCENARIO, List.of("via", "keep-running", "config")),
          "start Accord, drive a scenario through it, verify the results (--via kafka|http)",
          (options, args) -> Demo.run(options)),
      new Command("simulate", concat(SCENARIO, SIGN_IN, List.of("target", "bootstrap", "truth", "prefix", "config")),
          "send a scenario's events to a running Accord (--target kafka|http) and write its ground truth",
          (options, args) -> SimulateCommand.run(options, System.out)),
      new Command("verify", concat(SIGN_IN, List.of("truth", "timeout")),
          "score a running Accord against a ground truth; exit 1 on any disagreement",
          (options, args) -> VerifyCommand.run(options, System.out)),
      new Command("bench", List.of("quick", "transactions", "http-transactions", "ceiling-events", "results-rows",
          "phases", "latency-rate", "latency-loads", "latency-phase", "api-rate", "api-phase", "api-warm-up", "docs", "config"),
          "measure Accord against this machine's ceilings and write docs/BENCHMARKS.md",
          (options, args) -> com.accord.bench.Bench.run(options, commandLine(args))));

  /** Runs a command; returns the process's exit code. */
  interface Handler {
    int run(Options options, String[] args) throws Exception;
  }

  record Command(String name, List<String> options, String summary, Handler handler) {
    String usage() {
      return "java -jar accord.jar " + name + " "
          + options.stream().map(option -> "[--" + option + "]").collect(Collectors.joining(" ")) + ": " + summary;
    }
  }

  private Main() {}

  public static void main(String[] args) throws Exception {
    List<String> arguments = new ArrayList<>(List.of(args));
    String command = arguments.isEmpty() || arguments.get(0).startsWith("--") ? "serve" : arguments.remove(0);
    if (!COMMANDS.containsKey(command)) {
      System.exit(usage("unknown command '" + command + "'"));
    }
    if (arguments.contains("--help")) {
      System.out.println(COMMANDS.get(command).usage()); // the answer to --help, not a log line
      System.exit(0);
    }
    int exit;
    try {
      Command chosen = COMMANDS.get(command);
      exit = chosen.handler().run(Options.parse(arguments, chosen.options()), args);
    } catch (ConfigException | IllegalArgumentException e) {
      log.atError().log("Accord cannot run: " + e.getMessage());
      exit = 2;
    } catch (Exception e) {
      // Vert.x and Kafka threads would keep the JVM alive after main returned: exit explicitly
      log.atError().setCause(e).log("Accord stopped on an error: " + e.getMessage());
      exit = 1;
    }
    System.exit(exit);
  }

  private static int serve(AccordConfig config) throws InterruptedException {
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    Vertx vertx = Metrics.vertx(registry, config.metrics().enabled());
    Accord accord = Accord.start(vertx, config, registry).await();
    accord.stopAtExit();
    log.atInfo().addKeyValue("port", accord.httpPort())
        .addKeyValue("metrics_port", accord.metricsPort().isPresent() ? accord.metricsPort().getAsInt() : null)
        .log("Accord is running");
    Thread.currentThread().join();
    return 0;
  }

  /** How this run was started, for the benchmark report's "reproduce with". */
  private static List<String> commandLine(String[] args) {
    List<String> line = new ArrayList<>(List.of("java", "-jar", "target/accord.jar"));
    line.addAll(List.of(args));
    return line;
  }

  private static int usage(String problem) {
    log.atError().log(problem + "; the commands are " + String.join(", ", COMMANDS.keySet())
        + " (java -jar accord.jar COMMAND --help)");
    return 2;
  }

  private static Map<String, Command> commands(Command... commands) {
    Map<String, Command> byName = new LinkedHashMap<>();
    for (Command command : commands) {
      byName.put(command.name(), command);
    }
    return byName;
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    return Stream.of(lists).flatMap(List::stream).toList();
  }
}
