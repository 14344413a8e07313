package com.accord.simulation;

import com.accord.domain.TransactionEvent;
import com.accord.kafka.AvroEvents;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Produces each event to its source's topic, keyed by txn id (so the topics stay co-partitioned),
 * as an Avro single-object encoded record — what the three banking systems would send.
 */
public final class KafkaSink implements EventSink {

  private final KafkaProducer<String, byte[]> producer;
  private final Map<String, String> topicOfSource = new HashMap<>();
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  /** @param topics topic → source, as in Accord's kafka.topics */
  public KafkaSink(String bootstrapServers, Map<String, String> topics, Map<String, String> extraProperties) {
    topics.forEach((topic, source) -> topicOfSource.put(source, topic));
    Properties properties = new Properties();
    properties.putAll(extraProperties);
    properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    properties.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "5");
    properties.putIfAbsent(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
    properties.putIfAbsent(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    properties.put(ProducerConfig.CLIENT_ID_CONFIG, "accord-simulator");
    // One request in flight per broker: Kafka 4.1 can refuse the first produce to a partition
    // created moments before and then reject the retries as out of sequence (KAFKA-15591),
    // losing them; with one in flight that sequence cannot arise.
    properties.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    this.producer = new KafkaProducer<>(properties, new StringSerializer(), new ByteArraySerializer());
  }

  @Override
  public void send(List<TransactionEvent> events) throws Exception {
    rethrow();
    for (TransactionEvent event : events) {
      String topic = topicOfSource.get(event.source());
      if (topic == null) {
        throw new IllegalArgumentException("no topic carries source '" + event.source() + "'");
      }
      byte[] value = AvroEvents.encode(AvroEvents.toRecord(event));
      producer.send(new ProducerRecord<>(topic, event.txnId(), value), (metadata, error) -> {
        if (error != null) {
          failure.compareAndSet(null, error);
        }
      });
    }
  }

  /** Sends bytes as they are, for tests that deliver malformed records. */
  public void sendRaw(String topic, String key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topic, key, value)).get();
  }

  @Override
  public void flush() throws Exception {
    producer.flush();
    rethrow();
  }

  private void rethrow() throws Exception {
    Exception error = failure.get();
    if (error != null) {
      throw new IllegalStateException("producing to Kafka failed: " + error.getMessage(), error);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
