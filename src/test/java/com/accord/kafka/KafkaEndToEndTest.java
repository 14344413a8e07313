package com.accord.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.domain.ResultStatus;
import com.accord.simulation.Defect;
import com.accord.simulation.GeneratedTransaction;
import com.accord.simulation.GroundTruth;
import com.accord.simulation.KafkaSink;
import com.accord.simulation.Scenario;
import com.accord.simulation.Simulator;
import com.accord.simulation.TrafficGenerator;
import com.accord.simulation.Verifier;
import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Specifies the whole Kafka path end to end: the chaos scenario — every defect type, heavy
 * reordering, late arrivals — produced as Avro records to the source topics, reconciled exactly
 * as injected.
 */
@ExtendWith(VertxExtension.class)
class KafkaEndToEndTest {

  private static final String ID = KafkaSupport.uniqueId("e2e");
  private static final int TRANSACTIONS = 600;

  private static AccordFixture fixture;

  @BeforeAll
  static void start(Vertx vertx) {
    fixture = AccordFixture.start(vertx, AccordFixture.kafkaEnvironment(ID));
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void theChaosScenarioThroughKafkaIsReconciledExactlyAsInjected() throws Exception {
    Scenario chaos = Scenario.resolve("chaos").withTransactions(TRANSACTIONS).withRate(0);
    String prefix = "E2E-";
    Simulator.Run run;
    try (KafkaSink sink = KafkaSupport.sink(fixture)) {
      run = new Simulator(chaos, prefix, null).run(sink);
    }
    GroundTruth truth = run.truth();

    assertThat(truth.transactions()).hasSize(TRANSACTIONS);
    assertThat(Verifier.defectCounts(truth).keySet()).as("defects injected").isEqualTo(EnumSet.allOf(Defect.class));

    Verifier.Report report = fixture.verifier().verify(truth, Duration.ofMinutes(1));

    KafkaSupport.assertExact(report);
    assertThat(report.found().values()).extracting(Verifier.Found::status).as("statuses found")
        .contains(ResultStatus.MATCHED, ResultStatus.MISMATCHED, ResultStatus.MISSING);

    // the generator is deterministic for a scenario and start: the very events the simulator sent
    List<GeneratedTransaction> sent = new TrafficGenerator(chaos, truth.startedAt(), prefix).generate(TRANSACTIONS);
    assertThat(sent.stream().map(GeneratedTransaction::txnId).toList())
        .isEqualTo(truth.transactions().stream().map(GroundTruth.Expected::txnId).toList());
    KafkaSupport.assertOneRawRowPerDistinctEvent(fixture, prefix, sent);
    assertThat(fixture.count("SELECT count(*) FROM raw_events WHERE via <> 'KAFKA'")).as("events not taken from Kafka").isZero();
    assertThat(fixture.count("SELECT count(*) FROM rejected_events")).as("generated events rejected").isZero();
  }
}
