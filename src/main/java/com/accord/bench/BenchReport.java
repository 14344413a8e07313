package com.accord.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.function.Function;

/**
 * The bench run's results: named measurements beside this machine's ceilings, latency
 * percentiles, the run's settings and findings; printed as a plain-text table and written as
 * docs/BENCHMARKS.md with a hand-written SVG chart (docs/benchmarks.svg).
 */
public final class BenchReport {

  public static final String MARKDOWN_FILE = "BENCHMARKS.md";
  public static final String SVG_FILE = "benchmarks.svg";
  /** Width in SVG user units of the longer bar of a throughput row, and of the latency axis. */
  static final double BAR_WIDTH_MAX = 500;

  /**
   * One measurement. {@code ceiling} is this machine's upper bound for the same quantity, or null
   * when there is none to compare with.
   */
  public record Row(String metric, double value, String unit, Double ceiling, String notes) {
    /** value ÷ ceiling, when there is a positive ceiling. */
    public OptionalDouble ratio() {
      return ceiling == null || ceiling <= 0 ? OptionalDouble.empty() : OptionalDouble.of(value / ceiling);
    }
  }

  public record LatencyRow(String name, LatencySummary latency, String notes) {}


  private final String commandLine;
  private final Map<String, String> settings = new LinkedHashMap<>();
  private final List<Row> rows = new ArrayList<>();
  private final List<LatencyRow> latencies = new ArrayList<>();
  private final List<String> findings = new ArrayList<>();
  private final List<CpuProfile.Usage> cpu = new ArrayList<>();
  /** Where the detection latency went, one table per latency run. */
  private final List<Stages> stages = new ArrayList<>();

  record Stages(String title, List<StageBreakdown.Line> lines) {}

  /** @param commandLine the exact command that reproduces this run, quoted in the markdown */
  public BenchReport(String commandLine) {
    this.commandLine = commandLine;
  }

  /** Cores and JVM of this machine, to start the settings with. */
  public static Map<String, String> machineSettings() {
    Map<String, String> machine = new LinkedHashMap<>();
    machine.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
    machine.put("JVM", System.getProperty("java.vm.name") + " " + Runtime.version());
    machine.put("OS", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
    return machine;
  }

  public BenchReport setting(String key, String value) {
    settings.put(key, value);
    return this;
  }

  public BenchReport settings(Map<String, String> entries) {
    settings.putAll(entries);
    return this;
  }

  public BenchReport row(String metric, double value, String unit, Double ceiling, String notes) {
    rows.add(new Row(metric, value, unit, ceiling, notes == null ? "" : notes));
    return this;
  }

  public BenchReport latency(String name, LatencySummary latency, String notes) {
    latencies.add(new LatencyRow(name, latency, notes == null ? "" : notes));
    return this;
  }

  /** A phase's CPU profile, shown in a table of CPU time per event by component. */
  BenchReport cpu(CpuProfile.Usage usage) {
    cpu.add(usage);
    return this;
  }

  /** A paragraph of markdown for the findings section. */
  /** Where the detection latency went in one run: the pipeline's stage timers over its measured window. */
  public BenchReport stages(String title, List<StageBreakdown.Line> lines) {
    stages.add(new Stages(title, List.copyOf(lines)));
    return this;
  }

  public BenchReport finding(String markdown) {
    findings.add(markdown);
    return this;
  }

  public List<Row> rows() {
    return List.copyOf(rows);
  }

  public List<LatencyRow> latencies() {
    return List.copyOf(latencies);
  }

  public Map<String, String> settings() {
    return Map.copyOf(settings);
  }

  // ---- plain text ----------------------------------------------------------------------------

  public void printTable(PrintStream out) {
    List<String[]> table = new ArrayList<>();
    table.add(new String[] {"metric", "value", "unit", "ceiling", "ratio", "notes"});
    for (Row row : rows) {
      table.add(new String[] {row.metric(), number(row.value()), row.unit(),
          row.ceiling() == null ? "-" : number(row.ceiling()), ratioText(row), row.notes()});
    }
    printAligned(out, table);
    if (!latencies.isEmpty()) {
      out.println();
      List<String[]> lat = new ArrayList<>();
      lat.add(new String[] {"latency", "samples", "errors", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "notes"});
      for (LatencyRow row : latencies) {
        LatencySummary l = row.latency();
        lat.add(new String[] {row.name(), Long.toString(l.count()), Long.toString(l.errors()), millis(l.p50()),
            millis(l.p99()), millis(l.p999()), millis(l.max()), row.notes()});
      }
      printAligned(out, lat);
    }
    for (Stages run : stages) {
      out.println();
      printAligned(out, stagesTable(run));
    }
    if (!cpu.isEmpty()) {
      out.println();
      printAligned(out, cpuTable());
    }
  }

  /** One line per timer: what it counts, how many, mean, p50 and p99 (bucket upper bounds, "≤"). */
  static List<String[]> stagesTable(Stages run) {
    List<String[]> table = new ArrayList<>();
    table.add(new String[] {"where the time went (" + run.title() + ")", "count", "of", "mean ms", "p50 ms", "p99 ms"});
    for (StageBreakdown.Line line : run.lines()) {
      boolean exact = line.name().contains("(exact)");
      table.add(new String[] {line.name(), String.format(Locale.ROOT, "%,d", line.count()), line.counts(),
          Double.isNaN(line.meanMillis()) ? "—" : String.format(Locale.ROOT, "%.1f", line.meanMillis()),
          (exact ? "" : "≤ ") + bound(line.p50Millis()), (exact ? "" : "≤ ") + bound(line.p99Millis())});
    }
    return table;
  }

  private static String bound(double millis) {
    return Double.isInfinite(millis) ? "∞" : String.format(Locale.ROOT, millis < 10 ? "%.1f" : "%,.0f", millis);
  }

  /**
   * Components down, phases across: CPU microseconds per event, then the whole machine's busy
   * share, the rate the cores could carry at that cost, and the rate achieved.
   */
  List<String[]> cpuTable() {
    List<String> components = new ArrayList<>();
    for (CpuProfile.Usage column : cpu) {
      column.byComponent().keySet().stream().filter(c -> !components.contains(c)).forEach(components::add);
    }
    List<String[]> table = new ArrayList<>();
    String[] header = new String[cpu.size() + 1];
    header[0] = "CPU µs per event";
    for (int i = 0; i < cpu.size(); i++) {
      header[i + 1] = cpu.get(i).phase();
    }
    table.add(header);
    for (String component : components) {
      table.add(cpuLine(component, column -> column.byComponent().containsKey(component)
          ? micros(column.microsPerEvent(component)) : "—"));
    }
    table.add(cpuLine("all of the above", column -> micros(column.microsPerEvent(null))));
    table.add(cpuLine("machine busy, all processes", column -> String.format(Locale.ROOT, "%.0f %% of %d cores",
        column.machineBusy() * 100, column.cores())));
    table.add(cpuLine("events/s the cores could carry at this cost", column -> number(column.cpuBoundEventsPerSecond())));
    table.add(cpuLine("events/s over the profiled time", column -> number(column.eventsPerSecond())));
    List<String> heapGroups = new ArrayList<>();
    for (CpuProfile.Usage column : cpu) {
      column.allocatedByGroup().keySet().stream().filter(g -> !heapGroups.contains(g)).forEach(heapGroups::add);
    }
    for (String group : heapGroups) {
      table.add(cpuLine("heap KB allocated per event: " + group, column -> column.allocatedByGroup().containsKey(group)
          ? micros(column.kilobytesPerEvent(group)) : "—"));
    }
    if (!heapGroups.isEmpty()) {
      table.add(cpuLine("heap KB allocated per event: all of this JVM", column -> micros(column.kilobytesPerEvent(null))));
    }
    table.add(cpuLine("GC pauses (stopping every thread of this JVM): count, total, longest", column -> {
      HeapProfile.Pauses pauses = column.pauses();
      return String.format(Locale.ROOT, "%,d, %,d ms, %,d ms", pauses.count(), pauses.total().toMillis(), pauses.longest().toMillis());
    }));
    return table;
  }

  private String[] cpuLine(String name, Function<CpuProfile.Usage, String> cell) {
    String[] line = new String[cpu.size() + 1];
    line[0] = name;
    for (int i = 0; i < cpu.size(); i++) {
      line[i + 1] = cell.apply(cpu.get(i));
    }
    return line;
  }

  private static String micros(double value) {
    return String.format(Locale.ROOT, value < 10 ? "%.1f" : "%,.0f", value);
  }

  private static void printAligned(PrintStream out, List<String[]> table) {
    int[] widths = new int[table.get(0).length];
    for (String[] line : table) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    for (int l = 0; l < table.size(); l++) {
      String[] line = table.get(l);
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < line.length; i++) {
        boolean numeric = i > 0 && i < line.length - 1 && l > 0 && !line[i].isEmpty() && Character.isDigit(line[i].charAt(0));
        String cell = numeric ? " ".repeat(widths[i] - line[i].length()) + line[i] : line[i] + " ".repeat(widths[i] - line[i].length());
        text.append(cell).append(i < line.length - 1 ? "  " : "");
      }
      out.println(text.toString().stripTrailing());
      if (l == 0) {
        int total = 0;
        for (int w : widths) {
          total += w + 2;
        }
        out.println("-".repeat(total - 2));
      }
    }
  }

  // ---- markdown and svg ------------------------------------------------------------------------

  /** Writes {@value #MARKDOWN_FILE} and {@value #SVG_FILE} into {@code docsDir}, creating it if needed. */
  public void writeMarkdown(Path docsDir) throws IOException {
    Files.createDirectories(docsDir);
    Files.writeString(docsDir.resolve(SVG_FILE), svg(), StandardCharsets.UTF_8);
    Files.writeString(docsDir.resolve(MARKDOWN_FILE), markdown(), StandardCharsets.UTF_8);
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Accord benchmarks\n\n");
    md.append("What Accord achieves on one machine, beside what that machine's PostgreSQL and Redis can do at most ")
        .append("for the same writes (the ceilings), and how fast its read API answers under a steady load.\n\n");
    md.append("## How to reproduce\n\n```\n").append(commandLine).append("\n```\n\n");
    md.append("## Settings\n\n| Setting | Value |\n|---|---|\n");
    settings.forEach((key, value) -> md.append("| ").append(cell(key)).append(" | ").append(cell(value)).append(" |\n"));
    md.append("\n## Results\n\n");
    md.append("| Metric | Value | Unit | Ceiling | Achieved ÷ ceiling | Notes |\n|---|---:|---|---:|---:|---|\n");
    for (Row row : rows) {
      md.append("| ").append(cell(row.metric())).append(" | ").append(number(row.value())).append(" | ").append(cell(row.unit()))
          .append(" | ").append(row.ceiling() == null ? "—" : number(row.ceiling())).append(" | ").append(ratioText(row))
          .append(" | ").append(cell(row.notes())).append(" |\n");
    }
    if (!latencies.isEmpty()) {
      md.append("\n## Latency\n\nOpen-loop schedule: each request is due at a fixed time and its latency runs from that time, ")
          .append("so queueing behind a slow response is counted. Percentiles are exact (nearest rank over every sample); ")
          .append("errors are not samples.\n\n");
      md.append("| Probe | Samples | Errors | p50 ms | p99 ms | p99.9 ms | max ms | Notes |\n|---|---:|---:|---:|---:|---:|---:|---|\n");
      for (LatencyRow row : latencies) {
        LatencySummary l = row.latency();
        md.append("| ").append(cell(row.name())).append(" | ").append(l.count()).append(" | ").append(l.errors())
            .append(" | ").append(millis(l.p50())).append(" | ").append(millis(l.p99())).append(" | ").append(millis(l.p999()))
            .append(" | ").append(millis(l.max())).append(" | ").append(cell(row.notes())).append(" |\n");
      }
    }
    if (!stages.isEmpty()) {
      md.append("\n## Where the detection latency went\n\nAccord's own pipeline timers (`/metrics`: ")
          .append("`accord_kafka_record_age`, `accord_pipeline_stage{stage}`, `accord_detection{via}`), read before and after ")
          .append("the measured window. A batch passes the stages in the order listed; a stage's time is a batch's, and each of ")
          .append("its events waits it. Percentiles from the timers' histogram buckets are bucket upper bounds (≤); the load ")
          .append("generator's line is exact.\n");
      for (Stages run : stages) {
        md.append('\n');
        appendMarkdownTable(md, stagesTable(run));
      }
    }
    if (!cpu.isEmpty()) {
      md.append("\n## Where the CPU went\n\nCPU time of each process (and of this JVM's thread groups) during each phase, ")
          .append("read from `/proc` before and after it and divided by the phase's events. Every process shares the same ")
          .append("cores, so the cores divided by the total is the most this machine could carry with the same work per event, ")
          .append("before any waiting is counted. In the ceiling's column \"this JVM\" is the ceiling's own writer; in the ")
          .append("others it is Accord together with the bench's load generator and Kafka producer. In the floor's and the ")
          .append("bare pipeline's columns Accord idles: their consumer counts under other threads, and the bare pipeline's ")
          .append("PostgreSQL and Redis clients under the Vert.x event loops. Below the CPU, the heap ")
          .append("this JVM's threads allocated per event (HotSpot's per-thread counts, the load generator's threads apart from ")
          .append("Accord's) and the garbage collector's pauses in the phase, which stop Accord whoever made the garbage.\n\n");
      appendMarkdownTable(md, cpuTable());
    }
    md.append("\n![Achieved against ceiling, and latency percentiles](").append(SVG_FILE).append(")\n");
    if (!findings.isEmpty()) {
      md.append("\n## Findings\n\n");
      for (String finding : findings) {
        md.append(finding.strip()).append("\n\n");
      }
    }
    return md.toString().stripTrailing() + "\n";
  }

  /** The first column left-aligned, the others right-aligned, the first line the header. */
  private static void appendMarkdownTable(StringBuilder md, List<String[]> table) {
    for (int l = 0; l < table.size(); l++) {
      String[] line = table.get(l);
      md.append("|");
      for (String value : line) {
        md.append(" ").append(cell(value)).append(" |");
      }
      md.append("\n");
      if (l == 0) {
        md.append("|---|").append("---:|".repeat(line.length - 1)).append("\n");
      }
    }
  }

  /** Two panels: achieved vs ceiling per throughput row that has a ceiling; latency percentiles on a log scale. */
  String svg() {
    List<Row> compared = rows.stream().filter(r -> r.ceiling() != null).toList();
    double left = 260;
    double rowHeight = 46;
    double panel1Top = 50;
    double panel1Height = Math.max(1, compared.size()) * rowHeight;
    double panel2Top = panel1Top + panel1Height + 70;
    double latencyRowHeight = 4 * 14 + 16;
    double panel2Height = Math.max(1, latencies.size()) * latencyRowHeight + 30;
    double width = left + BAR_WIDTH_MAX + 150;
    double height = panel2Top + panel2Height + 20;

    StringBuilder svg = new StringBuilder();
    svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
        + "font-family=\"sans-serif\" font-size=\"12\">%n", width, height, width, height));
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append(text(10, 24, "Throughput, measured or bound (blue), against this machine's ceiling (grey)", "font-size=\"15\" font-weight=\"bold\""));
    for (int i = 0; i < compared.size(); i++) {
      Row row = compared.get(i);
      double y = panel1Top + i * rowHeight;
      double longest = Math.max(row.value(), row.ceiling());
      double achieved = longest <= 0 ? 0 : BAR_WIDTH_MAX * row.value() / longest;
      double ceiling = longest <= 0 ? 0 : BAR_WIDTH_MAX * row.ceiling() / longest;
      svg.append(text(10, y + 16, row.metric(), ""));
      svg.append(text(10, y + 32, ratioText(row) + " of ceiling", "fill=\"#555\""));
      svg.append(bar(left, y + 2, achieved, 16, "#2f6fb0", "achieved"));
      svg.append(text(left + achieved + 6, y + 14, number(row.value()) + " " + row.unit(), ""));
      svg.append(bar(left, y + 21, ceiling, 16, "#b8b8b8", "ceiling"));
      svg.append(text(left + ceiling + 6, y + 33, number(row.ceiling()) + " " + row.unit() + " (ceiling)", "fill=\"#555\""));
    }
    if (compared.isEmpty()) {
      svg.append(text(left, panel1Top + 20, "no measurement with a ceiling", "fill=\"#555\""));
    }

    svg.append(text(10, panel2Top - 26, "Latency percentiles (ms, log scale): p50, p99, p99.9, max", "font-size=\"15\" font-weight=\"bold\""));
    long maxNanos = latencies.stream().mapToLong(r -> r.latency().max().toNanos()).max().orElse(1_000_000);
    double decades = Math.max(1, Math.ceil(Math.log10(Math.max(maxNanos, 1) / 100_000.0))); // axis from 0.1 ms
    for (int d = 0; d <= decades; d++) {
      double x = left + BAR_WIDTH_MAX * d / decades;
      svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
          x, panel2Top - 10, x, panel2Top + panel2Height - 24));
      svg.append(text(x - 10, panel2Top + panel2Height - 10, number(0.1 * Math.pow(10, d)), "fill=\"#555\""));
    }
    String[] labels = {"p50", "p99", "p99.9", "max"};
    String[] colours = {"#7fb3e0", "#2f6fb0", "#1d4570", "#b04a2f"};
    for (int i = 0; i < latencies.size(); i++) {
      LatencyRow row = latencies.get(i);
      LatencySummary l = row.latency();
      Duration[] values = {l.p50(), l.p99(), l.p999(), l.max()};
      double y = panel2Top + i * latencyRowHeight;
      svg.append(text(10, y + 14, row.name(), ""));
      svg.append(text(10, y + 30, l.count() + " samples, " + l.errors() + " errors", "fill=\"#555\""));
      for (int p = 0; p < values.length; p++) {
        double w = logWidth(values[p], decades);
        svg.append(bar(left, y + p * 14, w, 12, colours[p], labels[p]));
        svg.append(text(left + w + 6, y + p * 14 + 10, labels[p] + " " + millis(values[p]), "font-size=\"10\""));
      }
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  /** Bar width of a latency on the log axis that starts at 0.1 ms and spans {@code decades} powers of ten. */
  static double logWidth(Duration latency, double decades) {
    double ms = latency.toNanos() / 1e6;
    if (ms <= 0.1) {
      return 1;
    }
    return Math.min(BAR_WIDTH_MAX, BAR_WIDTH_MAX * Math.log10(ms / 0.1) / decades);
  }

  private static String bar(double x, double y, double w, double h, String fill, String title) {
    return String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s</title></rect>%n",
        x, y, w, h, fill, xml(title));
  }

  private static String text(double x, double y, String content, String attributes) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\"%s>%s</text>%n", x, y,
        attributes.isEmpty() ? "" : " " + attributes, xml(content));
  }

  // ---- formatting ----------------------------------------------------------------------------

  static String ratioText(Row row) {
    OptionalDouble ratio = row.ratio();
    return ratio.isPresent() ? String.format(Locale.ROOT, "%.1f %%", ratio.getAsDouble() * 100) : "—";
  }

  static String number(double value) {
    double abs = Math.abs(value);
    if (abs >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (abs >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }

  static String millis(Duration d) {
    return String.format(Locale.ROOT, "%.2f", d.toNanos() / 1e6);
  }

  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }

  private static String xml(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
