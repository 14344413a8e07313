package com.accord.bench;

import com.accord.config.AccordConfig;
import com.accord.infra.PgPools;
import com.accord.persistence.Database;
import com.accord.persistence.Sql;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This machine's PostgreSQL ceiling for the rows Accord writes per event, on Accord's own tables
 * and indexes (a scratch database migrated like the real one) and with Accord's own statements:
 * {@link Sql#INSERT_RAW_EVENTS} for every event and {@link Sql#UPSERT_RESULTS} (results,
 * discrepancies and one hash-chained audit row per changed verdict) once per transaction.
 * Nothing else runs in between, so the rate is an upper bound for Accord on this machine.
 *
 * <p>Blocking: call from a plain thread, never from an event loop.
 */
public final class PostgresCeiling {
  private static final Logger log = LoggerFactory.getLogger(PostgresCeiling.class);

  public static final String DEFAULT_DATABASE = "accord_bench_ceiling";
  private static final int EVENTS_PER_TXN = SyntheticEvents.SOURCES.size();
  private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(2);

  /**
   * @param events events to write per variant (rounded up to whole batches)
   * @param batchSize events per batch; rounded down to whole transactions of three events
   * @param connections concurrent connections, each looping batches
   * @param database the scratch database: dropped and recreated at start, dropped at the end
   */
  public record Settings(long events, int batchSize, int connections, String database) {
    public Settings {
      if (events < 1 || batchSize < EVENTS_PER_TXN || connections < 1) {
        throw new IllegalArgumentException("events >= 1, batchSize >= 3 and connections >= 1 needed, got "
            + events + ", " + batchSize + ", " + connections);
      }
      if (!database.matches("[a-zA-Z_][a-zA-Z0-9_]{0,62}")) {
        throw new IllegalArgumentException("database must be a plain identifier, got '" + database + "'");
      }
    }

    public static Settings defaults() {
      return new Settings(300_000, 2000, 4, DEFAULT_DATABASE);
    }

    int eventsPerBatch() {
      return batchSize / EVENTS_PER_TXN * EVENTS_PER_TXN;
    }
  }

  /**
   * One variant's run; row counts are read back from the tables after the run. Rates are of the
   * {@code measuredEvents} written in {@code elapsed} after the warm-up; rows per event do not
   * change over a run, so each row rate is its count's share of the measured events.
   */
  public record Result(
      String variant, long events, long rawRows, long resultRows, long discrepancyRows, long auditRows,
      long measuredEvents, Duration elapsed, int batchSize, int connections, Optional<CpuProfile.Usage> cpu) {

    public double eventsPerSecond() {
      return perSecond(events);
    }

    public double rawRowsPerSecond() {
      return perSecond(rawRows);
    }

    public double resultRowsPerSecond() {
      return perSecond(resultRows);
    }

    public double auditRowsPerSecond() {
      return perSecond(auditRows);
    }

    private double perSecond(long count) {
      return elapsed.isZero() || events == 0 ? 0 : count * ((double) measuredEvents / events) * 1e9 / elapsed.toNanos();
    }
  }

  /** {@code full}: everything Accord writes per event; {@code rawOnly}: raw_events alone. */
  public record Report(Result full, Result rawOnly, String serverVersion) {}

  private PostgresCeiling() {}

  /**
   * Runs both variants, each on a freshly migrated scratch database, connecting as the admin role.
   *
   * @param config the server to measure (its database name is not used)
   */
  public static Report measure(AccordConfig.Postgres config, Settings settings, PrintStream progress) {
    AccordConfig.Postgres scratch = scratch(config, settings);
    try {
      Result full = runVariant(scratch, settings, true, progress);
      Result rawOnly = runVariant(scratch, settings, false, progress);
      String version = serverVersion(scratch);
      return new Report(full, rawOnly, version);
    } finally {
      Database.drop(scratch);
      progress.println("postgres ceiling: scratch database " + scratch.database() + " dropped");
    }
  }

  static AccordConfig.Postgres scratch(AccordConfig.Postgres config, Settings settings) {
    return new AccordConfig.Postgres(config.host(), config.port(), settings.database(), config.adminUser(),
        config.adminPassword(), config.adminUser(), config.adminPassword(), settings.connections(), true,
        config.sslMode(), config.sslCaPath());
  }

  private static Result runVariant(AccordConfig.Postgres scratch, Settings settings, boolean withResults, PrintStream progress) {
    String variant = withResults ? "raw events + results + audit" : "raw events only";
    Database.drop(scratch);
    Database.prepare(scratch);
    progress.println("postgres ceiling [" + variant + "]: scratch database " + scratch.database() + " migrated; "
        + settings.events() + " events, batches of " + settings.eventsPerBatch() + ", " + settings.connections() + " connections");
    Vertx vertx = Vertx.vertx();
    Pool pool = PgPools.create(vertx, scratch, "bench-ceiling");
    ExecutorService workers = Executors.newFixedThreadPool(settings.connections());
    try {
      long batches = (settings.events() + settings.eventsPerBatch() - 1) / settings.eventsPerBatch();
      AtomicLong nextBatch = new AtomicLong();
      AtomicLong eventsWritten = new AtomicLong();
      SteadyRate rate = new SteadyRate(settings.events() / 4);
      String runTag = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
      Optional<CpuProfile.Reading> cpuBefore = CpuProfile.read();
      long started = System.nanoTime();
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < settings.connections(); c++) {
        running.add(workers.submit(() -> {
          long batch;
          while ((batch = nextBatch.getAndIncrement()) < batches) {
            writeBatch(pool, runTag, batch, settings.eventsPerBatch(), withResults);
            eventsWritten.addAndGet(settings.eventsPerBatch());
            rate.add(settings.eventsPerBatch());
          }
          return null;
        }));
      }
      SteadyRate.awaitAll(running, "postgres ceiling [" + variant + "]", () -> {
        double seconds = (System.nanoTime() - started) / 1e9;
        return String.format("%,d events in %.0f s (%,.0f events/s)", eventsWritten.get(), seconds, eventsWritten.get() / seconds);
      }, progress);
      Duration elapsed = rate.measuredElapsed(started, System.nanoTime());
      Optional<CpuProfile.Usage> cpu = CpuProfile.since(cpuBefore, "PostgreSQL ceiling (" + variant + ")", eventsWritten.get());
      Row counts = pool.query("""
          SELECT (SELECT count(*) FROM raw_events) AS raw, (SELECT count(*) FROM reconciliation_results) AS results,
                 (SELECT count(*) FROM discrepancies) AS discrepancies, (SELECT count(*) FROM audit_logs) AS audit""")
          .execute().await().iterator().next();
      Result result = new Result(variant, eventsWritten.get(), counts.getLong("raw"), counts.getLong("results"),
          counts.getLong("discrepancies"), counts.getLong("audit"), rate.measuredUnits(), elapsed,
          settings.eventsPerBatch(), settings.connections(), cpu);
      progress.printf("postgres ceiling [%s]: %,.0f events/s, %,.0f raw rows/s, %,.0f result rows/s, %,.0f audit rows/s "
          + "over the last %.1f s (the first quarter of the events is warm-up)%n",
          variant, result.eventsPerSecond(), result.rawRowsPerSecond(), result.resultRowsPerSecond(),
          result.auditRowsPerSecond(), elapsed.toMillis() / 1000.0);
      log.atInfo().addKeyValue("variant", variant).addKeyValue("events", result.events())
          .addKeyValue("eventsPerSecond", Math.round(result.eventsPerSecond())).addKeyValue("elapsedMillis", elapsed.toMillis())
          .log("postgres ceiling measured");
      return result;
    } finally {
      workers.shutdownNow();
      pool.close().await();
      vertx.close().await();
    }
  }

  /** One batch as Accord writes it: the raw events, then (full variant) the final verdicts of its transactions. */
  static void writeBatch(Pool pool, String runTag, long batch, int eventsPerBatch, boolean withResults)
      throws TimeoutException {
    int txns = eventsPerBatch / EVENTS_PER_TXN;
    long firstTxn = batch * txns;
    String[] sources = new String[eventsPerBatch];
    String[] eventIds = new String[eventsPerBatch];
    String[] txnIds = new String[eventsPerBatch];
    String[] payloads = new String[eventsPerBatch];
    Instant now = Instant.now();
    String prefix = "CEIL-" + runTag + "-";
    for (int t = 0; t < txns; t++) {
      long n = firstTxn + t;
      String txnId = SyntheticEvents.txnId(prefix, n);
      for (int s = 0; s < EVENTS_PER_TXN; s++) {
        int i = t * EVENTS_PER_TXN + s;
        String source = SyntheticEvents.SOURCES.get(s);
        sources[i] = source;
        eventIds[i] = SyntheticEvents.eventId(source, txnId);
        txnIds[i] = txnId;
        payloads[i] = SyntheticEvents.eventJson(txnId, n, source, now.minusMillis(s * 137L));
      }
    }
    OffsetDateTime[] receivedAt = new OffsetDateTime[sources.length];
    Arrays.fill(receivedAt, now.atOffset(ZoneOffset.UTC));
    pool.preparedQuery(Sql.INSERT_RAW_EVENTS)
        .execute(Tuple.of(sources, eventIds, txnIds, payloads).addValue(receivedAt).addValue("HTTP"))
        .await(BATCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    if (withResults) {
      pool.preparedQuery(Sql.UPSERT_RESULTS).execute(results(prefix, firstTxn, txns, now))
          .await(BATCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** The final verdicts of {@code txns} synthetic transactions, in UPSERT_RESULTS' parameter shape. */
  private static Tuple results(String prefix, long firstTxn, int txns, Instant now) {
    List<Verdict> verdicts = new ArrayList<>(txns);
    for (int t = 0; t < txns; t++) {
      long n = firstTxn + t;
      verdicts.add(new Verdict(SyntheticEvents.txnId(prefix, n), SyntheticEvents.mismatched(n) ? SyntheticEvents.amountDiscrepancyJson(n) : null,
          SyntheticEvents.amount(n, "core"), SyntheticEvents.currency(n), now.minusMillis(2 * 137L), EVENTS_PER_TXN));
    }
    return results(verdicts);
  }

  /**
   * A transaction's final verdict with every expected source seen: matched, or with the amount
   * mismatch {@code amountDiscrepancyJson} (null: matched).
   */
  record Verdict(String txnId, String amountDiscrepancyJson, BigDecimal amount, String currency, Instant firstSeen, long revision) {}

  /** Verdicts in UPSERT_RESULTS' parameter shape. */
  static Tuple results(List<Verdict> verdicts) {
    int txns = verdicts.size();
    String[] txnIds = new String[txns];
    String[] statuses = new String[txns];
    String[] seen = new String[txns];
    String[] missing = new String[txns];
    String[] types = new String[txns];
    String[] discrepancies = new String[txns];
    String[] amounts = new String[txns];
    String[] currencies = new String[txns];
    String[] firstSeen = new String[txns];
    Long[] revisions = new Long[txns];
    for (int t = 0; t < txns; t++) {
      Verdict verdict = verdicts.get(t);
      boolean mismatched = verdict.amountDiscrepancyJson() != null;
      txnIds[t] = verdict.txnId();
      statuses[t] = mismatched ? "MISMATCHED" : "MATCHED";
      seen[t] = SyntheticEvents.EXPECTED_SOURCES;
      missing[t] = "";
      types[t] = mismatched ? "AMOUNT" : "";
      discrepancies[t] = mismatched ? verdict.amountDiscrepancyJson() : "[]";
      amounts[t] = verdict.amount().toPlainString();
      currencies[t] = verdict.currency();
      firstSeen[t] = verdict.firstSeen().toString();
      revisions[t] = verdict.revision();
    }
    return Tuple.of(txnIds, statuses, seen, missing, types, discrepancies)
        .addValue(amounts).addValue(currencies).addValue(firstSeen).addValue(revisions);
  }

  static String serverVersion(AccordConfig.Postgres config) {
    try (var c = java.sql.DriverManager.getConnection(config.jdbcUrl(), config.adminUser(), config.adminPassword());
        var s = c.createStatement(); var rs = s.executeQuery("SHOW server_version")) {
      return rs.next() ? rs.getString(1) : "unknown";
    } catch (java.sql.SQLException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }
}
