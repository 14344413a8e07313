package com.accord;

import com.accord.config.AccordConfig;
import com.accord.config.ConfigException;
import com.accord.demo.Demo;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one entry point of the runnable jar.
 *
 * <pre>
 *   java -jar accord.jar [serve] [--config FILE]       run Accord until stopped
 *   java -jar accord.jar demo [--transactions N] [--keep-running] [--config FILE]
 * </pre>
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) throws Exception {
    List<String> arguments = new ArrayList<>(List.of(args));
    String command = arguments.isEmpty() || arguments.get(0).startsWith("--") ? "serve" : arguments.remove(0);
    Map<String, String> options = options(arguments);
    Path configFile = options.containsKey("config") ? Path.of(options.get("config"))
        : System.getenv("ACCORD_CONFIG") != null ? Path.of(System.getenv("ACCORD_CONFIG")) : null;
    int exit;
    try {
      exit = switch (command) {
        case "serve" -> serve(AccordConfig.load(configFile, System.getenv()));
        case "demo" -> Demo.run(configFile, options);
        default -> usage("unknown command '" + command + "'");
      };
    } catch (ConfigException e) {
      log.atError().log("Accord cannot start: " + e.getMessage());
      exit = 2;
    }
    System.exit(exit);
  }

  private static int serve(AccordConfig config) throws InterruptedException {
    Vertx vertx = Vertx.vertx();
    Accord accord = Accord.start(vertx, config).await();
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
    log.atInfo().addKeyValue("port", accord.httpPort()).log("Accord is running");
    Thread.currentThread().join();
    return 0;
  }

  static Map<String, String> options(List<String> arguments) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < arguments.size(); i++) {
      String arg = arguments.get(i);
      if (!arg.startsWith("--")) {
        throw new ConfigException("arguments", "unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      boolean hasValue = i + 1 < arguments.size() && !arguments.get(i + 1).startsWith("--");
      options.put(name, hasValue ? arguments.get(++i) : "true");
    }
    return options;
  }

  private static int usage(String problem) {
    log.atError().log(problem + "; usage: java -jar accord.jar [serve|demo] [--config FILE] "
        + "[--transactions N] [--keep-running]");
    return 2;
  }
}
