package com.accord.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.config.AccordConfig;
import com.accord.infra.RedisClients;
import com.accord.persistence.Database;
import com.accord.testing.Infra;
import io.vertx.core.Vertx;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's main command, {@code demo --keep-running}, asked to exit (SIGTERM, as from Ctrl-C or
 * an orchestrator) stops in order: Accord's verticles, the Kafka consumer among them, and then its
 * embedded broker. Run as a separate JVM, since only a real exit runs shutdown hooks.
 */
class ShutdownTest {

  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  @Test
  void sigtermStopsTheDemosAccordBeforeItsEmbeddedBroker() throws Exception {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    Map<String, String> env = new HashMap<>(Infra.get().environment());
    env.put("ACCORD_POSTGRES_DATABASE", "accord_test_" + id);
    env.put("ACCORD_REDIS_KEY_PREFIX", "accord-test-" + id + ":");
    env.put("ACCORD_HTTP_PORT", "0");
    env.put("ACCORD_METRICS_PORT", "0");
    env.put("ACCORD_KAFKA_ENABLED", "true");
    env.put("ACCORD_KAFKA_BOOTSTRAP_SERVERS", ""); // its own embedded broker
    env.put("ACCORD_SECURITY_BCRYPT_STRENGTH", "4");

    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "com.accord.Main", "demo", "--keep-running", "--transactions", "300")
        .redirectErrorStream(true);
    builder.environment().putAll(env);
    Process accord = builder.start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader out = new BufferedReader(new InputStreamReader(accord.getInputStream(), StandardCharsets.UTF_8))) {
      Instant deadline = Instant.now().plus(START_TIMEOUT);
      String line;
      while ((line = out.readLine()) != null && Instant.now().isBefore(deadline)) {
        lines.add(line);
        if (line.contains("Accord keeps running")) {
          break;
        }
      }
      assertThat(lines).as("Accord's output until it runs").anyMatch(l -> l.contains("Accord keeps running"));

      accord.toHandle().destroy(); // SIGTERM; Process.destroy() would also close the output being read
      while ((line = out.readLine()) != null) {
        lines.add(line);
      }
      assertThat(accord.waitFor(90, TimeUnit.SECONDS)).as("exited").isTrue();
    } finally {
      if (accord.isAlive()) { // a failure above: still let its hooks stop the broker, which a kill would orphan
        accord.toHandle().destroy();
        if (!accord.waitFor(90, TimeUnit.SECONDS)) {
          accord.destroyForcibly();
        }
      }
      AccordConfig config = AccordConfig.load(null, env);
      Database.drop(config.postgres());
      Vertx vertx = Vertx.vertx();
      try {
        RedisClients.clearPrefix(vertx, config.redis()).await();
      } finally {
        vertx.close().await();
      }
    }

    int stopping = indexOf(lines, "Accord stopping");
    int consumerStarted = indexOf(lines, "consuming source topics");
    int brokerStopped = indexOf(lines, "embedded Kafka broker stopped");
    int stopped = indexOf(lines, "Accord stopped");
    assertThat(stopping).as("'stopping' in %s", lines).isNotNegative();
    assertThat(brokerStopped).as("broker stopped after Accord began stopping").isGreaterThan(stopping);
    assertThat(stopped).as("Accord stopped after its broker").isGreaterThan(brokerStopped);
    assertThat(consumerStarted).as("the Kafka consumer started").isNotNegative();
    assertThat(lines.subList(stopping, lines.size())).as("after the stop began")
        .noneMatch(l -> l.contains("could not be established") || l.contains(" ERROR "));
  }

  private static int indexOf(List<String> lines, String text) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }
}
