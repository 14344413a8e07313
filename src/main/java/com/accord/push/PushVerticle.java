package com.accord.push;

import com.accord.bus.Addresses;
import com.accord.bus.LocalCodec;
import com.accord.bus.Messages.ResultsStored;
import com.accord.bus.Messages.StoredResult;
import com.accord.config.AccordConfig;
import com.accord.domain.Discrepancy;
import com.accord.domain.ReconciliationResult;
import com.accord.infra.PgPools;
import com.accord.persistence.StatsQuery;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns stored changes into what dashboards see: every new or changed result goes out on
 * {@link #RESULTS}, and once a second a statistics digest on {@link #STATS}. The SockJS bridge
 * forwards these two addresses, and only these, to authenticated sessions. Both are published
 * {@linkplain LocalCodec#shared() shared}: every dashboard's consumer gets the one message, not a copy.
 */
public final class PushVerticle extends VerticleBase {

  public static final String RESULTS = "accord.push.results";
  public static final String STATS = "accord.push.stats";

  private static final Logger log = LoggerFactory.getLogger(PushVerticle.class);

  private final AccordConfig config;
  private Pool pool;
  private static final java.time.Duration DIGEST_INTERVAL = java.time.Duration.ofSeconds(1);
  private static final long DIGEST_DUTY_FACTOR = 10;

  private long timer = -1;
  private boolean stopped;
  /** The digest in flight, if any: stopping waits for it rather than closing the pool under it. */
  private Future<?> digest = Future.succeededFuture();

  public PushVerticle(AccordConfig config) {
    this.config = config;
  }

  @Override
  public Future<?> start() {
    LocalCodec.registerAll(vertx.eventBus());
    pool = PgPools.create(vertx, config.postgres(), "push");
    timer = vertx.setTimer(DIGEST_INTERVAL.toMillis(), id -> publishStats());
    return vertx.eventBus().<ResultsStored>localConsumer(Addresses.RESULTS_CHANGED, m -> publishChanges(m.body())).completion();
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(timer);
    return digest.otherwiseEmpty().eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  private void publishChanges(ResultsStored stored) {
    JsonArray changes = new JsonArray();
    String updatedAt = Instant.now().toString(); // the batch's results were stored together
    for (StoredResult s : stored.changed()) {
      ReconciliationResult r = s.result();
      JsonArray types = new JsonArray();
      r.discrepancies().stream().map(Discrepancy::type).distinct().sorted().forEach(t -> types.add(t.name()));
      changes.add(new JsonObject()
          .put("txn_id", r.txnId())
          .put("status", r.status().name())
          .put("previous_status", s.previousStatus())
          .put("version", s.version())
          .put("discrepancy_types", types)
          .put("sources_seen", new JsonArray(r.sourcesSeen()))
          .put("sources_missing", new JsonArray(r.sourcesMissing()))
          .put("amount", r.referenceAmount() == null ? null : r.referenceAmount().toPlainString())
          .put("currency", r.currency())
          .put("updated_at", updatedAt));
    }
    vertx.eventBus().publish(RESULTS, new JsonObject().put("changes", changes), LocalCodec.shared());
  }

  /**
   * One digest a second whatever the number of dashboards: computed once, published to all. The
   * counts scan the results, so on a large table the next digest waits ten times as long as this
   * one took: the dashboard refreshes less often, and the digest never takes more than a tenth of
   * a database core from ingestion (it runs without parallel workers, so its wall time is its CPU time).
   */
  private void publishStats() {
    long started = System.nanoTime();
    Future<JsonObject> stats = StatsQuery.digest(pool);
    Future<JsonObject> lastSeen = pool.preparedQuery("""
            SELECT s.source, (SELECT max(received_at) FROM raw_events e WHERE e.source = s.source) AS last_seen
            FROM unnest($1::text[]) AS s(source)""").execute(io.vertx.sqlclient.Tuple.of(config.rules().sources().toArray(String[]::new)))
        .map(rows -> {
          JsonObject seen = new JsonObject();
          for (Row row : rows) {
            if (row.getOffsetDateTime("last_seen") != null) {
              seen.put(row.getString("source"), row.getOffsetDateTime("last_seen").toInstant().toString());
            }
          }
          return seen;
        });
    digest = Future.all(stats, lastSeen)
        .onSuccess(all -> vertx.eventBus().publish(STATS, stats.result()
            .put("at", Instant.now().toString()).put("last_seen_by_source", lastSeen.result()), LocalCodec.shared()))
        .onFailure(e -> log.atWarn().log("statistics digest not computed: " + e.getMessage()))
        .onComplete(done -> {
          if (!stopped) {
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            timer = vertx.setTimer(Math.max(DIGEST_INTERVAL.toMillis(), DIGEST_DUTY_FACTOR * tookMillis), id -> publishStats());
          }
        });
  }
}
