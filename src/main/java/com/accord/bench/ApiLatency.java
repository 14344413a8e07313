package com.accord.bench;

import com.accord.config.AccordConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Latency of Accord's read API under a steady request rate, with an open-loop schedule: request
 * i is due at start + i / rate and is sent then whatever earlier requests are doing, and its
 * latency is counted from that due time to the full response. A stalled server therefore shows
 * up as latency of every request that queued behind the stall (no coordinated omission).
 *
 * <p>The results list is measured on a large table: {@link #seedResults} first brings
 * reconciliation_results up to a target row count. Blocking: call from a plain thread.
 */
public final class ApiLatency {
  private static final Logger log = LoggerFactory.getLogger(ApiLatency.class);

  public static final String SEED_PREFIX = "BENCHSEED-";
  /** Every this many seeded transactions gets its three raw events, so drill-downs show events (also in SEED_RAW_EVENTS). */
  public static final int RAW_EVENTS_EVERY = 1000;
  public static final long DEFAULT_TARGET_ROWS = 10_000_000;
  private static final long SEED_CHUNK_ROWS = 500_000;
  private static final int IN_FLIGHT_MAX = 10_000;
  /** Requests sent at once; more wait for a sender (still timed from their due time). */
  private static final int SENDERS = 64;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private static final int CURSOR_PAGES = 20;

  /**
   * @param apiBase e.g. http://127.0.0.1:8080
   * @param authorization the "Bearer …" Authorization header value, asked for before each request
   * @param ratePerSecond requests per second over all probes, sent round-robin
   * @param warmup sent at the same rate before the measurement, not recorded
   */
  public record Settings(String apiBase, Supplier<String> authorization, int ratePerSecond, Duration duration, Duration warmup) {
    public Settings {
      if (ratePerSecond < 1 || duration.isNegative() || duration.isZero() || warmup.isNegative()) {
        throw new IllegalArgumentException("ratePerSecond >= 1 and a positive duration needed");
      }
      apiBase = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
    }
  }

  public record Seeding(long rowsBefore, long rowsSeeded, long rawEventsSeeded, Duration elapsed) {}

  /** One kind of request: its name, an example path, its latencies. */
  public record Probe(String name, String examplePath, LatencySummary latency) {}

  /** @param errorsByKind non-2xx statuses ("429", "500", ...) and failures ("timeout", "overload", ...) */
  public record Report(int ratePerSecond, Duration duration, long sent, List<Probe> probes, Map<String, Long> errorsByKind) {}

  private ApiLatency() {}

  // ---- seeding -------------------------------------------------------------------------------

  /**
   * Synthetic history for the read benchmark, written straight into an existing Accord database
   * as its admin role: ≈ 90 % MATCHED, 7 % MISMATCHED, 3 % MISSING results with their discrepancy
   * JSON and discrepancies rows, first seen over the last 30 days, txn ids BENCHSEED-&lt;n&gt;, and
   * three raw events for every 1000th. Deliberately no audit_logs rows: this bypasses the hash
   * chain on purpose (seeded rows are not reconciliation outcomes, and the application role
   * could not write them anyway); their drill-downs show an empty history.
   */
  public static Seeding seedResults(AccordConfig.Postgres adminConfig, long targetRows, PrintStream progress) {
    long started = System.nanoTime();
    try (Connection c = DriverManager.getConnection(adminConfig.jdbcUrl(), adminConfig.adminUser(), adminConfig.adminPassword())) {
      long before = count(c, "SELECT count(*) FROM reconciliation_results");
      if (before >= targetRows) {
        progress.printf("seed: reconciliation_results already holds %,d rows (target %,d)%n", before, targetRows);
        return new Seeding(before, 0, 0, Duration.ofNanos(System.nanoTime() - started));
      }
      long seededEarlier = count(c, "SELECT count(*) FROM reconciliation_results WHERE txn_id LIKE '" + SEED_PREFIX + "%'");
      long first = seededEarlier + 1;
      long last = seededEarlier + (targetRows - before);
      progress.printf("seed: %,d rows present, seeding %,d more (%s%d..%d)%n", before, last - first + 1, SEED_PREFIX, first, last);
      long rows = 0;
      long raw = 0;
      try (PreparedStatement results = c.prepareStatement(SEED_RESULTS); PreparedStatement events = c.prepareStatement(SEED_RAW_EVENTS)) {
        for (long from = first; from <= last; from += SEED_CHUNK_ROWS) {
          long to = Math.min(last, from + SEED_CHUNK_ROWS - 1);
          results.setLong(1, from);
          results.setLong(2, to);
          try (ResultSet inserted = results.executeQuery()) {
            inserted.next();
            rows += inserted.getLong(1);
          }
          events.setLong(1, from);
          events.setLong(2, to);
          raw += events.executeUpdate();
          progress.printf("seed: %,d of %,d rows in %.0f s%n", rows, last - first + 1, (System.nanoTime() - started) / 1e9);
        }
      }
      // The table is measured as it would be in service, not in the minutes after a bulk load:
      // vacuumed as autovacuum would have (hint bits set, visibility map filled, statistics fresh),
      // and the load's dirty pages written out, so the measured reads neither dirty pages nor wait
      // behind a checkpoint spreading gigabytes of writes over the measured window.
      try (Statement settle = c.createStatement()) {
        settle.execute("VACUUM (ANALYZE) reconciliation_results, discrepancies, raw_events");
        settle.execute("CHECKPOINT");
      }
      Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
      progress.printf("seed: %,d results and %,d raw events seeded in %.1f s%n", rows, raw, elapsed.toMillis() / 1000.0);
      log.atInfo().addKeyValue("rowsBefore", before).addKeyValue("rowsSeeded", rows).addKeyValue("rawEvents", raw)
          .addKeyValue("elapsedMillis", elapsed.toMillis()).log("results seeded for the read benchmark");
      return new Seeding(before, rows, raw, elapsed);
    } catch (SQLException e) {
      throw new IllegalStateException("seeding reconciliation_results of " + adminConfig.database() + " failed: " + e.getMessage(), e);
    }
  }

  /**
   * Up to {@code count} existing seeded txn ids, half of them with raw events (every 1000th), half
   * anywhere among the seeded rows.
   */
  public static List<String> sampleTxnIds(AccordConfig.Postgres adminConfig, int count, long seed) {
    try (Connection c = DriverManager.getConnection(adminConfig.jdbcUrl(), adminConfig.adminUser(), adminConfig.adminPassword())) {
      long seeded = count(c, "SELECT count(*) FROM reconciliation_results WHERE txn_id LIKE '" + SEED_PREFIX + "%'");
      if (seeded == 0) {
        return List.of();
      }
      SplittableRandom random = new SplittableRandom(seed);
      List<String> candidates = new ArrayList<>(count);
      long withEvents = seeded / RAW_EVENTS_EVERY;
      for (int i = 0; i < count; i++) {
        long n = i % 2 == 0 && withEvents > 0 ? RAW_EVENTS_EVERY * (1 + random.nextLong(withEvents)) : 1 + random.nextLong(seeded);
        candidates.add(SEED_PREFIX + n);
      }
      List<String> existing = new ArrayList<>(count);
      try (PreparedStatement s = c.prepareStatement("SELECT txn_id FROM reconciliation_results WHERE txn_id = ANY(?)")) {
        s.setArray(1, c.createArrayOf("text", candidates.toArray()));
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            existing.add(rs.getString(1));
          }
        }
      }
      return existing;
    } catch (SQLException e) {
      throw new IllegalStateException("sampling txn ids of " + adminConfig.database() + " failed: " + e.getMessage(), e);
    }
  }

  private static long count(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /**
   * $1..$2 the seed numbers. Deterministic in n (hashint8), so a row can be regenerated; the
   * discrepancies rows are expanded from the JSON exactly as UPSERT_RESULTS does.
   */
  private static final String SEED_ROWS = """
      WITH g AS (
        SELECT n, abs(hashint8(n)) % 1000 AS r, abs(hashint8(n + 1000000007)) AS h,
               now() - make_interval(secs => (abs(hashint8(-n)) % (30 * 86400))::double precision) AS seen
        FROM generate_series(?::bigint, ?::bigint) AS n
      ), seeded AS (
        SELECT n, h, seen,
               CASE WHEN r < 900 THEN 'MATCHED' WHEN r < 970 THEN 'MISMATCHED' ELSE 'MISSING' END AS status,
               CASE WHEN r < 900 THEN NULL
                    WHEN r < 970 THEN (ARRAY['AMOUNT','AMOUNT','AMOUNT','AMOUNT','STATUS','STATUS','CURRENCY','ACCOUNT','TIMESTAMP','DUPLICATE'])[1 + h % 10]
                    ELSE 'MISSING' END AS dtype,
               round((100 + h % 500000)::numeric / 100, 2) AS amount,
               (ARRAY['EUR','USD','GBP','CHF'])[1 + (h / 10) % 4] AS currency,
               (ARRAY['gateway','mobile'])[1 + (h / 40) % 2] AS other,
               'DE' || lpad(((h / 80) % 100000000000000000)::text, 20, '0') AS account
        FROM g
      )""";

  private static final String SEED_RESULTS = SEED_ROWS + """
      , inserted AS (
        INSERT INTO reconciliation_results (txn_id, status, sources_seen, sources_missing, discrepancy_types,
            discrepancies, amount, currency, first_seen_at, updated_at, version, state_revision)
        SELECT 'BENCHSEED-' || n, status,
               CASE WHEN status = 'MISSING' THEN array_remove(ARRAY['core','gateway','mobile'], other) ELSE ARRAY['core','gateway','mobile'] END,
               CASE WHEN status = 'MISSING' THEN ARRAY[other] ELSE '{}'::text[] END,
               CASE WHEN dtype IS NULL THEN '{}'::text[] ELSE ARRAY[dtype] END,
               CASE WHEN dtype IS NULL THEN '[]'::jsonb ELSE jsonb_build_array(jsonb_build_object(
                 'type', dtype,
                 'source_a', CASE WHEN dtype IN ('MISSING', 'DUPLICATE') THEN other ELSE 'core' END,
                 'source_b', CASE WHEN dtype = 'MISSING' THEN NULL ELSE other END,
                 'value_a', CASE dtype WHEN 'AMOUNT' THEN amount::text WHEN 'STATUS' THEN 'POSTED' WHEN 'CURRENCY' THEN currency
                                       WHEN 'ACCOUNT' THEN account WHEN 'TIMESTAMP' THEN to_char(seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                                       WHEN 'DUPLICATE' THEN upper(other) || '-BENCHSEED-' || n END,
                 'value_b', CASE dtype WHEN 'AMOUNT' THEN (amount + 0.50)::text WHEN 'STATUS' THEN 'DECLINED' WHEN 'CURRENCY' THEN 'USD'
                                       WHEN 'ACCOUNT' THEN account || '9' WHEN 'TIMESTAMP' THEN to_char((seen + interval '12 minutes') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                                       WHEN 'DUPLICATE' THEN upper(other) || '-BENCHSEED-' || n || '-2' END,
                 'difference', CASE dtype WHEN 'AMOUNT' THEN '0.50' WHEN 'TIMESTAMP' THEN 'PT12M' END)) END,
               amount, currency, seen, seen + interval '30 seconds', 2, 3
        FROM seeded ORDER BY n
        ON CONFLICT (txn_id) DO NOTHING
        RETURNING txn_id, version, discrepancies, updated_at
      ), listed AS (
        INSERT INTO discrepancies (txn_id, result_version, type, source_a, source_b, value_a, value_b, difference, detected_at)
        SELECT i.txn_id, i.version, x.type, x.source_a, x.source_b, x.value_a, x.value_b, x.difference, i.updated_at
        FROM inserted i CROSS JOIN LATERAL jsonb_to_recordset(i.discrepancies)
          AS x(type text, source_a text, source_b text, value_a text, value_b text, difference text)
      )
      SELECT count(*) FROM inserted""";

  private static final String SEED_RAW_EVENTS = SEED_ROWS + """
      INSERT INTO raw_events (source, event_id, txn_id, payload, received_at, via)
      SELECT s.source, upper(s.source) || '-BENCHSEED-' || n, 'BENCHSEED-' || n,
             jsonb_build_object('event_id', upper(s.source) || '-BENCHSEED-' || n, 'source', s.source, 'txn_id', 'BENCHSEED-' || n,
                                'amount', amount::text, 'currency', currency,
                                'status', CASE s.source WHEN 'core' THEN 'POSTED' WHEN 'gateway' THEN 'SETTLED' ELSE 'SUCCESS' END,
                                'account', account, 'timestamp', to_char(seen AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                                'channel', 'card', 'counterparty', 'merchant-' || (n % 500), 'reference', 'ref-' || n),
             seen + (s.ord * interval '150 milliseconds'), 'SIMULATOR'
      FROM seeded CROSS JOIN unnest(ARRAY['core','gateway','mobile']) WITH ORDINALITY AS s(source, ord)
      WHERE n % 1000 = 0 AND NOT (status = 'MISSING' AND s.source = other)
      ON CONFLICT ON CONSTRAINT raw_events_identity DO NOTHING""";

  // ---- measurement ---------------------------------------------------------------------------

  /**
   * Sends the four probes round-robin at {@code ratePerSecond} in total: the filtered results list,
   * the plain first page, a keyset next page (cursors collected beforehand by walking the first
   * pages), and the drill-down of a random id of {@code drillDownTxnIds}. A non-2xx answer, a
   * time-out or a refused send is an error, not a latency sample.
   */
  public static Report measure(Settings settings, List<String> drillDownTxnIds, PrintStream progress) {
    if (drillDownTxnIds.isEmpty()) {
      throw new IllegalArgumentException("the drill-down needs at least one existing txn id");
    }
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    // Blocking sends on threads of our own. The JDK client's sendAsync hands every response to
    // CompletableFuture's default executor, which on a machine of fewer than three cores starts a
    // new thread per task: a thread start inside every measured latency, and on a busy machine a
    // wait for a core to run it. A request due while every sender is busy waits in the queue, its
    // latency still counted from its due time.
    ExecutorService senders = Executors.newFixedThreadPool(SENDERS, runnable -> {
      Thread thread = new Thread(runnable, "bench-api-sender");
      thread.setDaemon(true);
      return thread;
    });
    List<String> cursors = collectCursors(http, settings);
    progress.printf(Locale.ROOT, "api latency: %d next-page cursors, %d drill-down ids; %d requests/s for %.1f s after %.1f s warm-up%n",
        cursors.size(), drillDownTxnIds.size(), settings.ratePerSecond(), settings.duration().toMillis() / 1000.0,
        settings.warmup().toMillis() / 1000.0);

    List<String> names = List.of("results filtered", "results first page", "results next page", "transaction drill-down");
    String filtered = "/api/v1/results?status=MISMATCHED&discrepancyType=AMOUNT&limit=50";
    String firstPage = "/api/v1/results?limit=50";
    long intervalNanos = 1_000_000_000L / settings.ratePerSecond();
    long warmupRequests = settings.warmup().toNanos() / intervalNanos;
    long total = warmupRequests + settings.duration().toNanos() / intervalNanos;
    int perProbe = (int) (total / names.size() + 1);
    long[][] samples = new long[names.size()][perProbe];
    AtomicInteger[] recorded = new AtomicInteger[names.size()];
    AtomicLong[] errors = new AtomicLong[names.size()];
    for (int p = 0; p < names.size(); p++) {
      recorded[p] = new AtomicInteger();
      errors[p] = new AtomicLong();
    }
    Map<String, Long> errorsByKind = new ConcurrentHashMap<>();
    AtomicInteger inFlight = new AtomicInteger();
    SplittableRandom random = new SplittableRandom(42);

    long start = System.nanoTime() + 50_000_000L;
    long nextReport = start + 1_000_000_000L;
    for (long i = 0; i < total; i++) {
      long due = start + i * intervalNanos;
      long wait;
      while ((wait = due - System.nanoTime()) > 0) {
        LockSupport.parkNanos(wait);
      }
      int probe = (int) (i % names.size());
      boolean measured = i >= warmupRequests;
      String path = switch (probe) {
        case 0 -> filtered;
        case 1 -> firstPage;
        case 2 -> cursors.isEmpty() ? firstPage
            : firstPage + "&cursor=" + URLEncoder.encode(cursors.get(random.nextInt(cursors.size())), StandardCharsets.UTF_8);
        default -> "/api/v1/transactions/" + URLEncoder.encode(drillDownTxnIds.get(random.nextInt(drillDownTxnIds.size())), StandardCharsets.UTF_8);
      };
      if (inFlight.get() >= IN_FLIGHT_MAX) {
        failed(measured, errors[probe], errorsByKind, "overload (" + IN_FLIGHT_MAX + " in flight)");
        continue;
      }
      inFlight.incrementAndGet();
      HttpRequest request = HttpRequest.newBuilder(URI.create(settings.apiBase() + path))
          .header("Authorization", settings.authorization().get()).timeout(REQUEST_TIMEOUT).GET().build();
      senders.execute(() -> {
        try {
          HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
          long latency = System.nanoTime() - due;
          if (response.statusCode() / 100 != 2) {
            failed(measured, errors[probe], errorsByKind, Integer.toString(response.statusCode()));
          } else if (measured) {
            samples[probe][recorded[probe].getAndIncrement()] = latency;
          }
        } catch (HttpTimeoutException e) {
          failed(measured, errors[probe], errorsByKind, "timeout");
        } catch (IOException e) {
          failed(measured, errors[probe], errorsByKind, e.getClass().getSimpleName());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          failed(measured, errors[probe], errorsByKind, "interrupted");
        } finally {
          inFlight.decrementAndGet();
        }
      });
      if (System.nanoTime() >= nextReport) {
        nextReport += 1_000_000_000L;
        progress.printf("api latency: %,d of %,d requests sent, %d in flight, %d errors%n", i + 1, total, inFlight.get(),
            errorsByKind.values().stream().mapToLong(Long::longValue).sum());
      }
    }
    long drainUntil = System.nanoTime() + REQUEST_TIMEOUT.toNanos() + 1_000_000_000L;
    while (inFlight.get() > 0 && System.nanoTime() < drainUntil) {
      LockSupport.parkNanos(10_000_000L);
    }
    senders.shutdownNow();

    List<Probe> probes = new ArrayList<>();
    String[] examples = {filtered, firstPage, firstPage + "&cursor=…", "/api/v1/transactions/{txnId}"};
    for (int p = 0; p < names.size(); p++) {
      LatencySummary summary = LatencySummary.of(samples[p], recorded[p].get(), errors[p].get());
      probes.add(new Probe(names.get(p), examples[p], summary));
      progress.printf("api latency [%s]: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max %.1f ms, %d samples, %d errors%n",
          names.get(p), millis(summary.p50()), millis(summary.p99()), millis(summary.p999()), millis(summary.max()),
          summary.count(), summary.errors());
      log.atInfo().addKeyValue("probe", names.get(p)).addKeyValue("p99Micros", summary.p99().toNanos() / 1000)
          .addKeyValue("samples", summary.count()).addKeyValue("errors", summary.errors()).log("api latency measured");
    }
    return new Report(settings.ratePerSecond(), settings.duration(), total - warmupRequests, probes, new LinkedHashMap<>(errorsByKind));
  }

  private static void failed(boolean measured, AtomicLong errors, Map<String, Long> errorsByKind, String kind) {
    if (measured) {
      errors.incrementAndGet();
      errorsByKind.merge(kind, 1L, Long::sum);
    }
  }

  /** Walks the first pages of the plain list, keeping each page's next cursor. */
  private static List<String> collectCursors(HttpClient http, Settings settings) {
    List<String> cursors = new ArrayList<>();
    String cursor = null;
    for (int page = 0; page < CURSOR_PAGES; page++) {
      String path = "/api/v1/results?limit=50" + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
      JsonObject body = getJson(http, settings, path);
      cursor = body.getString("next_cursor");
      if (cursor == null) {
        break;
      }
      cursors.add(cursor);
    }
    return cursors;
  }

  private static JsonObject getJson(HttpClient http, Settings settings, String path) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(settings.apiBase() + path))
          .header("Authorization", settings.authorization().get()).timeout(REQUEST_TIMEOUT).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
      }
      return new JsonObject(response.body());
    } catch (java.io.IOException e) {
      throw new IllegalStateException("GET " + path + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during GET " + path, e);
    }
  }

  private static double millis(Duration d) {
    return d.toNanos() / 1e6;
  }
}
