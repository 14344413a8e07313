package com.accord.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class BenchReportTest {

  private static BenchReport sample() {
    return new BenchReport("java -jar target/accord.jar bench --transactions 100000")
        .setting("cores", "2")
        .setting("PostgreSQL", "15.20")
        .row("ingest events/s", 2500, "events/s", 10_000.0, "Kafka to results")
        .row("redis calls/s", 40_000, "calls/s", 50_000.0, "")
        .row("redis bytes per pending txn", 812, "bytes", null, "1 event | JSON")
        .latency("results filtered", new LatencySummary(100, 2, Duration.ofMillis(3), Duration.ofMillis(40),
            Duration.ofMillis(90), Duration.ofMillis(120)), "limit=50")
        .finding("PostgreSQL's audit chain is the limit.");
  }

  @Test
  void ratioIsValueOverCeiling() {
    BenchReport.Row row = sample().rows().get(0);
    assertThat(row.ratio()).hasValue(0.25);
    assertThat(BenchReport.ratioText(row)).isEqualTo("25.0 %");
    assertThat(sample().rows().get(2).ratio()).isEmpty();
    assertThat(new BenchReport.Row("x", 5, "u", 0.0, "").ratio()).as("a zero ceiling gives no ratio").isEmpty();
  }

  @Test
  void markdownHasCommandSettingsRowsRatiosLatencyFindingsAndChart() {
    String md = sample().markdown();
    assertThat(md).startsWith("# Accord benchmarks");
    assertThat(md).contains("```\njava -jar target/accord.jar bench --transactions 100000\n```");
    assertThat(md).contains("| cores | 2 |").contains("| PostgreSQL | 15.20 |");
    assertThat(md).contains("| ingest events/s | 2,500 | events/s | 10,000 | 25.0 % | Kafka to results |");
    assertThat(md).contains("| redis calls/s | 40,000 | calls/s | 50,000 | 80.0 % |");
    assertThat(md).contains("| redis bytes per pending txn | 812 | bytes | — | — | 1 event \\| JSON |");
    assertThat(md).contains("| results filtered | 100 | 2 | 3.00 | 40.00 | 90.00 | 120.00 | limit=50 |");
    assertThat(md).contains("![Achieved against ceiling, and latency percentiles](benchmarks.svg)");
    assertThat(md).contains("## Findings\n\nPostgreSQL's audit chain is the limit.");
  }

  @Test
  void cpuTableShowsMicrosPerEventByComponentAndTheBoundTheCoresSet() {
    Map<String, Duration> used = new LinkedHashMap<>();
    used.put(CpuProfile.POSTGRES, Duration.ofSeconds(9));
    used.put(CpuProfile.REDIS, Duration.ofMillis(500));
    Map<String, Long> allocated = new LinkedHashMap<>();
    allocated.put(CpuProfile.HEAP_LOAD_GENERATOR, 3_000_000_000L);
    allocated.put(CpuProfile.HEAP_OTHER_THREADS, 250_000_000L);
    CpuProfile.Usage kafka = new CpuProfile.Usage("Kafka", 100_000, Duration.ofSeconds(10), 2, used, 0.5, allocated,
        new HeapProfile.Pauses(12, Duration.ofMillis(340), Duration.ofMillis(51)));
    CpuProfile.Usage ceiling = new CpuProfile.Usage("ceiling", 1_000_000, Duration.ofSeconds(20), 2,
        Map.of(CpuProfile.POSTGRES, Duration.ofSeconds(30)), 0.75, Map.of(CpuProfile.HEAP_OTHER_THREADS, 50_000_000L),
        HeapProfile.Pauses.NONE);
    String md = sample().cpu(ceiling).cpu(kafka).markdown();

    assertThat(md).contains("## Where the CPU went")
        .contains("| CPU µs per event | ceiling | Kafka |\n|---|---:|---:|\n")
        .contains("| " + CpuProfile.POSTGRES + " | 30 | 90 |")
        .contains("| " + CpuProfile.REDIS + " | — | 5.0 |")
        .contains("| all of the above | 30 | 95 |")
        .contains("| machine busy, all processes | 75 % of 2 cores | 50 % of 2 cores |")
        .as("2 cores ÷ 95 µs per event")
        .contains("| events/s the cores could carry at this cost | 66,667 | 21,053 |")
        .contains("| events/s over the profiled time | 50,000 | 10,000 |")
        .as("3 GB ÷ 100,000 events; a group a column lacks is a dash")
        .contains("| heap KB allocated per event: " + CpuProfile.HEAP_LOAD_GENERATOR + " | — | 30 |")
        .contains("| heap KB allocated per event: " + CpuProfile.HEAP_OTHER_THREADS + " | 0.1 | 2.5 |")
        .contains("| heap KB allocated per event: all of this JVM | 0.1 | 33 |")
        .contains("| GC pauses (stopping every thread of this JVM): count, total, longest | 0, 0 ms, 0 ms | 12, 340 ms, 51 ms |");
  }

  @Test
  void stageTableMarksBucketBoundsAndKeepsExactLinesExact() {
    String md = sample().stages("the latency run", List.of(
        new StageBreakdown.Line("load generator: sent after its due time (exact)", "events", 1000, Double.NaN, 0.25, 12.5),
        new StageBreakdown.Line("stage: results", "batches", 40, 7.25, 5.6, Double.POSITIVE_INFINITY))).markdown();

    assertThat(md).contains("## Where the detection latency went")
        .contains("| where the time went (the latency run) | count | of | mean ms | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|\n")
        .contains("| load generator: sent after its due time (exact) | 1,000 | events | — | 0.3 | 13 |")
        .contains("| stage: results | 40 | batches | 7.3 | ≤ 5.6 | ≤ ∞ |");
  }

  @Test
  void eachLatencyRunGetsATableOfItsOwnUnderOneHeading() {
    String md = sample()
        .stages("through Kafka", List.of(new StageBreakdown.Line("stage: redis", "batches", 10, 3.5, 2.5, 25)))
        .stages("through HTTP", List.of(new StageBreakdown.Line("stage: redis", "batches", 20, 1.5, 1.0, 10)))
        .markdown();

    assertThat(md.split("## Where the detection latency went", -1)).hasSize(2);
    assertThat(md.indexOf("| where the time went (through Kafka) |")).isPositive()
        .isLessThan(md.indexOf("| where the time went (through HTTP) |"));
    assertThat(md).contains("| stage: redis | 10 | batches | 3.5 | ≤ 2.5 | ≤ 25 |")
        .contains("| stage: redis | 20 | batches | 1.5 | ≤ 1.0 | ≤ 10 |");
  }

  @Test
  void svgIsWellFormedWithBarsInProportion() throws Exception {
    String svg = sample().svg();
    Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    NodeList rects = doc.getElementsByTagName("rect");
    // background + 2 bars for each of the 2 rows with a ceiling + 4 percentile bars
    assertThat(rects.getLength()).isEqualTo(1 + 4 + 4);
    Element achieved = (Element) rects.item(1);
    Element ceiling = (Element) rects.item(2);
    assertThat(Double.parseDouble(achieved.getAttribute("width"))).isEqualTo(BenchReport.BAR_WIDTH_MAX * 0.25);
    assertThat(Double.parseDouble(ceiling.getAttribute("width"))).isEqualTo(BenchReport.BAR_WIDTH_MAX);
    assertThat(svg).contains("ingest events/s").contains("25.0 % of ceiling").contains("p99.9 90.00");
    assertThat(svg).doesNotContain("redis bytes per pending txn"); // no ceiling, no bar
  }

  @Test
  void latencyBarsUseALogAxisFromATenthOfAMillisecond() {
    // 3 decades: 0.1 ms .. 100 ms; 10 ms is two decades in
    assertThat(BenchReport.logWidth(Duration.ofMillis(10), 3)).isCloseTo(BenchReport.BAR_WIDTH_MAX * 2 / 3, org.assertj.core.data.Offset.offset(0.001));
    assertThat(BenchReport.logWidth(Duration.ofMillis(100), 3)).isCloseTo(BenchReport.BAR_WIDTH_MAX, org.assertj.core.data.Offset.offset(0.001));
    assertThat(BenchReport.logWidth(Duration.ofNanos(50_000), 3)).isEqualTo(1);
  }

  @Test
  void writesBothFilesAndPrintsAnAlignedTable(@TempDir Path dir) throws Exception {
    sample().writeMarkdown(dir.resolve("docs"));
    assertThat(Files.readString(dir.resolve("docs/BENCHMARKS.md"))).contains("25.0 %");
    assertThat(Files.readString(dir.resolve("docs/benchmarks.svg"))).startsWith("<svg");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    sample().printTable(new PrintStream(out, true, StandardCharsets.UTF_8));
    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines[0]).startsWith("metric").contains("ratio");
    assertThat(lines[2]).contains("ingest events/s").contains("2,500").contains("25.0 %");
    int ratioColumn = lines[0].indexOf("ratio");
    assertThat(lines[2].indexOf("25.0 %")).isEqualTo(lines[3].indexOf("80.0 %")); // aligned column
    assertThat(ratioColumn).isPositive();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("results filtered").contains("120.00");
  }
}
