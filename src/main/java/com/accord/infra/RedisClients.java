package com.accord.infra;

import com.accord.config.AccordConfig;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

/** Builds Redis clients from configuration in one place, TLS included ({@code rediss://} and a CA file). */
public final class RedisClients {
  private RedisClients() {}

  public static Redis create(Vertx vertx, AccordConfig.Redis config, int poolSize) {
    RedisOptions options = new RedisOptions()
        .setConnectionString(config.uri())
        .setMaxPoolSize(poolSize)
        .setMaxPoolWaiting(1024)
        .setMaxWaitingHandlers(64 * 1024);
    if (!config.tlsCaPath().isEmpty()) {
      options.setNetClientOptions(new NetClientOptions()
          .setSsl(true)
          .setHostnameVerificationAlgorithm("HTTPS")
          .setTrustOptions(new PemTrustOptions().addCertPath(config.tlsCaPath())));
    }
    return Redis.createClient(vertx, options);
  }
}
