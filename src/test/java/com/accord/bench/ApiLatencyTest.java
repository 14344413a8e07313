package com.accord.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Seeding a running Accord's results and measuring its read API at a small rate. */
class ApiLatencyTest {

  @Test
  void seedsRealisticResultsAndMeasuresEveryProbeWithoutErrors() {
    Vertx vertx = Vertx.vertx();
    try (AccordFixture accord = AccordFixture.start(vertx)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      PrintStream progress = new PrintStream(out, true, StandardCharsets.UTF_8);
      var admin = accord.config().postgres().asAdmin();

      ApiLatency.Seeding seeding = ApiLatency.seedResults(admin, 20_000, progress);
      assertThat(seeding.rowsSeeded()).isEqualTo(20_000 - seeding.rowsBefore());
      assertThat(accord.count("SELECT count(*) FROM reconciliation_results")).isEqualTo(20_000);
      long matched = accord.count("SELECT count(*) FROM reconciliation_results WHERE status = 'MATCHED'");
      long mismatched = accord.count("SELECT count(*) FROM reconciliation_results WHERE status = 'MISMATCHED'");
      long missing = accord.count("SELECT count(*) FROM reconciliation_results WHERE status = 'MISSING'");
      assertThat(matched).isBetween(17_600L, 18_400L);
      assertThat(mismatched).isBetween(1_200L, 1_600L);
      assertThat(missing).isBetween(450L, 750L);
      assertThat(accord.count("SELECT count(*) FROM discrepancies")).as("one discrepancy row per mismatched or missing result")
          .isEqualTo(mismatched + missing);
      assertThat(accord.count("SELECT count(*) FROM audit_logs WHERE resource_id LIKE 'BENCHSEED-%'")).as("no audit rows for seeded results").isZero();
      assertThat(seeding.rawEventsSeeded()).isBetween(55L, 60L); // 3 events for each of 20 txns, 2 for a MISSING one
      assertThat(ApiLatency.seedResults(admin, 20_000, progress).rowsSeeded()).as("a second seeding to the same target").isZero();

      List<String> ids = ApiLatency.sampleTxnIds(admin, 40, 7);
      assertThat(ids).hasSizeGreaterThan(30).allMatch(id -> id.startsWith("BENCHSEED-"));
      JsonObject withEvents = accord.get("/api/v1/transactions/BENCHSEED-1000").json();
      assertThat(withEvents.getJsonObject("events").fieldNames()).contains("core");
      assertThat(withEvents.getJsonObject("result").getString("txn_id")).isEqualTo("BENCHSEED-1000");

      ApiLatency.Report report = ApiLatency.measure(
          new ApiLatency.Settings(accord.baseUrl(), accord.token("auditor"), 80, Duration.ofSeconds(2), Duration.ofMillis(500)),
          ids, progress);
      System.out.print(out.toString(StandardCharsets.UTF_8)); // the numbers, in the surefire output file

      assertThat(report.probes()).extracting(ApiLatency.Probe::name)
          .containsExactly("results filtered", "results first page", "results next page", "transaction drill-down");
      assertThat(report.errorsByKind()).isEmpty();
      for (ApiLatency.Probe probe : report.probes()) {
        assertThat(probe.latency().count()).as(probe.name()).isBetween(35L, 45L); // 160 requests over 4 probes
        assertThat(probe.latency().p50()).as(probe.name()).isPositive().isLessThanOrEqualTo(probe.latency().max());
      }
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("api latency [transaction drill-down]: p50");
    } finally {
      vertx.close().await();
    }
  }
}
