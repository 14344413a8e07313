package com.accord.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.config.AccordConfig;
import com.accord.persistence.Database;
import com.accord.persistence.Sql;
import com.accord.testing.Infra;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The pools keep every statement of the pipeline prepared on its connection, so PostgreSQL parses
 * and plans each once per connection instead of once per batch. Real PostgreSQL, a database of
 * the test's own.
 */
class PgPoolsTest {

  /** A migrated database of this test's own, reached through a one-connection pool. */
  private static AccordConfig.Postgres scratchDatabase() {
    Map<String, String> env = new HashMap<>(Infra.get().environment());
    env.put("ACCORD_KAFKA_ENABLED", "false");
    env.put("ACCORD_POSTGRES_DATABASE", "accord_pgpools_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10));
    env.put("ACCORD_POSTGRES_POOL_SIZE", "1");
    AccordConfig.Postgres config = AccordConfig.load(null, env).postgres();
    Database.prepare(config);
    return config;
  }

  @Test
  void everyStatementOfThePipelineFitsTheCacheLimit() throws Exception {
    for (var field : Sql.class.getFields()) {
      assertThat(((String) field.get(null)).length()).as(field.getName()).isLessThanOrEqualTo(PgPools.PREPARED_SQL_LENGTH_MAX);
    }
  }

  @Test
  void theWriteAheadAndTheResultsUpsertStayPreparedOnTheirConnection() throws Exception {
    AccordConfig.Postgres config = scratchDatabase();
    Vertx vertx = Vertx.vertx();
    try {
      assertPreparedOnTheirConnection(PgPools.create(vertx, config, "pgpools-test")); // one connection: every call shares it
    } finally {
      await(vertx.close());
      Database.drop(config);
    }
  }

  private static void assertPreparedOnTheirConnection(Pool pool) throws Exception {
    String[] none = new String[0];
    Tuple raw = Tuple.of(none, none, none, none, new OffsetDateTime[0], "HTTP");
    Tuple results = Tuple.tuple();
    for (int i = 0; i < 9; i++) {
      results.addValue(none);
    }
    results.addValue(new Long[0]);

    List<String> prepared = await(pool.preparedQuery(Sql.INSERT_RAW_EVENTS).execute(raw)
        .compose(r -> pool.preparedQuery(Sql.UPSERT_RESULTS).execute(results))
        .compose(r -> pool.preparedQuery(Sql.UPSERT_RESULTS).execute(results))
        .compose(r -> pool.query("SELECT statement FROM pg_prepared_statements").execute())
        .map(rows -> rows.stream().map(row -> row.getString("statement")).toList()));

    assertThat(Sql.UPSERT_RESULTS.length()).as("longer than the client's default cache limit").isGreaterThan(2048);
    assertThat(prepared).contains(Sql.INSERT_RAW_EVENTS, Sql.UPSERT_RESULTS);
    assertThat(prepared.stream().filter(Sql.UPSERT_RESULTS::equals)).as("prepared once, reused").hasSize(1);
  }

  /**
   * A pool opened while traffic trickles: its first write-aheads and results carry one event each.
   * On the pipeline's pools every execution reuses one generic plan. PostgreSQL's default plans
   * the first five for their parameters and then compares; on a table in service it went on
   * planning one-event batches for ever (PERFORMANCE.md), on this test's small tables it does not,
   * so only the first five are asserted for it.
   */
  @Test
  void thePipelinesPoolsPlanItsBatchStatementsOnceEvenWhenTheFirstBatchesAreSmall() throws Exception {
    AccordConfig.Postgres config = scratchDatabase();
    Vertx vertx = Vertx.vertx();
    try {
      Map<String, long[]> generic = plansAfterOneEventBatches(PgPools.create(vertx, config, "pgpools-generic",
          PgPools.PlanCache.GENERIC), "g");
      Map<String, long[]> auto = plansAfterOneEventBatches(PgPools.create(vertx, config, "pgpools-auto",
          PgPools.PlanCache.AUTO), "a");
      for (String statement : List.of(Sql.INSERT_RAW_EVENTS, Sql.UPSERT_RESULTS)) {
        assertThat(generic.get(statement)).as("generic, custom plans on the pipeline's pool").containsExactly(ONE_EVENT_BATCHES, 0);
        assertThat(auto.get(statement)[1]).as("custom plans with PostgreSQL's default: the first five at least")
            .isGreaterThanOrEqualTo(5);
      }
    } finally {
      await(vertx.close());
      Database.drop(config);
    }
  }

  private static final int ONE_EVENT_BATCHES = 8;

  /** Runs one-event write-aheads and results upserts; returns each statement's generic and custom plan counts. */
  private static Map<String, long[]> plansAfterOneEventBatches(Pool pool, String prefix) throws Exception {
    OffsetDateTime now = OffsetDateTime.now(java.time.ZoneOffset.UTC);
    Future<?> chain = Future.succeededFuture();
    for (int i = 0; i < ONE_EVENT_BATCHES; i++) {
      String txn = prefix + "-txn-" + i;
      Tuple raw = Tuple.of(new String[] {"core"}, new String[] {prefix + "-event-" + i}, new String[] {txn},
          new String[] {"{\"n\": " + i + "}"}, new OffsetDateTime[] {now}, "HTTP");
      Tuple result = Tuple.tuple()
          .addValue(new String[] {txn}).addValue(new String[] {"PENDING"}).addValue(new String[] {"core"})
          .addValue(new String[] {"gateway,mobile"}).addValue(new String[] {""}).addValue(new String[] {"[]"})
          .addValue(new String[] {"10.00"}).addValue(new String[] {"EUR"}).addValue(new String[] {now.toString()})
          .addValue(new Long[] {1L});
      chain = chain.compose(v -> pool.preparedQuery(Sql.INSERT_RAW_EVENTS).execute(raw))
          .compose(v -> pool.preparedQuery(Sql.UPSERT_RESULTS).execute(result));
    }
    return await(chain.compose(v -> pool.query("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements").execute())
        .map(rows -> {
          Map<String, long[]> plans = new HashMap<>();
          rows.forEach(row -> plans.put(row.getString("statement"),
              new long[] {row.getLong("generic_plans"), row.getLong("custom_plans")}));
          return plans;
        }));
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
