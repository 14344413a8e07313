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

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
