package com.accord.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.simulation.GeneratedTransaction;
import com.accord.simulation.KafkaSink;
import com.accord.simulation.Scenario;
import com.accord.simulation.TrafficGenerator;
import com.accord.simulation.Verifier;
import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Specifies scaling out on Kafka's consumer groups: two Accords in one group, on one database,
 * Redis prefix and set of topics, split the partitions between them — and the results are exactly
 * those one Accord would reach, every event stored once.
 */
@ExtendWith(VertxExtension.class)
class ConsumerGroupTest {

  private static final String ID = KafkaSupport.uniqueId("group");
  private static final String GROUP = "accord-" + ID;
  private static final int TRANSACTIONS = 1000;
  private static final int PARTITIONS = 3 * 3;

  private static AccordFixture fixture;
  private static KafkaSupport.OtherAccord second;
  private static Admin admin;

  @BeforeAll
  static void start(Vertx vertx) {
    fixture = AccordFixture.start(vertx, AccordFixture.kafkaEnvironment(ID));
    second = KafkaSupport.OtherAccord.start(fixture.config());
    admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.config().kafka().bootstrapServers()));
  }

  @AfterAll
  static void stop() {
    try {
      if (admin != null) {
        admin.close();
      }
      if (second != null) {
        second.close();
      }
    } finally {
      if (fixture != null) {
        fixture.close();
      }
    }
  }

  private static ConsumerGroupDescription group() {
    try {
      return admin.describeConsumerGroups(List.of(GROUP)).all().get(10, TimeUnit.SECONDS).get(GROUP);
    } catch (Exception e) {
      throw new IllegalStateException("describing consumer group " + GROUP + " failed: " + e.getMessage(), e);
    }
  }

  /** Partitions by the consumer id of the member they are assigned to. */
  private static Map<String, Set<TopicPartition>> assignment(ConsumerGroupDescription group) {
    return group.members().stream().collect(Collectors.toMap(MemberDescription::consumerId,
        member -> member.assignment().topicPartitions(), (a, b) -> a, TreeMap::new));
  }

  private static boolean splitBetweenTwo(ConsumerGroupDescription group) {
    return group.groupState() == GroupState.STABLE && group.members().size() == 2
        && group.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
  }

  @Test
  void twoAccordsInOneGroupSplitThePartitionsAndTogetherReconcileExactly() throws Exception {
    KafkaSupport.await("both Accords sharing the partitions of group " + GROUP, Duration.ofSeconds(30),
        () -> splitBetweenTwo(group()));
    Map<String, Set<TopicPartition>> before = assignment(group());
    Set<TopicPartition> all = new HashSet<>();
    before.values().forEach(all::addAll);
    assertThat(all).as("partitions assigned").hasSize(PARTITIONS);
    assertThat(before.values().stream().mapToInt(Set::size).sum()).as("partitions assigned twice").isEqualTo(PARTITIONS);
    assertThat(group().members()).extracting(MemberDescription::clientId).doesNotHaveDuplicates();

    String prefix = "GROUP-";
    Instant startedAt = Instant.now();
    Scenario scenario = Scenario.of("group", 53, TRANSACTIONS, TrafficGenerator.seedMix());
    List<GeneratedTransaction> traffic = new TrafficGenerator(scenario, Instant.parse("2024-03-01T09:00:00Z"), prefix)
        .generate(TRANSACTIONS);
    try (KafkaSink sink = KafkaSupport.sink(fixture)) {
      KafkaSupport.produce(sink, traffic, new Random(53));
    }

    Verifier.Report report = fixture.verifier().verify(KafkaSupport.truth("group", 53, startedAt, traffic),
        Duration.ofMinutes(1));
    KafkaSupport.assertExact(report);
    KafkaSupport.assertOneRawRowPerDistinctEvent(fixture, prefix, traffic);

    // each member consumed and committed the partitions it held all along, and each held some with records
    ConsumerGroupDescription after = group();
    assertThat(assignment(after)).as("assignment after the traffic (no member left or joined)").isEqualTo(before);
    Map<TopicPartition, Long> ends = admin.listOffsets(all.stream().collect(Collectors.toMap(Function.identity(),
        p -> OffsetSpec.latest()))).all().get(10, TimeUnit.SECONDS).entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    KafkaSupport.await("every partition's offset committed up to its end", Duration.ofSeconds(20),
        () -> {
          Map<TopicPartition, Long> committed = committed();
          return all.stream().allMatch(p -> ends.get(p) == 0
              ? committed.getOrDefault(p, 0L) == 0 : ends.get(p).equals(committed.get(p)));
        });
    before.forEach((member, partitions) -> assertThat(partitions.stream().mapToLong(ends::get).sum())
        .as("records on the partitions of member %s", member).isPositive());
  }

  private static Map<TopicPartition, Long> committed() {
    try {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata()
          .get(10, TimeUnit.SECONDS);
      Map<TopicPartition, Long> committed = new HashMap<>();
      offsets.forEach((partition, offset) -> committed.put(partition, offset == null ? null : offset.offset()));
      return committed;
    } catch (Exception e) {
      throw new IllegalStateException("reading the offsets of " + GROUP + " failed: " + e.getMessage(), e);
    }
  }
}
