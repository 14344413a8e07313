package com.accord.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.simulation.Defect;
import com.accord.simulation.GeneratedTransaction;
import com.accord.simulation.KafkaSink;
import com.accord.simulation.Scenario;
import com.accord.simulation.TrafficGenerator;
import com.accord.simulation.Verifier;
import com.accord.testing.AccordFixture;
import com.accord.testing.Infra;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Specifies at-least-once delivery made exactly-once by the idempotent write-ahead: whether
 * Accord stops cleanly or its JVM is killed while it consumes, the records of the batches it had
 * not committed are delivered again, and the results and raw_events come out exactly as if
 * nothing had happened.
 */
@ExtendWith(VertxExtension.class)
class KafkaRedeliveryTest {

  private static final String ID = KafkaSupport.uniqueId("redeliver");
  private static final int TRANSACTIONS = 1000;
  private static final Instant START = Instant.parse("2024-03-01T09:00:00Z");

  /** Small polls, so that a few thousand events take many batches and a stop lands in the middle of them. */
  private static final Map<String, String> OVERRIDES = Map.of(
      "ACCORD_KAFKA_POLL_RECORDS_MAX", "100",
      // a member that died is given up on after 6 s (the broker's minimum) rather than 45 s
      "ACCORD_KAFKA_PROPERTIES", "{session.timeout.ms: '6000', heartbeat.interval.ms: '1000'}");

  private static AccordFixture fixture;

  @BeforeAll
  static void start(Vertx vertx) {
    Map<String, String> environment = new HashMap<>(AccordFixture.kafkaEnvironment(ID));
    environment.putAll(OVERRIDES);
    fixture = AccordFixture.start(vertx, environment);
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private static List<GeneratedTransaction> traffic(String name, long seed, String prefix) {
    Scenario scenario = Scenario.of(name, seed, TRANSACTIONS, TrafficGenerator.seedMix());
    return new TrafficGenerator(scenario, START, prefix).generate(TRANSACTIONS);
  }

  private static void assertDuplicatesOnlyWhereInjected(String prefix, List<GeneratedTransaction> traffic) {
    long injected = traffic.stream().filter(t -> t.defect() == Defect.DUPLICATE || t.defect() == Defect.CONFLICT).count();
    assertThat(injected).as("DUPLICATE and CONFLICT defects injected").isPositive();
    assertThat(fixture.count("""
        SELECT count(*) FROM reconciliation_results WHERE starts_with(txn_id, $1) AND 'DUPLICATE' = ANY(discrepancy_types)""",
        prefix)).as("results with a DUPLICATE discrepancy").isEqualTo(injected);
  }

  @Test
  void stoppingAndRestartingWhileConsumingLosesAndDuplicatesNothing() throws Exception {
    String prefix = "STOP-";
    Instant startedAt = Instant.now();
    List<GeneratedTransaction> traffic = traffic("stop", 21, prefix);
    int distinct = KafkaSupport.distinctEvents(traffic).size();

    try (KafkaSink sink = KafkaSupport.sink(fixture)) {
      KafkaSupport.produce(sink, traffic, new Random(21));
    }
    KafkaSupport.await("Accord consuming the traffic", Duration.ofSeconds(30), () -> KafkaSupport.rawEventCount(fixture, prefix) > 0);
    fixture.stopAccord();
    long storedAtStop = KafkaSupport.rawEventCount(fixture, prefix);
    fixture.startAccord();

    assertThat(storedAtStop).as("events stored when Accord stopped (it must stop mid-stream)").isBetween(1L, distinct - 1L);
    Verifier.Report report = fixture.verifier().verify(KafkaSupport.truth("stop", 21, startedAt, traffic),
        Duration.ofMinutes(1));
    KafkaSupport.assertExact(report);
    KafkaSupport.assertOneRawRowPerDistinctEvent(fixture, prefix, traffic);
    assertDuplicatesOnlyWhereInjected(prefix, traffic);
  }

  @Test
  void killingTheConsumingJvmLosesAndDuplicatesNothing() throws Exception {
    String prefix = "CRASH-";
    Instant startedAt = Instant.now();
    List<GeneratedTransaction> traffic = traffic("crash", 37, prefix);
    int distinct = KafkaSupport.distinctEvents(traffic).size();
    Path log = Files.createTempFile("accord-crash-", ".log");

    fixture.stopAccord(); // the child is the only consumer of the group
    Process child = null;
    long storedAtCrash;
    try {
      child = startChildAccord(log);
      try (KafkaSink sink = KafkaSupport.sink(fixture)) {
        KafkaSupport.produce(sink, traffic, new Random(37));
      }
      Process running = child;
      KafkaSupport.await("the child Accord consuming the traffic", Duration.ofSeconds(60), () -> {
        if (!running.isAlive()) {
          throw new AssertionError("the child Accord exited with " + running.exitValue() + ":\n" + tail(log));
        }
        return KafkaSupport.rawEventCount(fixture, prefix) > 0;
      });
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child Accord killed").isTrue();
      storedAtCrash = KafkaSupport.rawEventCount(fixture, prefix);
    } finally {
      if (child != null && child.isAlive()) {
        child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
      fixture.startAccord();
    }

    assertThat(storedAtCrash).as("events stored when the child was killed (it must die mid-stream)\n%s", tail(log))
        .isBetween(1L, distinct - 1L);
    Verifier.Report report = fixture.verifier().verify(KafkaSupport.truth("crash", 37, startedAt, traffic),
        Duration.ofMinutes(1));
    KafkaSupport.assertExact(report);
    KafkaSupport.assertOneRawRowPerDistinctEvent(fixture, prefix, traffic);
    assertDuplicatesOnlyWhereInjected(prefix, traffic);
    Files.deleteIfExists(log);
  }

  /**
   * {@code java -cp <the test classpath> com.accord.Main serve}, configured by ACCORD_* variables
   * onto the fixture's database, Redis prefix, topics and consumer group.
   */
  private static Process startChildAccord(Path log) throws IOException {
    Map<String, String> environment = new HashMap<>(Infra.get().environment());
    environment.putAll(AccordFixture.kafkaEnvironment(ID));
    environment.putAll(OVERRIDES);
    environment.put("ACCORD_HTTP_PORT", "0");
    environment.put("ACCORD_METRICS_PORT", "0");
    environment.put("ACCORD_POSTGRES_DATABASE", fixture.config().postgres().database());
    environment.put("ACCORD_POSTGRES_CREATE_DATABASE", "false");
    environment.put("ACCORD_REDIS_KEY_PREFIX", fixture.config().redis().keyPrefix());
    environment.put("ACCORD_RULES_WINDOW", fixture.config().rules().window().toString());
    environment.put("ACCORD_CORRELATION_SWEEP_INTERVAL", fixture.config().correlation().sweepInterval().toString());
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "com.accord.Main", "serve"));
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().keySet().removeIf(name -> name.startsWith("ACCORD_"));
    builder.environment().putAll(environment);
    return builder.start();
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(child log unreadable: " + e.getMessage() + ")";
    }
  }
}
