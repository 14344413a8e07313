package com.accord.simulation;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.domain.TransactionEvent;
import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The HTTP simulator sink against a real Accord: every defect of the chaos scenario — re-sends and
 * conflicting copies among them, which must follow their original's answer — arrives and is
 * reconciled as injected, whether each call is posted at once or lingers to share a request.
 */
@ExtendWith(VertxExtension.class)
class HttpSinkTest {

  private static final int TRANSACTIONS = 300;

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
  void postsEveryEventOfTheChaosScenarioAsInjected() throws Exception {
    Verifier.Report report = runChaos("HS0-", new HttpSink(fixture.baseUrl(), fixture.token("ingestor")));

    assertExact(report);
  }

  @Test
  void withALingerAndEightRequestsInFlightReSendsStillFollowTheirOriginals() throws Exception {
    Verifier.Report report = runChaos("HSL-", new HttpSink(fixture.baseUrl(), fixture.token("ingestor"), 8, Duration.ofMillis(2)));

    assertExact(report);
  }

  @Test
  void eventsWaitForTheLingerThenShareOneRequest() throws Exception {
    Scenario clean = Scenario.resolve("clean").withTransactions(100).withRate(0);
    List<GeneratedTransaction> traffic = new TrafficGenerator(clean, Instant.now(), "HSW-").generate(100);
    long requestsBefore = ingestRequests();
    long events;
    try (HttpSink sink = new HttpSink(fixture.baseUrl(), fixture.token("ingestor"), 2, Duration.ofHours(1))) {
      for (GeneratedTransaction t : traffic) {
        for (TransactionEvent event : t.events()) {
          sink.send(List.of(event));
        }
      }
      events = traffic.stream().mapToLong(t -> t.events().size()).sum();
      AccordFixture.sleep(500);
      assertThat(fixture.count("SELECT count(*) FROM raw_events WHERE txn_id LIKE 'HSW-%'")).as("stored while lingering").isZero();

      sink.flush();
    }

    assertThat(fixture.count("SELECT count(*) FROM raw_events WHERE txn_id LIKE 'HSW-%'")).as("stored after the flush")
        .isEqualTo(events);
    AccordFixture.sleep(500); // the audit trail is written every few milliseconds
    assertThat(ingestRequests() - requestsBefore).as("requests for %d events", events).isEqualTo(1);
  }

  private static Verifier.Report runChaos(String prefix, HttpSink sink) throws Exception {
    Scenario chaos = Scenario.resolve("chaos").withTransactions(TRANSACTIONS).withRate(0);
    Simulator.Run run;
    try (sink) {
      run = new Simulator(chaos, prefix, null).run(sink);
    }
    assertThat(Verifier.defectCounts(run.truth()).keySet()).as("defects injected").isEqualTo(EnumSet.allOf(Defect.class));
    return fixture.verifier().verify(run.truth(), Duration.ofMinutes(1));
  }

  private static void assertExact(Verifier.Report report) {
    assertThat(report.settled()).as("every transaction settled").isTrue();
    assertThat(report.disagreements()).as("transactions disagreeing with the ground truth").isZero();
    assertThat(report.passed()).as("verification passed").isTrue();
  }

  private static long ingestRequests() {
    return fixture.count("SELECT count(*) FROM audit_logs WHERE action = 'api.ingestEvents'");
  }
}
