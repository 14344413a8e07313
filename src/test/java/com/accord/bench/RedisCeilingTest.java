package com.accord.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.config.AccordConfig;
import com.accord.testing.Infra;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Redis ceiling at tiny scale against the local Redis: calls succeed, memory is counted, no key is left. */
class RedisCeilingTest {

  @Test
  void callsAccordsFunctionMeasuresPendingStateAndDeletesItsKeys() {
    Map<String, String> env = new HashMap<>(Infra.get().environment());
    env.put("ACCORD_KAFKA_ENABLED", "false");
    AccordConfig.Redis config = AccordConfig.load(null, env).redis();
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    RedisCeiling.Report report = RedisCeiling.measure(config,
        new RedisCeiling.Settings(3000, 600, 2, 20_000, 16, Duration.ofSeconds(30), Duration.ofMinutes(10)),
        new PrintStream(out, true, StandardCharsets.UTF_8));
      System.out.print(out.toString(StandardCharsets.UTF_8)); // the numbers, in the surefire output file

    assertThat(report.throughput().calls()).isEqualTo(3000);
    assertThat(report.throughput().callsPerSecond()).isPositive();
    if (CpuProfile.read().isPresent()) {
      // ~30 µs of Redis per call: 3,000 calls are ~9 of /proc's 10 ms ticks
      assertThat(report.throughput().cpu()).hasValueSatisfying(cpu -> {
        assertThat(cpu.events()).isEqualTo(3000);
        assertThat(cpu.microsPerEvent(CpuProfile.REDIS)).as("Redis's own CPU per call").isPositive();
      });
    }
    assertThat(report.redisVersion()).matches("\\d+\\..*");
    RedisCeiling.Memory memory = report.memory();
    // a transaction's packed state with one event is ~75 bytes of text, with its hash entry and wheel
    // entry ~150 bytes; a second event adds what differs from the first (source, id, status, time
    // offset), ~30 bytes once rounded to the allocator's classes: 20,000 transactions measure it
    // steadily, 2,000 did not (hash tables and list nodes grow in steps)
    assertThat(memory.bytesPerTxnOneEvent()).isGreaterThan(100);
    assertThat(memory.bytesPerTxnTwoEvents()).isGreaterThan(memory.bytesPerTxnOneEvent() + 16);
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("calls/s").contains("keys under accord-bench-ceiling:");

    Vertx vertx = Vertx.vertx();
    Redis redis = Redis.createClient(vertx, config.uri());
    try {
      String prefix = printed.replaceAll("(?s).*keys under (accord-bench-ceiling:[0-9a-f]+:).*", "$1");
      String cursor = "0";
      int left = 0;
      do {
        var scan = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + "*").arg("COUNT").arg(10_000)).await();
        cursor = scan.get(0).toString();
        left += scan.get(1).size();
      } while (!cursor.equals("0"));
      assertThat(left).as("keys left under " + prefix).isZero();
      assertThat(prefix).startsWith("accord-bench-ceiling:");
    } finally {
      redis.close().await();
      vertx.close().await();
    }
  }
}
