package com.accord.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.simulation.GeneratedTransaction;
import com.accord.simulation.HttpSink;
import com.accord.simulation.Scenario;
import com.accord.simulation.TrafficGenerator;
import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Batches that wait for correlation are correlated together: with one batch in flight and many
 * small requests at once, fewer Redis calls than batches, and every transaction still right.
 */
@ExtendWith(VertxExtension.class)
class CorrelationMergeTest {

  private static final int TRANSACTIONS = 300;

  private static AccordFixture fixture;

  @BeforeAll
  static void start(Vertx vertx) {
    // one batch in flight, so the others queue; no sweeps, so every Redis call is a batch's
    fixture = AccordFixture.start(vertx, Map.of(
        "ACCORD_CORRELATION_BATCHES_IN_FLIGHT_MAX", "1",
        "ACCORD_CORRELATION_SWEEP_INTERVAL", "PT1H"));
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void waitingBatchesShareOneCorrelationAndEveryTransactionIsRight() throws Exception {
    Scenario clean = Scenario.resolve("clean").withTransactions(TRANSACTIONS).withRate(0);
    List<GeneratedTransaction> traffic = new TrafficGenerator(clean, Instant.now(), "MRG-").generate(TRANSACTIONS);
    String before = fixture.scrapeMetrics();

    try (HttpSink sink = new HttpSink(fixture.baseUrl(), fixture.token("ingestor"), 16, Duration.ZERO)) {
      for (GeneratedTransaction t : traffic) {
        sink.send(t.events()); // a request per transaction
      }
    }

    String after = fixture.scrapeMetrics();
    double batches = stageCount(after, "correlation_queue") - stageCount(before, "correlation_queue");
    double redisCalls = stageCount(after, "redis") - stageCount(before, "redis");
    assertThat(batches).as("batches correlated").isEqualTo(TRANSACTIONS);
    assertThat(redisCalls).as("Redis calls for %s batches", batches).isPositive().isLessThan(batches);
    assertThat(fixture.count("SELECT count(*) FROM reconciliation_results WHERE txn_id LIKE 'MRG-%' AND status = 'MATCHED'"))
        .as("transactions matched").isEqualTo(TRANSACTIONS);
    assertThat(fixture.count("SELECT count(*) FROM raw_events WHERE txn_id LIKE 'MRG-%'"))
        .isEqualTo(traffic.stream().mapToLong(t -> t.events().size()).sum());
  }

  private static double stageCount(String text, String stage) {
    return AccordFixture.series(text, "accord_pipeline_stage_seconds_count", "stage=\"" + stage + "\"");
  }
}
