package com.accord.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.simulation.GeneratedTransaction;
import com.accord.simulation.KafkaSink;
import com.accord.simulation.Scenario;
import com.accord.simulation.TrafficGenerator;
import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Specifies how the consumer reports a backlog: traffic produced while Accord is down is read
 * back as a lag, with the consumer draining, until it is all stored; then the lag is zero and the
 * consumer is live. The end offsets come from the broker over a client of their own, beside the
 * polls.
 */
@ExtendWith(VertxExtension.class)
class KafkaBacklogTest {

  private static final String ID = KafkaSupport.uniqueId("backlog");
  private static final int TRANSACTIONS = 3000;
  /** Small polls, so that the backlog takes many of them and several lag checks (one a second) see it. */
  private static final int POLL_RECORDS = 30;
  private static final Instant START = Instant.parse("2024-04-01T09:00:00Z");

  private static AccordFixture fixture;

  @BeforeAll
  static void start(Vertx vertx) {
    Map<String, String> environment = new HashMap<>(AccordFixture.kafkaEnvironment(ID));
    environment.put("ACCORD_KAFKA_POLL_RECORDS_MAX", Integer.toString(POLL_RECORDS));
    fixture = AccordFixture.start(vertx, environment);
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void aBacklogShowsAsLagWhileItDrainsAndAsNoneOnceRead() throws Exception {
    String prefix = "BACKLOG-";
    Scenario scenario = Scenario.of("backlog", 31, TRANSACTIONS, TrafficGenerator.seedMix());
    List<GeneratedTransaction> traffic = new TrafficGenerator(scenario, START, prefix).generate(TRANSACTIONS);
    int distinct = KafkaSupport.distinctEvents(traffic).size();

    fixture.stopAccord();
    try (KafkaSink sink = KafkaSupport.sink(fixture)) {
      KafkaSupport.produce(sink, traffic, new Random(31));
    }
    fixture.startAccord();

    double largestLag = 0;
    boolean sawDraining = false;
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (KafkaSupport.rawEventCount(fixture, prefix) < distinct) {
      assertThat(Instant.now()).as("the backlog stored within 2 minutes").isBefore(deadline);
      String metrics = fixture.scrapeMetrics();
      double lag = gauge(metrics, "accord_kafka_lag_records");
      if (!Double.isNaN(lag)) {
        largestLag = Math.max(largestLag, lag);
      }
      sawDraining |= gauge(metrics, "accord_kafka_draining") == 1;
      AccordFixture.sleep(100);
    }

    assertThat(largestLag).as("records behind the ends while the backlog drained").isGreaterThan(POLL_RECORDS);
    assertThat(sawDraining).as("the consumer reported draining a backlog").isTrue();
    KafkaSupport.await("the lag checked as none and the consumer live", Duration.ofSeconds(15), () -> {
      String metrics = fixture.scrapeMetrics();
      return gauge(metrics, "accord_kafka_lag_records") == 0 && gauge(metrics, "accord_kafka_draining") == 0;
    });
    KafkaSupport.assertOneRawRowPerDistinctEvent(fixture, prefix, traffic);
  }

  /** An untagged gauge's value in Prometheus text (NaN while Accord does not know it). */
  private static double gauge(String prometheusText, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*})? (\\S+)$").matcher(prometheusText);
    assertThat(m.find()).as("gauge %s in /metrics", name).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
