package com.accord.bench;

import com.accord.Accord;
import com.accord.cli.Options;
import com.accord.cli.SimulateCommand;
import com.accord.config.AccordConfig;
import com.accord.domain.TransactionEvent;
import com.accord.infra.RedisClients;
import com.accord.metrics.Metrics;
import com.accord.persistence.Database;
import com.accord.push.PushVerticle;
import com.accord.simulation.AccessToken;
import com.accord.simulation.EventSink;
import com.accord.simulation.GeneratedTransaction;
import com.accord.simulation.HttpSink;
import com.accord.simulation.KafkaSink;
import com.accord.simulation.Scenario;
import com.accord.simulation.Simulator;
import com.accord.simulation.TrafficGenerator;
import com.accord.simulation.Verifier;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * {@code java -jar accord.jar bench [--quick] [--transactions N] ...}: measures this machine's
 * ceilings for Accord's own work (PostgreSQL rows, Redis function calls), then Accord itself on a
 * database of its own with its own Kafka broker — sustained end-to-end throughput through Kafka
 * and through HTTP with the seed's defect mix (each run verified against its ground truth),
 * detection latency under an open-loop load at half the measured rate, heap after GC, Redis bytes
 * per pending transaction, and API latency on a large results table — and writes the table to
 * {@code docs/BENCHMARKS.md} with a chart. Exit code 0 only if every verify passed.
 */
public final class Bench {

  private static final PrintStream out = System.out;
  private static final String SCENARIO = "simulators/burst.yaml"; // the seed's defect mix, unpaced
  /** Sent at the latency run's rate but not measured: JIT compilation, connection pools, caches. */
  private static final Duration WARM_UP = Duration.ofSeconds(10);
  private static final int WARM_UP_TRANSACTIONS = 20_000;
  /** The HTTP latency run's client: events wait up to this long to share a request (the Kafka run's producer lingers 2 ms). */
  private static final Duration LATENCY_LINGER = Duration.ofMillis(2);
  private static final int LATENCY_HTTP_REQUESTS_IN_FLIGHT = 16;

  private Bench() {}

  /** What a run measures and how much; {@code --quick} scales everything down for a few minutes' run. */
  record Plan(int transactions, int httpTransactions, long ceilingEvents, long resultRows, Duration latencyPhase,
      int apiRate, Duration apiPhase, Duration apiWarmUp, Path docs, java.util.Set<String> phases, Integer latencyRate,
      List<Double> latencyLoads) {

    static final List<String> PHASES = List.of("ceilings", "kafka", "http", "latency", "api");

    boolean runs(String phase) {
      return phases.contains(phase);
    }

    static Plan of(Options options) {
      boolean quick = options.has("quick");
      int transactions = intOption(options, "transactions", quick ? 30_000 : 1_000_000);
      return new Plan(
          transactions,
          intOption(options, "http-transactions", transactions),
          intOption(options, "ceiling-events", quick ? 100_000 : 600_000),
          intOption(options, "results-rows", quick ? 1_000_000 : 10_000_000),
          options.duration("latency-phase", quick ? Duration.ofSeconds(20) : Duration.ofSeconds(60)),
          intOption(options, "api-rate", 100),
          options.duration("api-phase", quick ? Duration.ofSeconds(20) : Duration.ofSeconds(60)),
          // the API's read paths are not run by the pipeline phases: JIT-compiled before they are measured
          options.duration("api-warm-up", quick ? Duration.ofSeconds(10) : Duration.ofSeconds(30)),
          Path.of(options.get("docs", "docs")),
          phases(options.get("phases", String.join(",", PHASES))),
          options.integer("latency-rate"),
          // detection latency at half the measured maxima, as the target reads, and at a quarter to show the curve
          shares(options.get("latency-loads", quick ? "0.5" : "0.5,0.25")));
    }

    private static List<Double> shares(String list) {
      List<Double> shares = new ArrayList<>();
      for (String item : list.split(",")) {
        double share;
        try {
          share = Double.parseDouble(item.trim());
        } catch (NumberFormatException e) {
          share = Double.NaN;
        }
        if (!(share > 0 && share <= 1)) {
          throw new IllegalArgumentException("--latency-loads takes shares of the measured maximum rate in (0, 1], "
              + "comma separated, got '" + item + "' in '" + list + "'");
        }
        shares.add(share);
      }
      return List.copyOf(shares);
    }

    private static java.util.Set<String> phases(String list) {
      java.util.Set<String> phases = new java.util.LinkedHashSet<>(List.of(list.split(",")));
      if (!PHASES.containsAll(phases)) {
        throw new IllegalArgumentException("--phases takes a comma separated subset of " + PHASES + ", got '" + list + "'");
      }
      return phases;
    }

    private static int intOption(Options options, String name, int fallback) {
      Integer value = options.integer(name);
      return value == null ? fallback : value;
    }
  }

  public static int run(Options options, List<String> commandLine) throws Exception {
    Plan plan = Plan.of(options);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putIfAbsent("ACCORD_POSTGRES_DATABASE", "accord_bench");
    env.putIfAbsent("ACCORD_REDIS_KEY_PREFIX", "accord-bench:");
    env.putIfAbsent("ACCORD_RULES_WINDOW", "PT3S");
    // Settled state leaves Redis after the retention. With the default 10 minutes a drain of five
    // never paid for dropping its own, and the phases after it paid for dropping a million
    // transactions at the drain's rate: a minute makes each phase pay for its own, as a system in
    // steady state does.
    env.putIfAbsent("ACCORD_CORRELATION_RETENTION", "PT1M");
    env.putIfAbsent("ACCORD_HTTP_PORT", "0");
    env.putIfAbsent("ACCORD_METRICS_PORT", "0");
    // the load generators are one principal each: lift the per-principal limits for the run
    env.put("ACCORD_SECURITY_RATE_LIMIT_PRINCIPAL_PER_SECOND", "1000000");
    env.put("ACCORD_SECURITY_RATE_LIMIT_PRINCIPAL_BURST", "1000000");
    env.put("ACCORD_SECURITY_RATE_LIMIT_ADDRESS_PER_SECOND", "1000000");
    env.put("ACCORD_SECURITY_RATE_LIMIT_ADDRESS_BURST", "1000000");
    String adminPassword = randomPassword();
    String ingestorPassword = randomPassword();
    env.put("ACCORD_SECURITY_BOOTSTRAP_USERS", "admin:" + adminPassword + ":admin,ingestor:" + ingestorPassword + ":ingestor");
    AccordConfig configured = AccordConfig.load(options.configFile(), env);

    BenchReport report = new BenchReport(String.join(" ", commandLine));
    report.settings(BenchReport.machineSettings())
        .setting("transactions (Kafka run)", String.format("%,d", plan.transactions()))
        .setting("transactions (HTTP run)", String.format("%,d", plan.httpTransactions()))
        .setting("defect mix", "seed's (simulators/burst.yaml: the seed mix, unpaced)")
        .setting("reconciliation window", configured.rules().window().toString())
        .setting("settled state kept in Redis (correlation.retention)", configured.correlation().retention().toString())
        .setting("Kafka poll / batches in flight", configured.kafka().pollRecordsMax() + " records / "
            + configured.kafka().batchesInFlightMax())
        .setting("PostgreSQL pool", Integer.toString(configured.postgres().poolSize()))
        .setting("Kafka", org.apache.kafka.common.utils.AppInfoParser.getVersion() + " (embedded single-node KRaft broker)")
        .setting("date", Instant.now().toString());

    // ---- 1. ceilings ------------------------------------------------------------------------------
    Double slowerCeiling = null;
    RedisCeiling.Report redisCeiling = null;
    Optional<CoreBudget> budget = Optional.empty();
    if (plan.runs("ceilings")) {
      out.println("== ceilings: PostgreSQL rows and Redis function calls, without Accord ==");
      PostgresCeiling.Report pg = PostgresCeiling.measure(configured.postgres().asAdmin(),
          new PostgresCeiling.Settings(plan.ceilingEvents(), 2000, 4, PostgresCeiling.DEFAULT_DATABASE), out);
      redisCeiling = RedisCeiling.measure(configured.redis(),
          new RedisCeiling.Settings(plan.ceilingEvents(), 2000, 4, 100_000, configured.correlation().shards(),
              configured.rules().window(), configured.correlation().retention()), out);
      report.setting("PostgreSQL", pg.serverVersion()).setting("Redis", redisCeiling.redisVersion());
      pg.full().cpu().ifPresent(report::cpu);
      redisCeiling.throughput().cpu().ifPresent(report::cpu);
      budget = CoreBudget.of(pg.full().cpu(), redisCeiling.throughput().cpu());
      double pgCeiling = pg.full().eventsPerSecond();
      double redisCalls = redisCeiling.throughput().callsPerSecond();
      slowerCeiling = Math.min(pgCeiling, redisCalls);
      report.row("PostgreSQL ceiling: raw events only", pg.rawOnly().eventsPerSecond(), "events/s", null,
          "raw_events rows, batched " + pg.rawOnly().batchSize() + " per statement, " + pg.rawOnly().connections() + " connections")
          .row("PostgreSQL ceiling: rows Accord writes per event", pgCeiling, "events/s", null, String.format(
              "1 raw_events row per event + the final result, its discrepancies and its hash-chained audit row per "
                  + "transaction (%,.0f result rows/s, %,.0f audit rows/s)", pg.full().resultRowsPerSecond(), pg.full().auditRowsPerSecond()))
          .row("Redis ceiling: accord_record calls", redisCalls, "calls/s", null,
              "Accord's correlation function, pipelined " + redisCeiling.throughput().batchSize() + " per batch, "
                  + redisCeiling.throughput().connections() + " connections; one call per event");
      double ceiling = slowerCeiling;
      budget.ifPresent(b -> report.row("Bound: only the ceilings' work per event", b.eventsPerSecond(), "events/s",
          ceiling, String.format(Locale.ROOT, "%d cores ÷ (the PostgreSQL ceiling's %.0f µs of CPU per event + the Redis "
              + "ceiling's %.0f µs per call, every process, the JIT aside = %.0f µs): the most a pipeline that writes these rows "
              + "and makes this call per event can carry here, before decoding an event, a broker or a load generator; "
              + "0.7 of the slower ceiling needs at most %.0f µs per event", b.cores(), b.postgresMicros(), b.redisMicros(),
              b.micros(), b.microsFor(0.7, ceiling))));
    }

    // ---- 2. Accord ------------------------------------------------------------------------------
    Database.drop(configured.postgres());
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    Vertx vertx = Metrics.vertx(registry, configured.metrics().enabled());
    RedisClients.clearPrefix(vertx, configured.redis()).await();
    out.println("== starting Accord with its own Kafka broker ==");
    Accord accord = Accord.start(vertx, configured, registry).await();
    AccordConfig config = accord.config();
    String api = "http://" + config.http().host() + ":" + accord.httpPort();
    AccessToken admin = new AccessToken(api, "admin", adminPassword);
    AccessToken ingestor = new AccessToken(api, "ingestor", ingestorPassword);
    Completions completions = new Completions(vertx);
    boolean allVerified = true;
    try {
      Scenario scenario = Scenario.resolve(SCENARIO);
      if (plan.runs("kafka") || plan.runs("http") || plan.runs("latency")) {
        // unmeasured: JIT compilation of Accord, the broker and the clients, pools filled
        try (KafkaSink sink = new KafkaSink(config.kafka().bootstrapServers(), config.kafka().topics(), config.kafka().properties())) {
          Throughput warmUp = throughput("Kafka (warm-up, not reported)", scenario.withTransactions(WARM_UP_TRANSACTIONS)
              .withSeed(scenario.seed() - 1), sink, completions, api, admin, config);
          allVerified &= warmUp.verified();
        }
      }
      Double kafkaRate = null;
      Double httpRate = null;
      if (plan.runs("kafka")) {
        betweenPhases(config.postgres());
        Throughput kafka;
        try (KafkaSink sink = new KafkaSink(config.kafka().bootstrapServers(), config.kafka().topics(), config.kafka().properties())) {
          kafka = throughput("Kafka", scenario.withTransactions(plan.transactions()), sink, completions, api, admin, config);
        }
        allVerified &= kafka.verified();
        kafkaRate = kafka.eventsPerSecond();
        report.row("Accord end to end through Kafka", kafka.eventsPerSecond(), "events/s", slowerCeiling, kafka.describe());
        kafka.cpu().ifPresent(report::cpu);
        atCeilingsCost(report, budget, kafka, slowerCeiling, "Accord's JVM, the broker, the load generator and its producer");
        delivering(report, budget, "Kafka", kafka.cpu(), slowerCeiling, List.of(CpuProfile.BROKER, CpuProfile.KAFKA_CLIENTS),
            "the Kafka run's", "the broker and the Kafka clients (the sources' producer, Accord's consumer)");
      }
      if (plan.runs("http")) {
        betweenPhases(config.postgres());
        Throughput http;
        try (HttpSink sink = new HttpSink(api, ingestor)) {
          http = throughput("HTTP", scenario.withTransactions(plan.httpTransactions()).withSeed(scenario.seed() + 1), sink,
              completions, api, admin, config);
        }
        allVerified &= http.verified();
        httpRate = http.eventsPerSecond();
        report.row("Accord end to end through HTTP", http.eventsPerSecond(), "events/s", slowerCeiling, http.describe());
        http.cpu().ifPresent(report::cpu);
        atCeilingsCost(report, budget, http, slowerCeiling, "Accord's JVM and the load generator's HTTP client");
        // Accord receives the requests in the event loops that do the rest of its work, so the receiving
        // is measured apart: the drain's client posting to bare servers that do nothing else. As many
        // transactions as the drain: at ~150,000 events/s a shorter run lasts a few ticks of /proc.
        int receivingTransactions = plan.httpTransactions();
        for (HttpFloor.Receiver receiver : HttpFloor.Receiver.values()) {
          betweenPhases(config.postgres());
          Optional<CpuProfile.Usage> receiving = HttpFloor.receiving(scenario.withTransactions(receivingTransactions)
              .withSeed(scenario.seed() + 9), config.rules(), receiver, out);
          receiving.map(u -> u.withPhase("HTTP receiving, " + receiver.describe() + ", no Accord")).ifPresent(report::cpu);
          delivering(report, budget, "HTTP, " + receiver.describe(), receiving, slowerCeiling,
              List.of(CpuProfile.HTTP_CLIENT, CpuProfile.EVENT_LOOPS), String.format(Locale.ROOT,
                  "a receiving run's (%,d transactions, the drain's client and requests)", receivingTransactions),
              "the sources' HTTP client and a bare server's event loop that " + receiver.serverDoes() + ", no token checked");
        }
      }
      if (plan.runs("latency")) {
        // the share of the measured maxima first: the heap after GC is read under its load
        List<LatencyLoad> loads = LatencyLoad.of(plan, kafkaRate, httpRate);
        for (int i = 0; i < loads.size(); i++) {
          LatencyLoad load = loads.get(i);
          double rate = load.kafkaRate();
          double httpLatencyRate = load.httpRate();
          String at = load.column();
          betweenPhases(config.postgres());
          KafkaFloor.Report floor = KafkaFloor.measure(scenario.withSeed(scenario.seed() + 3 + 10 * i), rate, plan.latencyPhase(),
              config.kafka(), latencyProducer(config.kafka()), config.rules().expectedSources().size(), KafkaFloor.POLL_ONLY, out);
          report.latency(String.format("Kafka floor: %s, open loop at %,.0f events/s", KafkaFloor.POLL_ONLY.describe(), rate),
              floor.latency(), "last first-per-source event of a transaction due to be sent → that record returned by a "
                  + "poll, Accord's consumer settings, topics of the bench's own with the same partitions");
          floor.cpu().map(u -> u.withPhase("Kafka floor" + at + ", no Accord")).ifPresent(report::cpu);
          // what is left of the latency target once Accord's own code is gone: the ceilings' work behind
          // the floor, one poll at a time and with as many in flight as Accord allows
          for (int inFlight : new TreeSet<>(List.of(1, config.kafka().batchesInFlightMax()))) {
            betweenPhases(config.postgres());
            try (BarePipeline bare = new BarePipeline(config, BarePipeline.DATABASE, inFlight, out)) {
              KafkaFloor.Report barePipeline = KafkaFloor.measure(scenario.withSeed(scenario.seed() + 5 + 10 * i), rate,
                  plan.latencyPhase(), config.kafka(), latencyProducer(config.kafka()), config.rules().expectedSources().size(),
                  bare, out);
              report.latency(String.format("bare pipeline: %s, open loop at %,.0f events/s", bare.describe(), rate),
                  barePipeline.latency(), "last first-per-source event of a transaction due to be sent → its verdict stored; "
                      + "per poll, one statement of raw rows, one pipeline of accord_record calls, one statement of verdicts "
                      + "and audit rows, in a scratch database and key prefix of its own");
              barePipeline.cpu().map(u -> u.withPhase("bare pipeline" + at + ", " + inFlight + " in flight, no Accord"))
                  .ifPresent(report::cpu);
            }
          }
          betweenPhases(config.postgres());
          Latency latency;
          try (KafkaSink sink = new KafkaSink(config.kafka().bootstrapServers(), config.kafka().topics(),
              latencyProducer(config.kafka()))) {
            latency = detectionLatency("Kafka", sink, scenario.withSeed(scenario.seed() + 2 + 10 * i), rate, plan.latencyPhase(),
                config, completions, registry);
          }
          report.latency(String.format("detection, Kafka, open loop at %,.0f events/s%s", rate, load.kafkaShare()),
              latency.summary(), "last first-per-source event of a transaction due to be sent → its result persisted and pushed; "
                  + "from the scheduled send time");
          if (i == 0) {
            report.row("JVM heap after GC at steady state", latency.heapAfterGcBytes() / 1e6, "MB", null,
                "whole process: Accord and the bench's load generator, under the latency run's load");
          }
          latency.cpu().map(u -> u.withPhase("latency" + at + ", Kafka")).ifPresent(report::cpu);
          report.stages(String.format("the detection latency run through Kafka at %,.0f events/s", rate), latency.stages());

          httpFloors(config, scenario.withSeed(scenario.seed() + 7 + 10 * i), httpLatencyRate, plan.latencyPhase(), at, report);

          // the same through HTTP, without the broker: what Accord's own part of the latency is
          betweenPhases(config.postgres());
          Latency overHttp;
          try (HttpSink sink = new HttpSink(api, ingestor, LATENCY_HTTP_REQUESTS_IN_FLIGHT, LATENCY_LINGER)) {
            overHttp = detectionLatency("HTTP", sink, scenario.withSeed(scenario.seed() + 4 + 10 * i), httpLatencyRate,
                plan.latencyPhase(), config, completions, registry);
          }
          report.latency(String.format("detection, HTTP, open loop at %,.0f events/s%s", httpLatencyRate, load.httpShare()),
              overHttp.summary(), "as above, posted to /api/v1/events (events lingering up to " + LATENCY_LINGER.toMillis()
                  + " ms to share a request, as the Kafka producer's linger.ms; up to " + LATENCY_HTTP_REQUESTS_IN_FLIGHT
                  + " requests in flight)");
          overHttp.cpu().map(u -> u.withPhase("latency" + at + ", HTTP")).ifPresent(report::cpu);
          report.stages(String.format("the detection latency run through HTTP at %,.0f events/s", httpLatencyRate),
              overHttp.stages());
        }
      }
      if (redisCeiling != null) {
        report.row("Redis per pending transaction, 1 event", redisCeiling.memory().bytesPerTxnOneEvent(), "bytes", 200.0,
            redisCeiling.memory().holds() + "; the ratio column is the share of the 200-byte target used");
        report.row("Redis per pending transaction, 2 events", redisCeiling.memory().bytesPerTxnTwoEvents(), "bytes", 200.0,
            "as above, one more event in the hash");
      }

      // ---- 3. API on a large results table ------------------------------------------------------
      if (plan.runs("api")) {
        betweenPhases(config.postgres());
        out.printf("== API latency: results table brought to %,d rows ==%n", plan.resultRows());
        ApiLatency.Seeding seeding = ApiLatency.seedResults(config.postgres().asAdmin(), plan.resultRows(), out);
        List<String> ids = ApiLatency.sampleTxnIds(config.postgres().asAdmin(), 2000, 7);
        ApiLatency.Report apiReport = ApiLatency.measure(
            new ApiLatency.Settings(api, admin, plan.apiRate(), plan.apiPhase(), plan.apiWarmUp()), ids, out);
        for (ApiLatency.Probe probe : apiReport.probes()) {
          report.latency("API " + probe.name() + String.format(" (%,d req/s in all, %,d rows)", plan.apiRate(),
              seeding.rowsBefore() + seeding.rowsSeeded()), probe.latency(), probe.examplePath());
        }
      }
      report.finding(allVerified
          ? "Every run ended with `verify` against its ground truth at 100 %: no correctness traded for speed."
          : "**A verify run FAILED** — see the console output of this run.");
      report.finding("Profile findings, what was changed for speed and what bounds the numbers: [PERFORMANCE.md](PERFORMANCE.md).");
      out.println();
      report.printTable(out);
      report.writeMarkdown(plan.docs());
      out.printf("%nwritten %s and %s%n", plan.docs().resolve(BenchReport.MARKDOWN_FILE), plan.docs().resolve(BenchReport.SVG_FILE));
    } finally {
      completions.close();
      accord.stop().eventually(vertx::close).await();
    }

    return allVerified ? 0 : 1;
  }

  /**
   * What is left of the latency target through HTTP once Accord's own code is gone: the detection
   * run's HTTP client, rate, linger and requests in flight posting to a bare server that only reads
   * the requests, then to one doing the ceilings' work behind them.
   */
  private static void httpFloors(AccordConfig config, Scenario scenario, double rate, Duration phase, String at, BenchReport report)
      throws Exception {
    betweenPhases(config.postgres());
    Vertx server = Vertx.vertx();
    KafkaFloor.Report floor;
    try {
      floor = HttpFloor.measure(server, scenario, rate, phase, config.rules(), LATENCY_HTTP_REQUESTS_IN_FLIGHT, LATENCY_LINGER,
          HttpFloor.RECEIVE_ONLY, out);
    } finally {
      server.close().await();
    }
    report.latency(String.format("HTTP floor: %s, open loop at %,.0f events/s", HttpFloor.RECEIVE_ONLY.describe(), rate),
        floor.latency(), "last first-per-source event of a transaction due to be sent → the request carrying it read and parsed "
            + "with Accord's parser on one event loop, no token checked; the detection run's client (linger "
            + LATENCY_LINGER.toMillis() + " ms, up to " + LATENCY_HTTP_REQUESTS_IN_FLIGHT + " requests in flight)");
    floor.cpu().map(u -> u.withPhase("HTTP floor" + at + ", no Accord")).ifPresent(report::cpu);
    betweenPhases(config.postgres());
    try (BarePipeline bare = new BarePipeline(config, BarePipeline.DATABASE, 1, config.postgres().poolSize(), out)) {
      HttpFloor.Work work = bare.httpWork();
      KafkaFloor.Report barePipeline = HttpFloor.measure(bare.vertx(), scenario.withSeed(scenario.seed() + 1), rate, phase,
          config.rules(), LATENCY_HTTP_REQUESTS_IN_FLIGHT, LATENCY_LINGER, work, out);
      report.latency(String.format("bare pipeline: %s, open loop at %,.0f events/s", work.describe(), rate),
          barePipeline.latency(), "last first-per-source event of a transaction due to be sent → its verdict stored; "
              + "requests read while up to " + BarePipeline.HTTP_STATEMENTS_IN_FLIGHT + " statements of raw rows run share the "
              + "next (answered once it is stored, as Accord's write-ahead), then per statement one pipeline of accord_record "
              + "calls and one statement of verdicts and audit rows; " + config.postgres().poolSize()
              + " connections, as Accord's pool");
      barePipeline.cpu().map(u -> u.withPhase("bare pipeline" + at + ", HTTP, no Accord")).ifPresent(report::cpu);
    }
  }

  /**
   * The rate a drain's other work allows with PostgreSQL and Redis at the ceilings' cost: how much of
   * the gap to the ceiling is Accord's database and Redis work, and how much everything else.
   */
  private static void atCeilingsCost(BenchReport report, Optional<CoreBudget> budget, Throughput run, Double slowerCeiling,
      String otherWork) {
    if (budget.isEmpty() || run.cpu().isEmpty()) {
      return;
    }
    CoreBudget b = budget.get();
    CpuProfile.Usage cpu = run.cpu().get();
    report.row("Bound: " + run.via() + " at the ceilings' store cost",
        b.eventsPerSecondWith(cpu), "events/s", slowerCeiling, String.format(Locale.ROOT,
            "%d cores ÷ (the ceilings' %.0f µs + the %s run's %.0f µs of CPU per event outside PostgreSQL, Redis and the JIT: %s); "
                + "measured in the run, PostgreSQL %.0f µs and Redis %.0f µs per event", b.cores(), b.micros(), run.via(),
            CoreBudget.otherMicros(cpu), otherWork, cpu.microsPerEvent(CpuProfile.POSTGRES), cpu.microsPerEvent(CpuProfile.REDIS)));
  }

  /**
   * The rate the ceilings' work allows once the events must also be delivered as the drain delivered
   * them: what no pipeline fed that way can pass on this machine, whatever its own code costs.
   */
  private static void delivering(BenchReport report, Optional<CoreBudget> budget, String via, Optional<CpuProfile.Usage> measured,
      Double slowerCeiling, List<String> delivery, String measuredBy, String deliveredBy) {
    if (budget.isEmpty() || measured.isEmpty()) {
      return;
    }
    CoreBudget b = budget.get();
    CpuProfile.Usage cpu = measured.get();
    report.row("Bound: the ceilings' work, delivered through " + via, b.eventsPerSecondDelivering(cpu, delivery),
        "events/s", slowerCeiling, String.format(Locale.ROOT,
            "%d cores ÷ (the ceilings' %.0f µs + %s %.1f µs of CPU per event delivering the events: %s): the most a "
                + "pipeline doing only the ceilings' work and fed this way can carry here", b.cores(), b.micros(), measuredBy,
            CoreBudget.deliveryMicros(cpu, delivery), deliveredBy));
  }

  /**
   * One detection latency run: its rates through Kafka and through HTTP, the suffix of its CPU
   * columns, and how its latency rows name the share of the measured maximum (empty when the rate
   * was given, or the maximum not measured).
   */
  record LatencyLoad(double kafkaRate, double httpRate, String column, String kafkaShare, String httpShare) {

    /** {@code --latency-rate} for one run at that rate, else a run per share of {@code --latency-loads}. */
    static List<LatencyLoad> of(Plan plan, Double kafkaMax, Double httpMax) {
      if (plan.latencyRate() != null) {
        return List.of(new LatencyLoad(plan.latencyRate(), plan.latencyRate(), "", "", ""));
      }
      return plan.latencyLoads().stream().map(share -> {
        double kafka = kafkaMax == null ? 2000 * share : kafkaMax * share;
        String of = " (" + fraction(share) + " the measured maximum)";
        return new LatencyLoad(kafka, httpMax == null ? kafka : httpMax * share,
            String.format(Locale.ROOT, " at %.0f %%", share * 100), kafkaMax == null ? "" : of, httpMax == null ? "" : of);
      }).toList();
    }
  }

  /** "half", "a quarter" or a percentage: the share of the measured maximum a latency run offers. */
  static String fraction(double share) {
    if (share == 0.5) {
      return "half";
    }
    if (share == 0.25) {
      return "a quarter of";
    }
    return String.format(Locale.ROOT, "%.0f %% of", share * 100);
  }

  // ---- sustained throughput ------------------------------------------------------------------------

  record Throughput(String via, long events, int transactions, Duration elapsed, Duration sendTime, boolean verified,
      Optional<CpuProfile.Usage> cpu) {
    double eventsPerSecond() {
      return events * 1e9 / elapsed.toNanos();
    }

    String describe() {
      return String.format("%,d events of %,d transactions (seed mix), first send → last result persisted and pushed in "
          + "%.1f s; producer done after %.1f s; verify %s", events, transactions, elapsed.toMillis() / 1000.0,
          sendTime.toMillis() / 1000.0, verified ? "100 % PASS" : "FAILED");
    }
  }

  private static Throughput throughput(String via, Scenario scenario, EventSink sink, Completions completions, String api,
      AccessToken admin, AccordConfig config) throws Exception {
    out.printf("== end to end through %s: %,d transactions ==%n", via, scenario.transactions());
    String prefix = SimulateCommand.defaultPrefix(scenario) + via.charAt(0) + (via.contains("warm") ? "W" : "") + "-";
    completions.track(prefix);
    Simulator.Run run;
    long started;
    long sent;
    long lastCompletion;
    Optional<CpuProfile.Usage> cpu;
    try (CpuProfile.Sampler sampler = new CpuProfile.Sampler()) {
      started = System.nanoTime();
      run = new Simulator(scenario, prefix, out).run(sink);
      sent = System.nanoTime();
      lastCompletion = completions.awaitAll(prefix, scenario.transactions(), config.rules().window().plusSeconds(2),
          Duration.ofMinutes(60), out);
      cpu = sampler.usage(via, lastCompletion, run.events());
    }
    Duration elapsed = Duration.ofNanos(lastCompletion - started);
    out.printf("%s: %,d events settled %.1f s after the first was sent: %,.0f events/s; verifying …%n", via, run.events(),
        elapsed.toMillis() / 1000.0, run.events() * 1e9 / elapsed.toNanos());
    Verifier.Report verdict = new Verifier(api, admin).verify(run.truth(), config.rules().window().plusMinutes(2));
    verdict.print(out);
    completions.forget(prefix);
    return new Throughput(via, run.events(), scenario.transactions(), elapsed, Duration.ofNanos(sent - started), verdict.passed(),
        cpu);
  }

  // ---- detection latency, open loop ----------------------------------------------------------------

  record Latency(LatencySummary summary, long heapAfterGcBytes, Optional<CpuProfile.Usage> cpu, List<StageBreakdown.Line> stages) {}

  /**
   * Sends transactions at a fixed rate whatever Accord does (open loop): every event has a due
   * time, and latency runs from the due time of a transaction's last first-per-source event to
   * the push of its result with every source seen, so a stall inflates the latencies of
   * everything scheduled behind it (no coordinated omission).
   */
  private static Latency detectionLatency(String via, EventSink sink, Scenario scenario, double eventsPerSecond, Duration phase,
      AccordConfig config, Completions completions, PrometheusMeterRegistry registry) throws Exception {
    out.printf("== detection latency through %s: open loop at %,.0f events/s for %d s ==%n", via, eventsPerSecond, phase.toSeconds());
    String prefix = SimulateCommand.defaultPrefix(scenario) + "L" + via.charAt(0) + "-";
    Map<String, Long> dueOfLastEvent = new ConcurrentHashMap<>();
    completions.track(prefix);
    Window window = new Window(System.nanoTime(), phase);
    DetectionListener listener = new DetectionListener(window, eventsPerSecond, config.rules().expectedSources().size(), registry,
        dueOfLastEvent);
    int transactions;
    Optional<CpuProfile.Usage> cpu;
    // the CPU profile of the measured window is read on the sampler's thread, not the sender's
    try (CpuProfile.Sampler sampler = new CpuProfile.Sampler()) {
      transactions = OpenLoop.run(new TrafficGenerator(scenario, Instant.now(), prefix), eventsPerSecond, window.start(),
          window.stopAt(), sink, listener);
      sink.flush();
      cpu = sampler.usage("latency, " + via, window.measuredFrom(), window.end(), eventsPerSecond);
    }

    completions.awaitAll(prefix, transactions, config.rules().window().plusSeconds(2), Duration.ofMinutes(5), out);
    LatencySummary summary = summarise(dueOfLastEvent, completions::completedAt, window);
    completions.forget(prefix);
    return new Latency(summary, listener.heapAfterGc, cpu, listener.stages(registry));
  }

  /**
   * What the phase before left behind, cleared as a system in steady state would have it:
   * <ul>
   *   <li>This machine's PostgreSQL may run with autovacuum off (the one the benchmark was written
   *       on does): results are updated as verdicts change, and a phase would otherwise pay for the
   *       dead rows of the phases before it. Accord's tables are vacuumed as autovacuum would have.
   *   <li>This JVM's heap is collected in full. A drain promotes gigabytes of its backlog to the old
   *       generation, where it dies, and G1 sizes its young generation to the drain's allocation
   *       rate; a latency window after it paid for both in young pauses of up to 135 ms that were
   *       the drain's, not its own. Collected between every phase, each starts from the same heap.
   * </ul>
   * Within a phase nothing does either.
   */
  private static void betweenPhases(AccordConfig.Postgres config) throws java.sql.SQLException {
    AccordConfig.Postgres admin = config.asAdmin();
    long started = System.nanoTime();
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(admin.jdbcUrl(), admin.user(), admin.password());
        java.sql.Statement s = c.createStatement()) {
      s.execute("VACUUM (ANALYZE) reconciliation_results, discrepancies, raw_events, audit_logs");
    }
    long vacuumed = System.nanoTime();
    System.gc();
    out.printf("between phases: vacuumed Accord's tables in %.1f s, collected this JVM's heap in %.1f s (%,d MB in use after)%n",
        (vacuumed - started) / 1e9, (System.nanoTime() - vacuumed) / 1e9,
        (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) / 1_000_000);
  }

  /**
   * The open-loop producer's settings: the simulator's, with a short linger and no compression.
   * The producer shares Accord's JVM, and Kafka's LZ4 allocates two 64 KiB buffers for every batch
   * it compresses (KAFKA-19025). A drain's batches hold hundreds of records; an open loop's, sent
   * within 2 ms, mostly one: 112 KB of garbage per event, five times Accord's own, collected in
   * pauses that stop Accord's event loops too. Uncompressed, a record sent alone costs its sender
   * about 6.5 KB (LatencyProducerTest), and the whole load generator 10–11 KB per event.
   */
  static Map<String, String> latencyProducer(AccordConfig.Kafka kafka) {
    Map<String, String> properties = new HashMap<>(kafka.properties());
    properties.put("linger.ms", "2");
    properties.put("compression.type", "none");
    return properties;
  }

  /**
   * Latency of each measured transaction, from its due time to when {@code doneAt} saw it (null:
   * never); printed by 5-second slot of due time, so a stall shows where it happened.
   */
  static LatencySummary summarise(Map<String, Long> dueOf, Function<String, Long> doneAt, Window window) {
    long[] latencies = new long[dueOf.size()];
    int n = 0;
    long missing = 0;
    TreeMap<Long, List<Long>> bySlot = new TreeMap<>();
    for (Map.Entry<String, Long> entry : dueOf.entrySet()) {
      if (!window.measures(entry.getValue())) {
        continue; // warm-up
      }
      Long done = doneAt.apply(entry.getKey());
      if (done == null) {
        missing++;
      } else {
        latencies[n++] = Math.max(0, done - entry.getValue());
        bySlot.computeIfAbsent((entry.getValue() - window.measuredFrom()) / 5_000_000_000L, k -> new ArrayList<>())
            .add(done - entry.getValue());
      }
    }
    bySlot.forEach((slot, values) -> {
      long[] v = values.stream().mapToLong(Long::longValue).toArray();
      LatencySummary w = LatencySummary.of(v, v.length, 0);
      out.printf("  due %3d-%3d s: %,6d transactions, p50 %6.1f ms, p99 %7.1f ms%n", slot * 5, slot * 5 + 5, w.count(),
          w.p50().toNanos() / 1e6, w.p99().toNanos() / 1e6);
    });
    LatencySummary summary = LatencySummary.of(latencies, n, missing);
    out.printf("latency over %,d transactions: p50 %s, p99 %s, p99.9 %s, max %s%s%n", summary.count(), summary.p50(),
        summary.p99(), summary.p999(), summary.max(), missing > 0 ? String.format(", %,d never seen", missing) : "");
    return summary;
  }

  /** An open-loop phase's clock: warm-up from {@code start}, the measured window, then load past it until {@code stopAt}. */
  record Window(long start, long measuredFrom, long end, long gcAt, long stopAt) {
    Window(long start, Duration phase) {
      // the heap is read after a forced GC, whose pause would otherwise land in the measured
      // latencies: the load goes on past the measured window, the GC comes 2 s after it
      this(start, start + WARM_UP.toNanos(), start + WARM_UP.toNanos() + phase.toNanos(),
          start + WARM_UP.toNanos() + phase.toNanos() + Duration.ofSeconds(2).toNanos(),
          start + WARM_UP.toNanos() + phase.toNanos() + Duration.ofSeconds(4).toNanos());
    }

    boolean measures(long due) {
      return due >= measuredFrom && due < end;
    }
  }

  /**
   * What the detection run notes as it sends: each measured transaction's due time, how late the
   * generator sent, the pipeline's timers at the window's edges, and the heap after a GC past it.
   */
  private static final class DetectionListener implements OpenLoop.Listener {
    private final Window window;
    private final int expectedSources;
    private final PrometheusMeterRegistry registry;
    private final Map<String, Long> dueOfLastEvent;
    private final long[] late;
    private int lateCount;
    private StageBreakdown.Snapshot stagesBefore;
    private StageBreakdown.Snapshot stagesAfter;
    private long heapAfterGc = -1;

    DetectionListener(Window window, double eventsPerSecond, int expectedSources, PrometheusMeterRegistry registry,
        Map<String, Long> dueOfLastEvent) {
      this.window = window;
      this.expectedSources = expectedSources;
      this.registry = registry;
      this.dueOfLastEvent = dueOfLastEvent;
      this.late = new long[(int) Math.min(Integer.MAX_VALUE - 8,
          (long) (eventsPerSecond * (window.end() - window.measuredFrom()) / 1e9 * 1.1) + 1000)];
    }

    @Override
    public void sent(TransactionEvent event, long due) {
      if (window.measures(due) && lateCount < late.length) {
        late[lateCount++] = System.nanoTime() - due;
      }
      if (stagesBefore == null && due >= window.measuredFrom()) {
        stagesBefore = StageBreakdown.take(registry);
      } else if (stagesAfter == null && due >= window.end()) {
        stagesAfter = StageBreakdown.take(registry);
      }
    }

    @Override
    public void transactionSent(GeneratedTransaction t, Map<String, Long> firstDuePerSource) {
      long lastDue = firstDuePerSource.values().stream().mapToLong(Long::longValue).max().orElseThrow();
      if (firstDuePerSource.size() == expectedSources && t.heldBack().isEmpty() && lastDue < window.end()) {
        dueOfLastEvent.put(t.txnId(), lastDue);
      }
      if (heapAfterGc < 0 && System.nanoTime() >= window.gcAt()) {
        heapAfterGc = heapAfterGc();
      }
    }

    List<StageBreakdown.Line> stages(PrometheusMeterRegistry registry) {
      LatencySummary lateness = LatencySummary.of(late, lateCount, 0);
      List<StageBreakdown.Line> stages = new ArrayList<>();
      stages.add(new StageBreakdown.Line("load generator: sent after its due time (exact)", "events", lateness.count(),
          Double.NaN, lateness.p50().toNanos() / 1e6, lateness.p99().toNanos() / 1e6));
      if (stagesBefore != null) {
        stages.addAll(StageBreakdown.between(stagesBefore, stagesAfter != null ? stagesAfter : StageBreakdown.take(registry)));
      }
      return stages;
    }
  }

  private static long heapAfterGc() {
    ManagementFactory.getMemoryMXBean().gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  // ---- results as they are pushed --------------------------------------------------------------

  /**
   * Listens where the dashboard listens ({@link PushVerticle#RESULTS}) and notes when each tracked
   * transaction first has a settled result: every expected source seen, or the window closed.
   */
  static final class Completions implements AutoCloseable {
    private final Map<String, Long> completedAt = new ConcurrentHashMap<>();
    private final Map<String, Boolean> prefixes = new ConcurrentHashMap<>();
    private final MessageConsumer<JsonObject> consumer;
    private volatile long lastChange;

    Completions(Vertx vertx) {
      consumer = vertx.eventBus().<JsonObject>consumer(PushVerticle.RESULTS, message -> {
        long now = System.nanoTime();
        boolean anyTracked = false;
        for (Object item : message.body().getJsonArray("changes")) {
          JsonObject change = (JsonObject) item;
          String txnId = change.getString("txn_id");
          boolean settled = !"PENDING".equals(change.getString("status")) && change.getJsonArray("sources_missing").isEmpty()
              || "MISSING".equals(change.getString("status"));
          if (tracked(txnId)) {
            anyTracked = true;
            if (settled) {
              completedAt.putIfAbsent(txnId, now);
            }
          }
        }
        if (anyTracked) {
          lastChange = now;
        }
      });
      consumer.completion().await();
    }

    private boolean tracked(String txnId) {
      for (String prefix : prefixes.keySet()) {
        if (txnId.startsWith(prefix)) {
          return true;
        }
      }
      return false;
    }

    void track(String prefix) {
      prefixes.put(prefix, true);
    }

    void forget(String prefix) {
      prefixes.remove(prefix);
      completedAt.keySet().removeIf(id -> id.startsWith(prefix));
    }

    Long completedAt(String txnId) {
      return completedAt.get(txnId);
    }

    /**
     * Waits until {@code expected} transactions of the prefix are settled and no tracked result
     * changed for {@code quiet}; returns the time of the last change (a late re-send's verdict
     * change included).
     */
    long awaitAll(String prefix, int expected, Duration quiet, Duration timeout, PrintStream progress) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      long lastReport = 0;
      while (System.nanoTime() < deadline) {
        long settled = completedAt.keySet().stream().filter(id -> id.startsWith(prefix)).count();
        if (settled >= expected && System.nanoTime() - lastChange >= quiet.toNanos()) {
          return lastChange;
        }
        if (System.nanoTime() - lastReport > 5_000_000_000L) {
          progress.printf("  settled %,d of %,d transactions%n", settled, expected);
          lastReport = System.nanoTime();
        }
        Thread.sleep(250);
      }
      throw new IllegalStateException("transactions of " + prefix + " did not all settle within " + timeout);
    }

    @Override
    public void close() {
      consumer.unregister().await();
    }
  }

  private static String randomPassword() {
    byte[] bytes = new byte[12];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
