package com.accord.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.config.AccordConfig;
import com.accord.testing.Infra;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ceiling run at tiny scale against the local PostgreSQL: rows land, rates are real, nothing is left behind. */
class PostgresCeilingTest {

  @Test
  void writesEveryRowAccordWritesAndDropsItsScratchDatabase() throws Exception {
    Map<String, String> env = new HashMap<>(Infra.get().environment());
    env.put("ACCORD_KAFKA_ENABLED", "false");
    AccordConfig.Postgres config = AccordConfig.load(null, env).postgres();
    String database = "accord_bench_ceiling_test";
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    PostgresCeiling.Report report = PostgresCeiling.measure(config,
        new PostgresCeiling.Settings(3000, 600, 2, database), new PrintStream(out, true, StandardCharsets.UTF_8));
      System.out.print(out.toString(StandardCharsets.UTF_8)); // the numbers, in the surefire output file

    PostgresCeiling.Result full = report.full();
    assertThat(full.events()).isEqualTo(3000);
    assertThat(full.rawRows()).as("raw_events rows").isEqualTo(3000);
    assertThat(full.resultRows()).as("one result per transaction of three events").isEqualTo(1000);
    assertThat(full.auditRows()).as("one audit row per new verdict").isEqualTo(1000);
    assertThat(full.discrepancyRows()).as("every 25th transaction is an amount mismatch").isEqualTo(40);
    assertThat(full.eventsPerSecond()).isPositive();
    assertThat(full.auditRowsPerSecond()).isPositive();

    PostgresCeiling.Result rawOnly = report.rawOnly();
    assertThat(rawOnly.rawRows()).isEqualTo(3000);
    assertThat(rawOnly.resultRows()).isZero();
    assertThat(rawOnly.auditRows()).isZero();
    assertThat(rawOnly.eventsPerSecond()).isPositive();
    assertThat(report.serverVersion()).matches("\\d+.*");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("events/s");

    try (var c = DriverManager.getConnection(config.withDatabase("postgres").jdbcUrl(), config.adminUser(), config.adminPassword());
        var s = c.prepareStatement("SELECT count(*) FROM pg_database WHERE datname = ?")) {
      s.setString(1, database);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        assertThat(rs.getInt(1)).as("scratch database left behind").isZero();
      }
    }
  }
}
