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
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point of the runnable jar.
 *
 * <pre>
 *   java -jar accord.jar [serve] [--config FILE]          run Accord until stopped
 *   java -jar accord.jar demo [--scenario S] [--via kafka|http] [--transactions N] [--keep-running]
 *   java -jar accord.jar simulate --scenario S [--target kafka|http] [--bootstrap H:P] [--api URL] [--truth FILE]
 *   java -jar accord.jar verify --truth FILE [--api URL] [--timeout PT2M]
 *   java -jar accord.jar bench [--quick] [--transactions N] [--http-transactions N] [--results-rows N] [--docs DIR]
 * </pre>
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    List<String> arguments = new ArrayList<>(List.of(args));
    String command = arguments.isEmpty() || arguments.get(0).startsWith("--") ? "serve" : arguments.remove(0);
    int exit;
    try {
      Options options = Options.parse(arguments);
      exit = switch (command) {
        case "serve" -> serve(AccordConfig.load(options.configFile(), System.getenv()));
        case "demo" -> Demo.run(options);
        case "simulate" -> SimulateCommand.run(options, System.out);
        case "verify" -> VerifyCommand.run(options, System.out);
        case "bench" -> com.accord.bench.Bench.run(options, commandLine(args));
        default -> usage("unknown command '" + command + "'");
      };
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
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.atInfo().log("stopping");
      accord.stop().eventually(vertx::close).onComplete(done -> stopped.countDown());
      try {
        stopped.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "accord-shutdown"));
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
    log.atError().log(problem + "; usage: java -jar accord.jar [serve|demo|simulate|verify|bench] [--config FILE] ...");
    return 2;
  }
}
