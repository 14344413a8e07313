package com.accord.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.domain.TransactionEvent;
import com.accord.simulation.Defect;
import com.accord.simulation.GeneratedTransaction;
import com.accord.simulation.TrafficGenerator;
import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Specifies, as a property, that the same set of events gives the same final results whatever
 * their arrival order and batching, and that those results are the injected ground truth.
 * Reproduce a failure with {@code -Daccord.it.seed=<seed printed in the message>}.
 */
@ExtendWith(VertxExtension.class)
class DeterminismPropertyTest {

  private static final long TRAFFIC_SEED = 20240301L;
  private static final int TRANSACTIONS = 150;
  private static final int ROUNDS = 3;
  private static final int MAX_BATCH = 60;

  private static AccordFixture fixture;

  @BeforeAll
  static void start(Vertx vertx) {
    fixture = AccordFixture.start(vertx);
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void theSameEventsGiveTheSameResultsWhateverTheirOrderAndBatching() {
    long seed = Long.getLong("accord.it.seed", new Random().nextLong());
    String context = "seed " + seed;
    List<GeneratedTransaction> traffic = Traffic.generate(TRAFFIC_SEED, TRANSACTIONS);
    Set<Defect> injectable = EnumSet.of(Defect.NONE);
    injectable.addAll(TrafficGenerator.seedMix().keySet());
    assertThat(traffic.stream().map(GeneratedTransaction::defect).collect(Collectors.toSet()))
        .as("the generated traffic exercises every defect of the mix").isEqualTo(injectable);

    List<List<GeneratedTransaction>> rounds = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      Random random = new Random(seed + round);
      List<GeneratedTransaction> copy = Traffic.renamed(traffic, "R" + round + "-");
      List<TransactionEvent> first = Traffic.shuffledFirstEvents(copy, random);
      Traffic.deliver(fixture, first, random, MAX_BATCH, context + ", round " + round);
      Traffic.deliver(fixture, Traffic.shuffledLateEvents(copy, random), random, MAX_BATCH, context + ", round " + round + " late");
      rounds.add(copy);
    }

    List<String> allIds = rounds.stream().flatMap(List::stream).map(GeneratedTransaction::txnId).toList();
    Map<String, JsonObject> results = Traffic.awaitSettled(fixture, allIds, Duration.ofSeconds(60), context);

    for (int round = 0; round < ROUNDS; round++) {
      List<GeneratedTransaction> copy = rounds.get(round);
      assertThat(Traffic.disagreementsWithGroundTruth(copy, results))
          .as("%s, round %d: results that differ from the injected defects", context, round).isEmpty();
      if (round > 0) {
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < TRANSACTIONS; i++) {
          String reference = Traffic.comparableVerdict(results.get(rounds.get(0).get(i).txnId()));
          String actual = Traffic.comparableVerdict(results.get(copy.get(i).txnId()));
          if (!reference.equals(actual)) {
            differences.add("transaction " + i + " (" + traffic.get(i).defect() + "): round 0 " + reference
                + " but round " + round + " " + actual);
          }
        }
        assertThat(differences).as("%s: round %d against round 0", context, round).isEmpty();
      }
    }
    assertThat(results.values().stream().map(r -> r.getString("status")).collect(Collectors.toSet()))
        .as("%s: statuses reached", context).contains("MATCHED", "MISMATCHED", "MISSING");
  }
}
