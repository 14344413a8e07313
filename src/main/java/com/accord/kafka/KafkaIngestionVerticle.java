package com.accord.kafka;

import com.accord.bus.LocalCodec;
import com.accord.bus.Messages.IngestBatch;
import com.accord.bus.Messages.KafkaOrigin;
import com.accord.bus.Messages.Rejection;
import com.accord.bus.Messages.Submitted;
import com.accord.bus.Messages.Via;
import com.accord.config.AccordConfig;
import com.accord.domain.EventParser;
import com.accord.domain.FieldError;
import com.accord.domain.ParsedItem;
import com.accord.domain.ReconciliationRules;
import com.accord.ingestion.IngestionFlow;
import com.accord.metrics.PipelineMetrics;
import com.accord.avro.TransactionEventRecord;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the source topics in one consumer group, so instances split the partitions. One poll
 * is one ingestion batch. Up to {@code batchesInFlightMax} batches are written ahead and
 * correlated at once, so the database, Redis and this process overlap their work; the next poll
 * waits for the oldest batch when that many are in flight, which is the back-pressure: nothing
 * queues beyond them. Batches are written ahead in poll order, one after another, since the
 * write-ahead decides which of two payloads under one event identity is the original; their
 * correlation overlaps and may finish out of order (it is order-independent: every Redis call is
 * atomic and a result never overwrites one computed from a newer state). A batch leaves the
 * batches in flight once it and every batch polled before it are stored; the offsets of such
 * batches are committed together, at most once per {@code commitInterval}, never past a batch
 * that is not stored (at-least-once delivery; the idempotent write-ahead makes the effect
 * exactly-once). The client commits on the consumer's one thread, between two polls, so a commit
 * per batch would hold every live poll for a broker round trip. A record
 * that cannot be decoded or validated becomes a rejected event with its reason and raw bytes, and
 * goes to the dead-letter topic; its neighbours go on.
 */
public final class KafkaIngestionVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(KafkaIngestionVerticle.class);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(250);
  private static final Duration RETRY_DELAY_MAX = Duration.ofSeconds(10);
  /**
   * How often the broker is asked how far behind the consumer is: one round trip of an admin
   * client, beside the polls rather than between two of them.
   */
  private static final Duration LAG_CHECK_INTERVAL = Duration.ofSeconds(1);
  private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final AccordConfig.Kafka config;
  private final EventParser parser;
  private final PipelineMetrics metrics;
  private KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, byte[]> deadLetters;
  /** Creates the topics and reads their end offsets; thread-safe, on a network thread of its own. */
  private Admin admin;
  private volatile boolean stopping;
  /** Completed when the poll loop has seen {@link #stopping} and polls no more. */
  private final Promise<Void> loopEnded = Promise.promise();
  private boolean polling;
  /** Batches polled and not yet stored in poll order, oldest first: the back-pressure. */
  private final Deque<Future<Void>> inFlight = new ArrayDeque<>();
  /**
   * Completes when the newest batch and every batch polled before it are stored; failed once one
   * of them was not (only while stopping), so that no later batch's offsets pass it.
   */
  private Future<Void> lastStored = Future.succeededFuture();
  /** Per partition, the next offset to read after the batches stored in poll order and not yet committed. */
  private Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
  /** The commit running, or the last one; one at a time. */
  private Future<Void> lastCommit = Future.succeededFuture();
  private long lastCommitStartedNanos;
  private long commitTimer = -1;
  /** The write-ahead of the newest batch: the next batch is written ahead only after it. */
  private Future<Void> lastWriteAhead = Future.succeededFuture();
  private IngestionFlow flow;
  private PartitionAlignment alignment;
  private long lagCheckedAt = System.nanoTime() - LAG_CHECK_INTERVAL.toNanos();
  private boolean lagCheckRunning;

  public KafkaIngestionVerticle(AccordConfig.Kafka config, ReconciliationRules rules, PipelineMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
    this.parser = new EventParser(rules, Integer.MAX_VALUE);
    this.lastCommitStartedNanos = System.nanoTime() - config.commitInterval().toNanos();
  }

  @Override
  public Future<?> start() {
    LocalCodec.registerAll(vertx.eventBus());
    flow = new IngestionFlow(vertx.eventBus(), metrics);
    Map<String, Object> adminProperties = new HashMap<>(clientConfig());
    return vertx.executeBlocking(() -> Admin.create(adminProperties)).compose(created -> {
      admin = created;
      return ensureTopics();
    }).compose(v -> {
      consumer = KafkaConsumer.create(vertx, consumerConfig());
      alignment = new PartitionAlignment(config.alignmentSlack(), config.pollRecordsMax());
      consumer.partitionsRevokedHandler(revoked -> {
        alignment.revoked(revoked);
        // their next owner reads on from the group's committed offsets; stale ones of this member
        // committed later would move those back (harmless, but re-read for nothing)
        revoked.forEach(uncommitted::remove);
      });
      deadLetters = KafkaProducer.create(vertx, producerConfig());
      return consumer.subscribe(config.topics().keySet());
    }).onSuccess(v -> {
      log.atInfo().addKeyValue("topics", config.topics().keySet()).addKeyValue("group", config.groupId())
          .addKeyValue("bootstrap", config.bootstrapServers()).log("consuming source topics");
      pollNext();
    });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    // let the batches in hand be stored and committed, then leave the group cleanly
    Future<Void> ended = polling ? loopEnded.future() : Future.succeededFuture();
    return ended.eventually(() -> lastStored)
        .eventually(this::commitStored)
        .eventually(() -> consumer == null ? Future.succeededFuture() : consumer.close())
        .eventually(() -> deadLetters == null ? Future.succeededFuture() : deadLetters.close())
        .eventually(() -> admin == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
          admin.close(ADMIN_CLOSE_TIMEOUT);
          return null;
        }));
  }

  /** Creates missing topics with the broker's default replication factor; blocking admin calls off the event loop. */
  private Future<Void> ensureTopics() {
    Set<String> wanted = new HashSet<>(config.topics().keySet());
    wanted.add(config.deadLetterTopic());
    return vertx.executeBlocking(() -> {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = wanted.stream().filter(topic -> !existing.contains(topic))
          .map(topic -> new NewTopic(topic, Optional.of(config.partitions()), Optional.empty())).toList();
      if (!missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e; // another instance creating them first is fine; anything else is not
          }
        }
      }
      return null;
    });
  }

  // ---- the loop: poll, ingest, dead-letter, commit ------------------------------------------------

  /**
   * One turn of the loop: room for a batch, a poll, the batch started. The next turn is started
   * from this one's completion handler rather than composed onto it, so a long-running consumer
   * does not build a chain of futures a poll long (which overflowed the stack when it finally
   * completed at shutdown).
   */
  private void pollNext() {
    polling = true;
    if (stopping) {
      loopEnded.tryComplete();
      return;
    }
    checkLag();
    roomForBatch().compose(v -> consumer.poll(POLL_TIMEOUT)).onComplete(polled -> {
      if (polled.succeeded()) {
        if (!polled.result().isEmpty()) {
          start(polled.result());
        }
        align(polled.result()).onComplete(aligned -> pollNext());
      } else {
        log.atError().setCause(polled.cause()).log("Kafka poll failed; the consumer goes on after a pause");
        vertx.setTimer(1000, id -> pollNext());
      }
    });
  }

  /**
   * Once a second, asks the broker for the end offsets of the partitions this consumer reads: is
   * it draining a backlog? The admin client answers on its own thread while the polls go on (the
   * consumer's own {@code endOffsets} would hold its thread, and so the next poll, for the round
   * trip); the alignment takes the answer when it comes.
   */
  private void checkLag() {
    long now = System.nanoTime();
    if (lagCheckRunning || now - lagCheckedAt < LAG_CHECK_INTERVAL.toNanos()) {
      return;
    }
    Set<TopicPartition> partitions = alignment.delivering();
    if (partitions.isEmpty()) {
      return;
    }
    lagCheckedAt = now;
    lagCheckRunning = true;
    Map<org.apache.kafka.common.TopicPartition, OffsetSpec> latest = new HashMap<>();
    for (TopicPartition partition : partitions) {
      latest.put(new org.apache.kafka.common.TopicPartition(partition.getTopic(), partition.getPartition()), OffsetSpec.latest());
    }
    Future.fromCompletionStage(admin.listOffsets(latest).all().toCompletionStage(), vertx.getOrCreateContext())
        .onComplete(answered -> {
          lagCheckRunning = false;
          boolean wasDraining = alignment.draining();
          if (answered.succeeded()) {
            Map<TopicPartition, Long> ends = new HashMap<>();
            answered.result().forEach((partition, info) ->
                ends.put(new TopicPartition(partition.topic(), partition.partition()), info.offset()));
            alignment.endOffsets(ends);
            metrics.kafkaLag(alignment.lag(), alignment.draining());
          } else {
            log.atWarn().log("end offsets not read; partitions are not aligned until they are: " + answered.cause().getMessage());
            alignment.endOffsets(Map.of());
            metrics.kafkaLagUnknown();
          }
          if (alignment.draining() != wasDraining) {
            log.atInfo().addKeyValue("draining", alignment.draining()).log(alignment.draining()
                ? "draining a backlog: partitions ahead in record time wait for the slowest"
                : "caught up: partitions are read as they come");
          }
        });
  }

  /** Pauses partitions that have read ahead of the others in a backlog, resumes those that may go on (see PartitionAlignment). */
  private Future<Void> align(KafkaConsumerRecords<String, byte[]> records) {
    Map<TopicPartition, PartitionAlignment.Newest> newest = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, byte[]> record = records.recordAt(i);
      newest.merge(new TopicPartition(record.topic(), record.partition()),
          new PartitionAlignment.Newest(record.offset(), record.timestamp()),
          (a, b) -> a.later(b.offset(), b.timestamp()));
    }
    PartitionAlignment.Moves moves = alignment.afterPoll(newest);
    if (moves.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<Void> paused = moves.pause().isEmpty() ? Future.succeededFuture() : consumer.pause(moves.pause());
    return paused.compose(v -> moves.resume().isEmpty() ? Future.<Void>succeededFuture() : consumer.resume(moves.resume()))
        .recover(e -> {
          log.atWarn().log("partitions not paused or resumed as aligned: " + e.getMessage());
          return Future.succeededFuture();
        });
  }

  /** Completes when fewer than the configured number of batches are in flight. */
  private Future<Void> roomForBatch() {
    while (!inFlight.isEmpty() && inFlight.peekFirst().isComplete()) {
      inFlight.removeFirst(); // batches count as stored in poll order, so finished ones are at the front
    }
    if (inFlight.size() < config.batchesInFlightMax()) {
      return Future.succeededFuture();
    }
    return inFlight.peekFirst().otherwiseEmpty().compose(v -> roomForBatch());
  }

  /** Stores a batch now; its offsets are committed once it and every batch polled before it are stored. */
  private void start(KafkaConsumerRecords<String, byte[]> records) {
    Future<Map<TopicPartition, OffsetAndMetadata>> stored = handle(records);
    Future<Void> inOrder = lastStored.transform(previous -> previous.failed()
        ? Future.<Void>failedFuture(previous.cause())
        : stored.map(offsets -> {
          keepUncommitted(offsets);
          commitWhenDue();
          return null;
        }));
    inOrder.onFailure(e -> log.atError().setCause(e).addKeyValue("records", records.size())
        .log("Kafka batch not stored; it and the batches after it are read again after a restart or rebalance"));
    lastStored = inOrder;
    inFlight.addLast(inOrder);
  }

  /** Adds stored offsets to those the next commit carries, the later offset of a partition winning. */
  private void keepUncommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
    offsets.forEach((partition, next) -> uncommitted.merge(partition, next, KafkaIngestionVerticle::later));
  }

  /**
   * Commits the stored offsets not yet committed, unless a commit is running (its end calls this
   * again) or the last began less than {@code commitInterval} ago (a timer calls this again then).
   * Stopping, it commits at once.
   */
  private void commitWhenDue() {
    if (uncommitted.isEmpty() || !lastCommit.isComplete()) {
      return;
    }
    long dueInNanos = lastCommitStartedNanos + config.commitInterval().toNanos() - System.nanoTime();
    if (dueInNanos > 0 && !stopping) {
      if (commitTimer < 0) {
        commitTimer = vertx.setTimer(Math.max(1, TimeUnit.NANOSECONDS.toMillis(dueInNanos)), id -> {
          commitTimer = -1;
          commitWhenDue();
        });
      }
      return;
    }
    Map<TopicPartition, OffsetAndMetadata> offsets = uncommitted;
    uncommitted = new HashMap<>();
    lastCommitStartedNanos = System.nanoTime();
    lastCommit = commit(offsets).recover(e -> {
      log.atError().setCause(e).addKeyValue("partitions", offsets.size())
          .log(stopping ? "Kafka offsets not committed; their records are read again after a restart"
              : "Kafka offsets not committed; they go with the next commit");
      if (!stopping) {
        keepUncommitted(offsets);
      }
      return Future.succeededFuture();
    });
    lastCommit.onComplete(done -> commitWhenDue());
  }

  /** At stop: the running commit ends, then whatever is stored and uncommitted is committed without waiting for the interval. */
  private Future<Void> commitStored() {
    return lastCommit.eventually(() -> {
      if (commitTimer >= 0) {
        vertx.cancelTimer(commitTimer);
        commitTimer = -1;
      }
      commitWhenDue();
      return lastCommit;
    });
  }

  private static OffsetAndMetadata later(OffsetAndMetadata a, OffsetAndMetadata b) {
    return a.getOffset() >= b.getOffset() ? a : b;
  }

  private Future<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    long started = System.nanoTime();
    return consumer.commit(offsets).<Void>mapEmpty().onComplete(done -> metrics.stage(PipelineMetrics.Stage.KAFKA_COMMIT, started))
        .recover(e -> {
      if (String.valueOf(e.getMessage()).contains("rebalance") || e.getClass().getSimpleName().contains("CommitFailed")) {
        // the partitions moved to another member, which will re-read this batch: harmless, it is idempotent
        log.atWarn().log("offsets not committed after a rebalance; the new owner re-reads the batch");
        return Future.succeededFuture();
      }
      return Future.failedFuture(e);
    });
  }

  /** Writes a batch ahead, correlates it and dead-letters its rejections; yields the offsets to commit. */
  private Future<Map<TopicPartition, OffsetAndMetadata>> handle(KafkaConsumerRecords<String, byte[]> records) {
    Instant receivedAt = Instant.now();
    List<Submitted> events = new ArrayList<>(records.size());
    List<Rejection> rejections = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (int i = 0; i < records.size(); i++) {
      KafkaConsumerRecord<String, byte[]> record = records.recordAt(i);
      metrics.kafkaRecordAge(record.timestamp(), receivedAt.toEpochMilli());
      offsets.merge(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1, null),
          KafkaIngestionVerticle::later);
      ParsedItem parsed = parse(i, record);
      if (parsed instanceof ParsedItem.Valid valid) {
        events.add(new Submitted(i, valid.event()));
      } else if (parsed instanceof ParsedItem.Invalid invalid) {
        rejections.add(new Rejection(i, reason(invalid.errors()), invalid.errors(), record.value(),
            new KafkaOrigin(record.topic(), record.partition(), record.offset())));
      }
    }
    IngestBatch batch = new IngestBatch(Via.KAFKA, receivedAt, events, rejections);
    // write-ahead in poll order (it decides which of two payloads under one identity came first);
    // correlation and dead letters of batches overlap
    Future<IngestionFlow.Written> written = lastWriteAhead.transform(previous ->
        retried("write-ahead", records.size(), () -> flow.writeAhead(batch), 0));
    lastWriteAhead = written.<Void>mapEmpty().otherwiseEmpty();
    return written
        .compose(stored -> retried("correlation", records.size(), () -> flow.correlate(stored), 0))
        .compose(receipt -> retried("dead letters", rejections.size(), () -> sendDeadLetters(records, rejections), 0))
        .map(offsets);
  }

  /** Decodes and validates one record; the paths of its errors are relative to the record ({@code $.amount}). */
  private ParsedItem parse(int index, KafkaConsumerRecord<String, byte[]> record) {
    String source = config.topics().get(record.topic());
    TransactionEventRecord avro;
    try {
      avro = AvroEvents.decode(record.value());
    } catch (IOException | RuntimeException e) {
      return new ParsedItem.Invalid(index, List.of(new FieldError("$", "not an Avro TransactionEvent of a known schema version: " + e.getMessage())));
    }
    ParsedItem parsed = parser.parseItem(AvroEvents.toJsonShape(avro), index);
    if (parsed instanceof ParsedItem.Invalid invalid) {
      return new ParsedItem.Invalid(index, invalid.errors().stream()
          .map(err -> new FieldError(err.path().replaceFirst("^\\$\\[\\d+]", "\\$"), err.message())).toList());
    }
    ParsedItem.Valid valid = (ParsedItem.Valid) parsed;
    if (!valid.event().source().equals(source)) {
      return new ParsedItem.Invalid(index, List.of(new FieldError("$.source", "'" + valid.event().source()
          + "' does not match topic " + record.topic() + ", which carries source '" + source + "'")));
    }
    return valid;
  }

  private static String reason(List<FieldError> errors) {
    FieldError first = errors.get(0);
    return first.path() + ": " + first.message() + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : "");
  }

  /**
   * Retries until done: an unstored batch is never skipped, and its offsets are never committed
   * before it is stored. Gives up only when the verticle stops.
   */
  private <T> Future<T> retried(String what, int records, Supplier<Future<T>> attempt, int attempts) {
    return attempt.get().recover(e -> {
      if (stopping) {
        return Future.failedFuture(e);
      }
      long delay = Math.min(RETRY_DELAY_MAX.toMillis(), 100L << Math.min(attempts, 7));
      log.atWarn().addKeyValue("step", what).addKeyValue("attempt", attempts + 1).addKeyValue("retry_in_ms", delay)
          .addKeyValue("records", records).log("Kafka batch step not done yet: " + e.getMessage());
      return vertx.timer(delay).compose(t -> retried(what, records, attempt, attempts + 1));
    });
  }

  private Future<Void> sendDeadLetters(KafkaConsumerRecords<String, byte[]> records, List<Rejection> rejections) {
    List<Future<?>> sent = new ArrayList<>(rejections.size());
    for (Rejection rejection : rejections) {
      KafkaConsumerRecord<String, byte[]> record = records.recordAt(rejection.index());
      KafkaProducerRecord<String, byte[]> dead = KafkaProducerRecord.create(config.deadLetterTopic(), record.key(), record.value());
      dead.addHeader("accord.reason", rejection.reason());
      dead.addHeader("accord.topic", record.topic());
      dead.addHeader("accord.partition", Integer.toString(record.partition()));
      dead.addHeader("accord.offset", Long.toString(record.offset()));
      sent.add(deadLetters.send(dead));
    }
    return Future.all(sent).mapEmpty();
  }

  // ---- client configuration ------------------------------------------------------------------------

  private Map<String, String> clientConfig() {
    return clientProperties(config);
  }

  /** The configured client properties with the bootstrap address: what every client of Accord's starts from. */
  private static Map<String, String> clientProperties(AccordConfig.Kafka config) {
    Map<String, String> properties = new HashMap<>(config.properties());
    properties.put("bootstrap.servers", config.bootstrapServers());
    return properties;
  }

  private Map<String, String> consumerConfig() {
    return consumerProperties(config, "accord-ingestion-" + deploymentID());
  }

  /** The consumer settings Accord reads the source topics with (the benchmark's Kafka floor reads with them too). */
  public static Map<String, String> consumerProperties(AccordConfig.Kafka config, String clientId) {
    Map<String, String> properties = clientProperties(config);
    properties.put("group.id", config.groupId());
    properties.put("enable.auto.commit", "false");
    properties.put("auto.offset.reset", "earliest");
    properties.put("max.poll.records", Integer.toString(config.pollRecordsMax()));
    properties.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
    properties.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    // A fetch waits up to 10 ms for 64 KiB: under load it fills at once; at a trickle it saves the
    // broker and Accord a fetch per record for at most 10 ms of latency.
    properties.putIfAbsent("fetch.min.bytes", "65536");
    properties.putIfAbsent("fetch.max.wait.ms", "10");
    // A poll drains fetched partitions one after another: with large per-partition fetches one
    // batch holds one topic's records, and each transaction's events (one per topic) land in
    // three batches, costing three result writes instead of one.
    properties.putIfAbsent("max.partition.fetch.bytes", Integer.toString(config.partitionFetchBytes()));
    properties.putIfAbsent("client.id", clientId);
    return properties;
  }

  private Map<String, String> producerConfig() {
    Map<String, String> properties = clientConfig();
    properties.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
    properties.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    properties.put("acks", "all");
    properties.put("enable.idempotence", "true");
    properties.put("max.in.flight.requests.per.connection", "1"); // see KafkaSink: KAFKA-15591
    return properties;
  }
}
