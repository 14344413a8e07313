package com.accord.bench;

import com.accord.config.AccordConfig;
import com.accord.kafka.KafkaIngestionVerticle;
import com.accord.simulation.KafkaSink;
import com.accord.simulation.Scenario;
import com.accord.simulation.TrafficGenerator;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The Kafka floor under detection latency on this machine: the detection run's producer, rate,
 * partition count and Accord's own consumer settings, against topics of the benchmark's own that
 * a bare consumer reads. With {@link #POLL_ONLY} it does nothing else, and its latency — the due
 * time of a transaction's last first-per-source event to the poll that returns that record — is
 * what any consumer here waits before it can start work, so Accord's detection latency cannot be
 * below it. With a {@link BarePipeline} it also does the least work Accord's guarantees need.
 */
final class KafkaFloor {

  private static final String TOPIC_PREFIX = "accord_bench_floor_";

  record Report(LatencySummary latency, Optional<CpuProfile.Usage> cpu) {}

  /** What the bare consumer does with each poll's records, on its own thread. */
  interface Work {
    /** The probe, for the console and the report: what stands where Accord would. */
    String describe();

    /** Handles one poll's records (possibly none) and notes in {@code doneAt} the {@link System#nanoTime()} each is done. */
    void handle(List<ConsumerRecord<String, byte[]>> records, Map<String, Long> doneAt) throws Exception;

    /** The key {@code doneAt} holds for the measured record {@code topic/txnId}. */
    default String doneKey(String recordKey) {
      return recordKey;
    }
  }

  /** Nothing but the poll: a record is done when a poll returns it. */
  static final Work POLL_ONLY = new Work() {
    @Override
    public String describe() {
      return "the same producer → a bare consumer, no Accord";
    }

    @Override
    public void handle(List<ConsumerRecord<String, byte[]>> records, Map<String, Long> doneAt) {
      long now = System.nanoTime();
      for (ConsumerRecord<String, byte[]> record : records) {
        doneAt.putIfAbsent(record.topic() + "/" + record.key(), now);
      }
    }
  };

  private KafkaFloor() {}

  static Report measure(Scenario scenario, double eventsPerSecond, Duration phase, AccordConfig.Kafka kafka,
      Map<String, String> producerProperties, int expectedSources, Work work, PrintStream out) throws Exception {
    out.printf("== Kafka floor: %s, open loop at %,.0f events/s for %d s ==%n", work.describe(), eventsPerSecond,
        phase.toSeconds());
    Map<String, String> topics = new LinkedHashMap<>();
    kafka.topics().forEach((topic, source) -> topics.put(TOPIC_PREFIX + topic, source));
    Map<String, String> topicOfSource = new HashMap<>();
    topics.forEach((topic, source) -> topicOfSource.put(source, topic));
    Map<String, Object> admin = Map.of("bootstrap.servers", kafka.bootstrapServers());
    createTopics(admin, topics.keySet(), kafka.partitions());
    try {
      Map<String, Long> doneAt = new ConcurrentHashMap<>();
      Map<String, Long> dueOf = new ConcurrentHashMap<>();
      BareConsumer consumer = new BareConsumer(kafka, topics.keySet(), work, doneAt);
      Thread thread = new Thread(consumer, "bench-kafka-floor-consumer");
      thread.start();
      if (!consumer.ready.await(60, TimeUnit.SECONDS)) {
        consumer.stop = true;
        throw new IllegalStateException("the floor's consumer was not assigned its partitions within 60 s");
      }
      if (consumer.failure.get() != null) {
        throw new IllegalStateException("the floor's consumer failed", consumer.failure.get());
      }
      Bench.Window window = new Bench.Window(System.nanoTime(), phase);
      Optional<CpuProfile.Usage> cpu;
      try (KafkaSink sink = new KafkaSink(kafka.bootstrapServers(), topics, producerProperties);
          CpuProfile.Sampler sampler = new CpuProfile.Sampler()) {
        OpenLoop.run(new TrafficGenerator(scenario, Instant.now(), "floor-"), eventsPerSecond, window.start(), window.stopAt(), sink,
            OpenLoop.lastFirstPerSource(window, expectedSources, (source, txnId) -> topicOfSource.get(source) + "/" + txnId, dueOf));
        sink.flush();
        cpu = sampler.usage("Kafka floor: " + work.describe(), window.measuredFrom(), window.end(), eventsPerSecond);
      }
      Thread.sleep(2000); // the last records of the measured window are long done by now
      consumer.stop = true;
      thread.join(10_000);
      if (consumer.failure.get() != null) {
        throw new IllegalStateException("the floor's consumer failed", consumer.failure.get());
      }
      return new Report(Bench.summarise(dueOf, key -> doneAt.get(work.doneKey(key)), window), cpu);
    } finally {
      deleteTopics(admin, topics.keySet(), out);
    }
  }

  private static void createTopics(Map<String, Object> admin, Set<String> topics, int partitions) throws Exception {
    try (Admin client = Admin.create(admin)) {
      List<NewTopic> wanted = new ArrayList<>();
      topics.forEach(topic -> wanted.add(new NewTopic(topic, Optional.of(partitions), Optional.empty())));
      try {
        client.createTopics(wanted).all().get(30, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    }
  }

  private static void deleteTopics(Map<String, Object> admin, Set<String> topics, PrintStream out) {
    try (Admin client = Admin.create(admin)) {
      client.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      out.println("the floor's topics were not deleted: " + e.getMessage());
    }
  }

  /** Polls the floor's topics with Accord's consumer settings and hands each poll's records to its work. */
  private static final class BareConsumer implements Runnable {
    private final Map<String, String> properties;
    private final Set<String> topics;
    private final Work work;
    private final Map<String, Long> doneAt;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile boolean stop;

    BareConsumer(AccordConfig.Kafka kafka, Set<String> topics, Work work, Map<String, Long> doneAt) {
      this.properties = KafkaIngestionVerticle.consumerProperties(kafka, "accord-bench-floor");
      // a group of its own, reading only what is produced from now on
      this.properties.put("group.id", "accord-bench-floor-" + UUID.randomUUID());
      this.properties.put("auto.offset.reset", "latest");
      this.topics = topics;
      this.work = work;
      this.doneAt = doneAt;
    }

    @Override
    public void run() {
      Map<String, Object> config = new HashMap<>(properties);
      try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config)) {
        consumer.subscribe(topics);
        int partitions = -1;
        while (!stop) {
          List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
          consumer.poll(Duration.ofMillis(100)).forEach(records::add);
          work.handle(records, doneAt);
          if (ready.getCount() > 0) {
            Set<TopicPartition> assigned = consumer.assignment();
            if (partitions < 0) {
              partitions = topics.stream().mapToInt(t -> consumer.partitionsFor(t).size()).sum();
            }
            if (assigned.size() == partitions) {
              assigned.forEach(consumer::position); // positions fixed: nothing produced from now on is skipped
              ready.countDown();
            }
          }
        }
      } catch (Exception e) {
        failure.set(e);
        ready.countDown();
      }
    }
  }
}
