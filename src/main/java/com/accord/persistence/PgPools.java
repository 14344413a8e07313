package com.accord.persistence;

import com.accord.config.AccordConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Builds the reactive PostgreSQL pools from configuration, in one place. */
public final class PgPools {
  private PgPools() {}

  public static Pool create(Vertx vertx, AccordConfig.Postgres config, String name) {
    PgConnectOptions connect = new PgConnectOptions()
        .setHost(config.host())
        .setPort(config.port())
        .setDatabase(config.database())
        .setUser(config.user())
        .setPassword(config.password())
        .setCachePreparedStatements(true)
        .setPreparedStatementCacheMaxSize(64)
        .setPipeliningLimit(16);
    PoolOptions pool = new PoolOptions()
        .setMaxSize(config.poolSize())
        .setMaxWaitQueueSize(1024)
        .setName("accord-" + name);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }
}
