package com.accord.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.avro.TransactionEventRecord;
import com.accord.domain.TransactionEvent;
import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Specifies what becomes of Kafka records Accord cannot accept: each is kept in rejected_events
 * with where it was read, why, and its bytes, and copied to the dead-letter topic with the same
 * facts in headers — while every valid record around it is reconciled as if it were not there.
 */
@ExtendWith(VertxExtension.class)
class KafkaRejectionTest {

  private static final String ID = KafkaSupport.uniqueId("reject");
  private static final String CORE = ID + "_core";
  private static final String GATEWAY = ID + "_gateway";
  private static final String MOBILE = ID + "_mobile";
  private static final String DEAD_LETTER = ID + "_dead_letter";
  private static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");
  private static final Map<String, String> COMPLETED = Map.of("core", "POSTED", "gateway", "SETTLED", "mobile", "SUCCESS");

  private static AccordFixture fixture;
  private static KafkaProducer<String, byte[]> producer;

  @BeforeAll
  static void start(Vertx vertx) {
    fixture = AccordFixture.start(vertx, AccordFixture.kafkaEnvironment(ID));
    Properties properties = new Properties();
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.config().kafka().bootstrapServers());
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    producer = new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
  }

  @AfterAll
  static void stop() {
    if (producer != null) {
      producer.close();
    }
    if (fixture != null) {
      fixture.close();
    }
  }

  /** An event that agrees with its peers of the other sources: 100.00 EUR, completed, one account, at T0. */
  private static TransactionEvent event(String source, String txnId) {
    return new TransactionEvent(source + "-" + txnId, source, txnId, new BigDecimal("100.00"), "EUR", COMPLETED.get(source),
        "DE89370400440532013000", T0, "card", null, "ref-" + txnId, Map.of());
  }

  private static byte[] avro(TransactionEvent event) {
    return AvroEvents.encode(AvroEvents.toRecord(event));
  }

  private static byte[] avro(TransactionEvent event, Consumer<TransactionEventRecord> change) {
    TransactionEventRecord record = AvroEvents.toRecord(event);
    change.accept(record);
    return AvroEvents.encode(record);
  }

  private static RecordMetadata send(String topic, String key, byte[] value) throws Exception {
    return producer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  private static RecordMetadata send(String topic, TransactionEvent event) throws Exception {
    return send(topic, event.txnId(), avro(event));
  }

  /** A record Accord must refuse: where it went, what it held, and what its reason must say. */
  private record Bad(String what, RecordMetadata at, String key, byte[] value, List<String> reasonSays) {}

  @Test
  void everyUnacceptableRecordIsKeptWithItsOriginReasonAndBytesAndDeadLetteredWhileItsNeighboursAreReconciled()
      throws Exception {
    String a = "REJ-A-" + ID;
    String b = "REJ-B-" + ID;
    String c = "REJ-C-" + ID;
    String d = "REJ-D-" + ID;
    String e = "REJ-E-" + ID;
    String f = "REJ-F-" + ID;
    List<Bad> bad = new ArrayList<>();

    // the topics (dead-letter topic included) are live: a first transaction goes through
    String first = "REJ-0-" + ID;
    for (String source : List.of("core", "gateway", "mobile")) {
      send(ID + "_" + source, event(source, first));
    }
    fixture.awaitStatus(first, "MATCHED");

    byte[] garbage = "this is not an Avro record".getBytes(StandardCharsets.UTF_8);
    send(CORE, event("core", a));
    bad.add(new Bad("garbage bytes", send(CORE, a, garbage), a, garbage, List.of("not Avro single-object encoding", "header")));
    bad.add(new Bad("an empty value", send(GATEWAY, a, new byte[0]), a, new byte[0], List.of("record has no value")));
    send(GATEWAY, event("gateway", a));
    bad.add(new Bad("a tombstone", send(MOBILE, a, null), a, null, List.of("record has no value")));
    send(MOBILE, event("mobile", a));

    Schema otherSchema = SchemaBuilder.record("Payment").namespace("com.example").fields()
        .requiredString("id").requiredString("amount").endRecord();
    GenericData.Record payment = new GenericData.Record(otherSchema);
    payment.put("id", "pay-1");
    payment.put("amount", "100.00");
    ByteBuffer encoded = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), otherSchema).encode(payment);
    byte[] unknownSchema = new byte[encoded.remaining()];
    encoded.get(unknownSchema);
    send(CORE, event("core", b));
    send(GATEWAY, event("gateway", b));
    bad.add(new Bad("a record of an unknown schema", send(GATEWAY, b, unknownSchema), b, unknownSchema,
        List.of("schema Accord does not bundle", "fingerprint")));
    send(MOBILE, event("mobile", b));

    byte[] invalidFields = avro(event("mobile", c), r -> {
      r.setAmount("12.3.4");
      r.setCurrency("EURO");
    });
    send(CORE, event("core", c));
    bad.add(new Bad("a record with invalid fields", send(MOBILE, c, invalidFields), c, invalidFields,
        List.of("$.amount", "'12.3.4'", "(and 1 more)")));
    send(GATEWAY, event("gateway", c));

    // well-formed Avro, but holding U+0000, which PostgreSQL cannot store: refused, not retried for ever
    byte[] nul = avro(event("gateway", f), r -> {
      r.setReference("ref\u0000" + f);
      r.setMetadata(Map.of("order", "o-1\u0000"));
    });
    send(CORE, event("core", f));
    bad.add(new Bad("a record holding U+0000", send(GATEWAY, f, nul), f, nul,
        List.of("$.reference", "U+0000", "(and 1 more)")));
    send(MOBILE, event("mobile", f));

    byte[] wrongTopic = avro(event("mobile", d));
    send(CORE, event("core", d));
    bad.add(new Bad("a mobile record on the core topic", send(CORE, d, wrongTopic), d, wrongTopic,
        List.of("$.source", "'mobile' does not match topic " + CORE, "carries source 'core'")));
    send(GATEWAY, event("gateway", d));
    send(MOBILE, event("mobile", d));

    send(CORE, event("core", e));
    send(GATEWAY, e, avro(event("gateway", e), r -> r.setAmount("100.01")));
    send(MOBILE, event("mobile", e));

    // every valid record is reconciled as if the bad ones were not there
    for (String txn : List.of(a, b, d)) {
      JsonObject result = fixture.awaitStatus(txn, "MATCHED").getJsonObject("result");
      assertThat(result.getJsonArray("sources_seen")).as(txn).isEqualTo(new JsonArray(List.of("core", "gateway", "mobile")));
      assertThat(result.getJsonArray("discrepancies")).as("%s discrepancies", txn).isEmpty();
    }
    JsonObject missing = fixture.awaitStatus(c, "MISSING").getJsonObject("result");
    assertThat(missing.getJsonArray("sources_missing")).isEqualTo(new JsonArray(List.of("mobile")));
    JsonObject missingGateway = fixture.awaitStatus(f, "MISSING").getJsonObject("result");
    assertThat(missingGateway.getJsonArray("sources_missing")).isEqualTo(new JsonArray(List.of("gateway")));
    JsonObject mismatched = fixture.awaitStatus(e, "MISMATCHED").getJsonObject("result");
    assertThat(mismatched.getJsonArray("discrepancies")).extracting(x -> ((JsonObject) x).getString("type"))
        .containsExactly("AMOUNT");
    assertThat(fixture.count("SELECT count(*) FROM raw_events WHERE txn_id = ANY($1::text[])", (Object) new String[] {first, a, b, c, d, e, f}))
        .as("valid events stored").isEqualTo(3 + 3 + 3 + 2 + 3 + 3 + 2);
    assertThat(fixture.count("SELECT count(*) FROM event_conflicts")).as("conflicts recorded").isZero();

    // each bad record is one rejected_events row saying where it was read, why, and what it held
    KafkaSupport.await(bad.size() + " rejected_events rows", Duration.ofSeconds(20),
        () -> fixture.count("SELECT count(*) FROM rejected_events") >= bad.size());
    assertThat(fixture.count("SELECT count(*) FROM rejected_events")).as("rejected_events rows").isEqualTo(bad.size());
    Map<String, String> reasons = new HashMap<>();
    for (Bad record : bad) {
      List<Row> rows = fixture.sql("""
          SELECT via, reason, errors::text AS errors, raw FROM rejected_events
          WHERE topic = $1 AND partition_id = $2 AND kafka_offset = $3""",
          record.at().topic(), record.at().partition(), record.at().offset());
      assertThat(rows).as("rejected_events rows for %s at %s", record.what(), record.at()).hasSize(1);
      Row row = rows.get(0);
      assertThat(row.getString("via")).as(record.what()).isEqualTo("KAFKA");
      assertThat(row.getString("reason")).as("reason for %s", record.what()).contains(record.reasonSays());
      if (record.value() == null) {
        assertThat(row.getValue("raw")).as("raw bytes of %s", record.what()).isNull();
      } else {
        assertThat(row.getBuffer("raw").getBytes()).as("raw bytes of %s", record.what()).isEqualTo(record.value());
      }
      reasons.put(record.at().topic() + "/" + record.at().partition() + "/" + record.at().offset(), row.getString("reason"));
    }
    String invalidFieldErrors = fixture.sql("SELECT errors::text AS errors FROM rejected_events WHERE reason LIKE '%12.3.4%'")
        .get(0).getString("errors");
    assertThat(invalidFieldErrors).as("every error of the record with invalid fields")
        .contains("$.amount", "12.3.4", "$.currency", "EURO");

    // and each is on the dead-letter topic, as it was, with the same facts in headers
    Map<String, ConsumerRecord<String, byte[]>> deadLetters = readDeadLetters(bad.size(), Duration.ofSeconds(20));
    assertThat(deadLetters).as("dead letters by origin").hasSize(bad.size());
    for (Bad record : bad) {
      String origin = record.at().topic() + "/" + record.at().partition() + "/" + record.at().offset();
      ConsumerRecord<String, byte[]> dead = deadLetters.get(origin);
      assertThat(dead).as("dead letter of %s (%s)", record.what(), origin).isNotNull();
      assertThat(dead.key()).as("key of the dead letter of %s", record.what()).isEqualTo(record.key());
      assertThat(dead.value()).as("value of the dead letter of %s", record.what()).isEqualTo(record.value());
      assertThat(header(dead, "accord.reason")).as("accord.reason of %s", record.what()).isEqualTo(reasons.get(origin))
          .contains(record.reasonSays());
      assertThat(header(dead, "accord.topic")).isEqualTo(record.at().topic());
      assertThat(header(dead, "accord.partition")).isEqualTo(Integer.toString(record.at().partition()));
      assertThat(header(dead, "accord.offset")).isEqualTo(Long.toString(record.at().offset()));
    }
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** The dead-letter topic from its beginning, by origin {@code topic/partition/offset}, until {@code expected} are read. */
  private static Map<String, ConsumerRecord<String, byte[]>> readDeadLetters(int expected, Duration timeout) {
    Properties properties = new Properties();
    properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.config().kafka().bootstrapServers());
    properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    Map<String, ConsumerRecord<String, byte[]>> byOrigin = new HashMap<>();
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(DEAD_LETTER, Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Instant deadline = Instant.now().plus(timeout);
      while (byOrigin.size() < expected && Instant.now().isBefore(deadline)) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          String origin = header(record, "accord.topic") + "/" + header(record, "accord.partition") + "/" + header(record, "accord.offset");
          assertThat(byOrigin.put(origin, record)).as("dead letters of %s", origin).isNull();
        }
      }
    }
    return byOrigin;
  }
}
