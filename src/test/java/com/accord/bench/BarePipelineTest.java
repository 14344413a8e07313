package com.accord.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.accord.config.AccordConfig;
import com.accord.domain.TransactionEvent;
import com.accord.infra.RedisClients;
import com.accord.kafka.AvroEvents;
import com.accord.testing.Infra;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The bare pipeline against the local PostgreSQL and Redis: raw rows before correlation, a verdict
 * and audit row only for a transaction every source has reported, done times only for those, and
 * nothing left behind.
 */
class BarePipelineTest {

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private long offset;

  private ConsumerRecord<String, byte[]> record(String txnId, long n, String source) {
    TransactionEvent event = SyntheticEvents.event(txnId, n, source, NOW.minusMillis(100));
    return new ConsumerRecord<>("floor_" + source, 0, offset++, txnId, AvroEvents.encode(AvroEvents.toRecord(event)));
  }

  @Test
  void storesEveryEventAndAVerdictOnlyForACompleteTransaction() throws Exception {
    Map<String, String> env = new HashMap<>(Infra.get().environment());
    env.put("ACCORD_KAFKA_ENABLED", "false");
    AccordConfig config = AccordConfig.load(null, env);
    String database = "accord_bench_bare_test_" + UUID.randomUUID().toString().substring(0, 8);
    AccordConfig.Postgres scratch = config.postgres().withDatabase(database);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String prefix;
    String complete = "BP-" + UUID.randomUUID().toString().substring(0, 8) + "-1";
    String pending = complete.replace("-1", "-2");
    Map<String, Long> doneAt = new HashMap<>();

    try (BarePipeline bare = new BarePipeline(config, database, 2, new PrintStream(out, true, StandardCharsets.UTF_8))) {
      prefix = bare.prefix();
      bare.handle(List.of(record(complete, 1, "core"), record(pending, 2, "core"), record(complete, 1, "gateway")), doneAt);
      bare.awaitInFlight();
      assertThat(doneAt).as("no transaction has every source yet").isEmpty();

      long before = System.nanoTime();
      bare.handle(List.of(record(complete, 1, "mobile")), doneAt);
      bare.awaitInFlight();
      assertThat(doneAt).containsOnlyKeys(complete);
      assertThat(doneAt.get(complete)).isGreaterThanOrEqualTo(before);
      long done = doneAt.get(complete);
      bare.handle(List.of(record(complete, 1, "mobile")), doneAt);
      bare.awaitInFlight();
      assertThat(doneAt.get(complete)).as("a re-sent event does not move the done time").isEqualTo(done);
      assertThat(bare.doneKey("floor_mobile/" + complete)).as("done by transaction, whichever record completed it")
          .isEqualTo(complete);

      try (Connection c = DriverManager.getConnection(scratch.jdbcUrl(), scratch.adminUser(), scratch.adminPassword());
          Statement s = c.createStatement()) {
        String ours = " IN ('" + complete + "', '" + pending + "')";
        assertThat(count(s, "SELECT count(*) FROM raw_events WHERE txn_id" + ours)).as("every distinct event, once").isEqualTo(4);
        assertThat(count(s, "SELECT count(*) FROM reconciliation_results WHERE txn_id = '" + complete + "' AND status = 'MATCHED'"))
            .isEqualTo(1);
        assertThat(count(s, "SELECT count(*) FROM reconciliation_results WHERE txn_id = '" + pending + "'"))
            .as("no verdict for the pending transaction").isZero();
        assertThat(count(s, "SELECT count(*) FROM audit_logs WHERE resource_id" + ours)).as("one audit row for the one verdict")
            .isEqualTo(1);
        assertThat(count(s, "SELECT count(*) FROM raw_events WHERE txn_id NOT" + ours)).as("seeded before the run")
            .isEqualTo(30 * 1998);
        assertThat(count(s, "SELECT count(*) FROM pg_stat_user_tables WHERE relname = 'raw_events' AND last_analyze IS NOT NULL"))
            .as("analysed after seeding").isEqualTo(1);
      }

      ConsumerRecord<String, byte[]> garbage = new ConsumerRecord<>("floor_core", 3, 42L, "x", new byte[] {1, 2, 3});
      assertThatThrownBy(() -> bare.handle(List.of(garbage), doneAt)).hasMessageContaining("floor_core")
          .hasMessageContaining("offset 42");
    }

    try (Connection c = DriverManager.getConnection(config.postgres().withDatabase("postgres").jdbcUrl(),
        config.postgres().adminUser(), config.postgres().adminPassword()); Statement s = c.createStatement()) {
      assertThat(count(s, "SELECT count(*) FROM pg_database WHERE datname = '" + database + "'")).as("scratch database left behind")
          .isZero();
    }
    Vertx vertx = Vertx.vertx();
    Redis redis = RedisClients.create(vertx, config.redis(), 1);
    try {
      assertThat(redis.send(Request.cmd(Command.KEYS).arg(prefix + "*")).await()).as("keys left under " + prefix).isEmpty();
    } finally {
      redis.close().await();
      vertx.close().await();
    }
  }

  private static long count(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
