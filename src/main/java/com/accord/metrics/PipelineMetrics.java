package com.accord.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where an event's time goes on its way to a result: one timer per stage of a batch, the age of a
 * Kafka record when it is polled, and the detection latency of each event (received by Accord →
 * its transaction's result stored). Every timer publishes a histogram, so percentiles can be taken
 * across instances by Prometheus and over any window by the benchmark.
 */
public final class PipelineMetrics {

  /** A batch's time in one stage, by {@code stage}. */
  public static final String STAGE = "accord.pipeline.stage";
  /** Each Kafka record: its producer's timestamp → the poll that returned it (the producer's clock against ours). */
  public static final String KAFKA_RECORD_AGE = "accord.kafka.record.age";
  /** Each event: received by Accord (polled, or its HTTP request read) → its transaction's result stored. */
  public static final String DETECTION = "accord.detection";
  /** Gauge: records the Kafka consumer is behind its partitions' ends, as of its last check. */
  public static final String KAFKA_LAG = "accord.kafka.lag";
  /** Gauge: 1 while the Kafka consumer drains a backlog, else 0. */
  public static final String KAFKA_DRAINING = "accord.kafka.draining";

  /** The stages of a batch, in the order it passes them. */
  public enum Stage {
    /** Received → its write-ahead starts: Kafka writes batches ahead in poll order, one after another. */
    WRITE_AHEAD_WAIT("write_ahead_wait"),
    /** The write-ahead to raw_events: the request to persistence and its answer. */
    WRITE_AHEAD("write_ahead"),
    /**
     * Within write_ahead, per statement: writes waiting behind those in flight share one, so this
     * counts fewer than write_ahead where they merged.
     */
    WRITE_AHEAD_STATEMENT("write_ahead_statement"),
    /** Correlation's admission queue: a batch waits while the most batches are in flight. */
    CORRELATION_QUEUE("correlation_queue"),
    /** The batch's accord_record calls, pipelined to Redis. */
    REDIS("redis"),
    /** Events PostgreSQL holds and Redis lacked, loaded and recorded (a cache rebuilt, a late event). */
    HYDRATE("hydrate"),
    /** The results, discrepancies and audit rows written in one statement. */
    RESULTS("results"),
    /**
     * Kafka only, per commit: asked → the group coordinator has the offsets. The client runs it on
     * the consumer's one thread, so a poll asked for meanwhile waits behind it.
     */
    KAFKA_COMMIT("kafka_commit");

    private final String tag;

    Stage(String tag) {
      this.tag = tag;
    }

    public String tag() {
      return tag;
    }
  }

  private static final Duration SHORTEST = Duration.ofMillis(1);
  private static final Duration LONGEST = Duration.ofSeconds(30);

  private final MeterRegistry registry;
  private final Map<Stage, Timer> stages = new EnumMap<>(Stage.class);
  private final Timer kafkaRecordAge;
  private final Map<String, Timer> detectionByVia = new ConcurrentHashMap<>();
  /** Unknown (negative) until the consumer's first check, and while the broker does not answer it. */
  private final AtomicLong kafkaLag = new AtomicLong(-1);
  private final AtomicLong kafkaDraining = new AtomicLong(-1);

  public PipelineMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Stage stage : Stage.values()) {
      stages.put(stage, histogram(Timer.builder(STAGE).tag("stage", stage.tag())
          .description("A batch's time in one stage of the pipeline")));
    }
    kafkaRecordAge = histogram(Timer.builder(KAFKA_RECORD_AGE)
        .description("A Kafka record's age when polled: its producer timestamp to the poll"));
    Gauge.builder(KAFKA_LAG, kafkaLag, PipelineMetrics::knownOrNaN).baseUnit("records")
        .description("Records the Kafka consumer was behind its partitions' ends when last asked (once a second); NaN while unknown")
        .register(registry);
    Gauge.builder(KAFKA_DRAINING, kafkaDraining, PipelineMetrics::knownOrNaN)
        .description("1 while the Kafka consumer drains a backlog (a partition more than a poll behind), else 0; NaN while unknown")
        .register(registry);
  }

  private Timer histogram(Timer.Builder builder) {
    return builder.publishPercentileHistogram().minimumExpectedValue(SHORTEST).maximumExpectedValue(LONGEST).register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** Records a batch's time in {@code stage} since {@code startedNanos} ({@link System#nanoTime()}). */
  public void stage(Stage stage, long startedNanos) {
    stages.get(stage).record(System.nanoTime() - startedNanos, TimeUnit.NANOSECONDS);
  }

  /** Records a batch's time in {@code stage} since {@code started}, by the wall clock (a time carried in a message). */
  public void stage(Stage stage, Instant started) {
    stages.get(stage).record(Math.max(0, Duration.between(started, Instant.now()).toNanos()), TimeUnit.NANOSECONDS);
  }

  /** A Kafka record's age at the poll, from its producer's timestamp; a producer clock ahead of ours counts as zero. */
  public void kafkaRecordAge(long recordTimestampMillis, long polledAtMillis) {
    kafkaRecordAge.record(Math.max(0, polledAtMillis - recordTimestampMillis), TimeUnit.MILLISECONDS);
  }

  /** The Kafka consumer's lag at its latest check, and whether it is draining a backlog. */
  public void kafkaLag(long records, boolean draining) {
    kafkaLag.set(records);
    kafkaDraining.set(draining ? 1 : 0);
  }

  /** The broker did not say how far behind the consumer is. */
  public void kafkaLagUnknown() {
    kafkaLag.set(-1);
    kafkaDraining.set(-1);
  }

  private static double knownOrNaN(AtomicLong value) {
    long known = value.get();
    return known < 0 ? Double.NaN : known;
  }

  /** Records {@code events} detection latencies of a batch received at {@code receivedAt} whose results are now stored. */
  public void detected(String via, Instant receivedAt, int events) {
    Timer timer = detectionByVia.computeIfAbsent(via, v -> histogram(Timer.builder(DETECTION).tag("via", v)
        .description("Each event: received by Accord to its transaction's result stored")));
    long nanos = Math.max(0, Duration.between(receivedAt, Instant.now()).toNanos());
    for (int i = 0; i < events; i++) {
      timer.record(nanos, TimeUnit.NANOSECONDS);
    }
  }
}
