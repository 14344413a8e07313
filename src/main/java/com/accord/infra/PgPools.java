package com.accord.infra;

import com.accord.config.AccordConfig;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Builds the reactive PostgreSQL pools from configuration, in one place. */
public final class PgPools {

  /**
   * The longest SQL kept prepared per connection. The client's default, 2,048 characters, left
   * the results upsert (3,258) out of the cache, so PostgreSQL parsed and planned it anew for
   * every batch. Accord's statements are constants or built from a closed set of filters, so a
   * generous limit cannot fill the cache with one-off text; the cache size bounds it anyway.
   */
  public static final int PREPARED_SQL_LENGTH_MAX = 16_384;

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
        .setPreparedStatementCacheSqlFilter(sql -> sql.length() <= PREPARED_SQL_LENGTH_MAX)
        .setPipeliningLimit(16)
        .setSslMode(io.vertx.pgclient.SslMode.of(config.sslMode()));
    if (!config.sslCaPath().isEmpty()) {
      connect.setSslOptions(new io.vertx.core.net.ClientSSLOptions()
          .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(config.sslCaPath()))
          .setHostnameVerificationAlgorithm(config.sslMode().equals("verify-full") ? "HTTPS" : ""));
    }
    PoolOptions pool = new PoolOptions()
        .setMaxSize(config.poolSize())
        .setMaxWaitQueueSize(1024)
        .setName("accord-" + name);
    return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
  }
}
