package com.accord.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.config.AccordConfig;
import com.accord.domain.TransactionEvent;
import com.accord.simulation.KafkaSink;
import com.accord.testing.Infra;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The open-loop latency producer shares Accord's JVM, so its garbage is Accord's pause time. It
 * sends most records in a batch of their own; this checks what such a batch costs the sending
 * thread's heap, against a real broker.
 */
class LatencyProducerTest {

  private static final int RECORDS = 200;
  private static final String TOPIC = "latency_producer_" + UUID.randomUUID().toString().substring(0, 8);
  private static String bootstrap;

  @BeforeAll
  static void createTopic() throws Exception {
    bootstrap = Infra.kafkaBootstrap();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
    }
  }

  @Test
  void aRecordSentAloneCostsTheSenderAFewKilobytesNotACompressionBuffer() throws Exception {
    AccordConfig.Kafka kafka = AccordConfig.load(null, Map.of()).kafka();
    long latency = bytesPerRecordSentAlone(Bench.latencyProducer(kafka));
    // the simulator's own settings compress with LZ4, whose two 64 KiB buffers are new for every batch
    long simulator = bytesPerRecordSentAlone(kafka.properties());

    assertThat(simulator).as("LZ4's buffers per batch (KAFKA-19025)").isGreaterThan(128 * 1024);
    assertThat(latency).isLessThan(16 * 1024);
  }

  /** Heap the sending thread allocates per record when each record is flushed as a batch of its own. */
  private static long bytesPerRecordSentAlone(Map<String, String> producerProperties) throws Exception {
    Map<String, String> properties = new HashMap<>(producerProperties);
    try (KafkaSink sink = new KafkaSink(bootstrap, Map.of(TOPIC, "core"), properties)) {
      sink.send(List.of(event(-1))); // the producer's metadata and first connection are not what is measured
      sink.flush();
      com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
      long before = threads.getCurrentThreadAllocatedBytes();
      for (int i = 0; i < RECORDS; i++) {
        sink.send(List.of(event(i)));
        sink.flush();
      }
      return (threads.getCurrentThreadAllocatedBytes() - before) / RECORDS;
    }
  }

  private static TransactionEvent event(int i) {
    return new TransactionEvent("CORE-" + i, "core", "TXN-" + i, new BigDecimal("125.40"), "EUR", "POSTED",
        "DE89370400440532013000", Instant.parse("2026-11-28T10:00:00Z").plusMillis(i), "card", "merchant", "ref-" + i, Map.of());
  }
}
