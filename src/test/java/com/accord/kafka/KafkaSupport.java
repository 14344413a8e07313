package com.accord.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.Accord;
import com.accord.config.AccordConfig;
import com.accord.domain.DiscrepancyType;
import com.accord.domain.ResultStatus;
import com.accord.domain.TransactionEvent;
import com.accord.simulation.GeneratedTransaction;
import com.accord.simulation.GroundTruth;
import com.accord.simulation.KafkaSink;
import com.accord.simulation.Verifier;
import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/** Helpers shared by the Kafka specs: unique names, producing generated traffic, checking it against its ground truth. */
final class KafkaSupport {

  private KafkaSupport() {}

  /** {@code <name>_<random>}: topics and consumer groups no other class or run of the shared broker uses. */
  static String uniqueId(String name) {
    return name + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
  }

  /**
   * A sink producing to the fixture's topics. One request in flight: the topics were created
   * moments ago, and a broker that has not yet applied a new partition answers the first request
   * NOT_LEADER_OR_FOLLOWER while accepting the next, after which the first is refused as out of
   * sequence until it expires (KAFKA-15591, KAFKA-14312, KAFKA-19880; fixed after Kafka 4.1).
   */
  static KafkaSink sink(AccordFixture fixture) {
    AccordConfig.Kafka kafka = fixture.config().kafka();
    return new KafkaSink(kafka.bootstrapServers(), kafka.topics(), Map.of("max.in.flight.requests.per.connection", "1"));
  }

  /**
   * Produces the traffic to the fixture's topics: every first delivery in a random order, then
   * conflicting re-sends and held-back events (each after its original, as on its partition).
   */
  static int produce(KafkaSink sink, List<GeneratedTransaction> traffic, Random random) throws Exception {
    List<TransactionEvent> first = new ArrayList<>();
    List<TransactionEvent> after = new ArrayList<>();
    traffic.forEach(t -> {
      first.addAll(t.events());
      after.addAll(t.lateEvents());
      after.addAll(t.heldBack());
    });
    Collections.shuffle(first, random);
    Collections.shuffle(after, random);
    sink.send(first);
    sink.send(after);
    sink.flush();
    return first.size() + after.size();
  }

  static GroundTruth truth(String name, long seed, Instant startedAt, List<GeneratedTransaction> traffic) {
    return new GroundTruth(name, seed, startedAt, traffic.stream().map(GroundTruth::of).toList());
  }

  /** Every distinct event identity of the traffic, as {@code source/event_id}. */
  static Set<String> distinctEvents(List<GeneratedTransaction> traffic) {
    Set<String> identities = new TreeSet<>();
    traffic.forEach(t -> {
      t.events().forEach(e -> identities.add(e.source() + "/" + e.eventId()));
      t.lateEvents().forEach(e -> identities.add(e.source() + "/" + e.eventId()));
      t.heldBack().forEach(e -> identities.add(e.source() + "/" + e.eventId()));
    });
    return identities;
  }

  /** The raw_events rows of transactions whose id starts with {@code txnPrefix}, as {@code source/event_id}, one per row. */
  static List<String> rawEvents(AccordFixture fixture, String txnPrefix) {
    return fixture.sql("SELECT source || '/' || event_id AS identity FROM raw_events WHERE starts_with(txn_id, $1) ORDER BY 1",
        txnPrefix).stream().map(row -> row.getString("identity")).toList();
  }

  static long rawEventCount(AccordFixture fixture, String txnPrefix) {
    return fixture.count("SELECT count(*) FROM raw_events WHERE starts_with(txn_id, $1)", txnPrefix);
  }

  /** Exactly one raw_events row per distinct event sent: none lost, none stored twice. */
  static void assertOneRawRowPerDistinctEvent(AccordFixture fixture, String txnPrefix, List<GeneratedTransaction> traffic) {
    List<String> rows = rawEvents(fixture, txnPrefix);
    assertThat(rows).as("raw_events rows of %s*", txnPrefix).doesNotHaveDuplicates();
    assertThat(new TreeSet<>(rows)).as("raw_events rows of %s*", txnPrefix).isEqualTo(distinctEvents(traffic));
  }

  /** The report agrees with its truth on every transaction, with 100 % precision and recall on every label. */
  static void assertExact(Verifier.Report report) {
    String printed = print(report);
    assertThat(report.settled()).as("every transaction settled%s", printed).isTrue();
    assertThat(report.disagreements()).as("transactions disagreeing with the ground truth%s", printed).isZero();
    assertThat(report.passed()).as("verification passed%s", printed).isTrue();
    for (ResultStatus status : List.of(ResultStatus.MATCHED, ResultStatus.MISMATCHED, ResultStatus.MISSING)) {
      assertPerfect(report, status.name(), e -> e.status() == status, f -> f != null && f.status() == status, printed);
    }
    for (DiscrepancyType type : DiscrepancyType.values()) {
      assertPerfect(report, type.name(), e -> e.types().contains(type), f -> f != null && f.types().contains(type), printed);
    }
  }

  /** No false positive and no false negative for one label (precision and recall both 100 %, or the label absent on both sides). */
  private static void assertPerfect(Verifier.Report report, String label, Predicate<GroundTruth.Expected> expected,
      Predicate<Verifier.Found> found, String printed) {
    List<String> falsePositives = new ArrayList<>();
    List<String> falseNegatives = new ArrayList<>();
    for (GroundTruth.Expected e : report.truth().transactions()) {
      boolean isExpected = expected.test(e);
      boolean isFound = found.test(report.found().get(e.txnId()));
      if (isFound && !isExpected) {
        falsePositives.add(e.txnId() + " (" + e.defect() + ")");
      } else if (isExpected && !isFound) {
        falseNegatives.add(e.txnId() + " (" + e.defect() + ")");
      }
    }
    assertThat(falsePositives).as("false positives of %s%s", label, printed).isEmpty();
    assertThat(falseNegatives).as("false negatives of %s%s", label, printed).isEmpty();
  }

  static String print(Verifier.Report report) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    report.print(new PrintStream(out, true, StandardCharsets.UTF_8));
    return "\n" + out.toString(StandardCharsets.UTF_8);
  }

  /** Polls until {@code condition} holds; fails naming {@code what} after {@code timeout}. */
  static void await(String what, Duration timeout, BooleanSupplier condition) {
    Instant deadline = Instant.now().plus(timeout);
    while (!condition.getAsBoolean()) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError(what + " did not happen within " + timeout);
      }
      AccordFixture.sleep(20);
    }
  }

  /**
   * A further Accord with the fixture's very configuration (database, Redis prefix, topics,
   * consumer group) on a Vert.x of its own: two Accords on one Vert.x would share an event bus.
   */
  record OtherAccord(Vertx vertx, Accord accord) implements AutoCloseable {

    static OtherAccord start(AccordConfig config) {
      Vertx vertx = Vertx.vertx();
      try {
        return new OtherAccord(vertx, Accord.start(vertx, config).await());
      } catch (RuntimeException e) {
        vertx.close().await();
        throw e;
      }
    }

    @Override
    public void close() {
      try {
        accord.stop().await();
      } finally {
        vertx.close().await();
      }
    }
  }
}
