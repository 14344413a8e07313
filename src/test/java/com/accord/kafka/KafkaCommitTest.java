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
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Specifies how the offsets of stored batches are committed: together, at most once per
 * {@code kafka.commitInterval} (the client commits on the consumer's one thread, between polls),
 * the last of them without waiting for another batch, and everything stored when Accord stops.
 */
@ExtendWith(VertxExtension.class)
class KafkaCommitTest {

  private static final String ID = KafkaSupport.uniqueId("commit");
  private static final int TRANSACTIONS = 2000;
  /** Small polls, so that the traffic takes hundreds of batches. */
  private static final int POLL_RECORDS = 30;
  private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(5);
  private static final Instant START = Instant.parse("2024-05-01T09:00:00Z");

  private static AccordFixture fixture;
  private static Admin admin;

  @BeforeAll
  static void start(Vertx vertx) {
    Map<String, String> environment = new HashMap<>(AccordFixture.kafkaEnvironment(ID));
    environment.put("ACCORD_KAFKA_POLL_RECORDS_MAX", Integer.toString(POLL_RECORDS));
    environment.put("ACCORD_KAFKA_COMMIT_INTERVAL", COMMIT_INTERVAL.toString());
    fixture = AccordFixture.start(vertx, environment);
    admin = Admin.create(Map.of("bootstrap.servers", fixture.config().kafka().bootstrapServers()));
  }

  @AfterAll
  static void stop() {
    if (admin != null) {
      admin.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void storedBatchesAreCommittedTogetherTheLastWithoutAnotherBatchAndAllOnStop() throws Exception {
    Instant accordStarted = Instant.now();
    List<GeneratedTransaction> traffic = traffic("commit", 41, "COMMIT-", TRANSACTIONS);
    produceAndAwaitStored(traffic, "COMMIT-", 41);

    long batches = stageCount("write_ahead");
    long commits = stageCount("kafka_commit");
    long intervalsSinceStart = Duration.between(accordStarted, Instant.now()).toMillis() / COMMIT_INTERVAL.toMillis();
    assertThat(batches).as("batches of at most %d records", POLL_RECORDS)
        .isGreaterThanOrEqualTo(KafkaSupport.distinctEvents(traffic).size() / POLL_RECORDS);
    assertThat(commits).as("commits of %d batches: at most one per %s since the start", batches, COMMIT_INTERVAL)
        .isLessThanOrEqualTo(intervalsSinceStart + 1);

    // no batch follows the last: its offsets are committed when the interval has passed
    KafkaSupport.await("every stored offset committed", COMMIT_INTERVAL.multipliedBy(3), this::everythingCommitted);

    // a burst stored within the interval after that commit is held back; stopping commits it at once
    List<GeneratedTransaction> burst = traffic("burst", 43, "COMMIT-BURST-", 50);
    Instant burstStarted = Instant.now();
    produceAndAwaitStored(burst, "COMMIT-BURST-", 43);
    fixture.stopAccord();
    Duration burstToStopped = Duration.between(burstStarted, Instant.now());
    try {
      assertThat(everythingCommitted()).as("every stored offset committed by the stop, %s after the burst", burstToStopped)
          .isTrue();
    } finally {
      fixture.startAccord();
    }
  }

  private static List<GeneratedTransaction> traffic(String name, long seed, String prefix, int transactions) {
    Scenario scenario = Scenario.of(name, seed, transactions, TrafficGenerator.seedMix());
    return new TrafficGenerator(scenario, START, prefix).generate(transactions);
  }

  private static void produceAndAwaitStored(List<GeneratedTransaction> traffic, String prefix, long seed) throws Exception {
    int distinct = KafkaSupport.distinctEvents(traffic).size();
    try (KafkaSink sink = KafkaSupport.sink(fixture)) {
      KafkaSupport.produce(sink, traffic, new Random(seed));
    }
    KafkaSupport.await(prefix + " traffic stored", Duration.ofMinutes(2),
        () -> KafkaSupport.rawEventCount(fixture, prefix) == distinct);
  }

  /** The group's committed offset of every partition of the source topics is that partition's end. */
  private boolean everythingCommitted() {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(fixture.config().kafka().groupId())
          .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin.describeTopics(fixture.config().kafka().topics().keySet()).allTopicNames().get(30, TimeUnit.SECONDS)
          .forEach((topic, description) -> description.partitions()
              .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
      Map<TopicPartition, Long> ends = new HashMap<>();
      admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((partition, info) -> ends.put(partition, info.offset()));
      return ends.entrySet().stream().allMatch(end -> end.getValue() == 0
          || committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() == end.getValue());
    } catch (Exception e) {
      throw new AssertionError("offsets not read from the broker", e);
    }
  }

  /** How many times a stage's timer has recorded since Accord started. */
  private static long stageCount(String stage) {
    Matcher m = Pattern.compile("(?m)^accord_pipeline_stage_seconds_count\\{[^}]*stage=\"" + Pattern.quote(stage) + "\"[^}]*} (\\S+)$")
        .matcher(fixture.scrapeMetrics());
    assertThat(m.find()).as("stage %s in /metrics", stage).isTrue();
    return (long) Double.parseDouble(m.group(1));
  }
}
