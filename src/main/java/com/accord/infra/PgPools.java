package com.accord.infra;

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
