package com.accord.infra;

import com.accord.config.AccordConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;

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

  /** Deletes every key under the configured prefix, on a connection of its own; for a run that starts empty. */
  public static Future<Integer> clearPrefix(Vertx vertx, AccordConfig.Redis config) {
    Redis redis = create(vertx, config, 1);
    return deleteKeysWithPrefix(redis, config.keyPrefix()).eventually(redis::close);
  }

  /**
   * Deletes every key under {@code prefix}, scanning in pages (never KEYS): for the demo's and the
   * tests' own prefixes, which start empty. Returns the number of keys deleted.
   */
  public static Future<Integer> deleteKeysWithPrefix(Redis redis, String prefix) {
    return deletePage(redis, prefix, "0", 0);
  }

  private static Future<Integer> deletePage(Redis redis, String prefix, String cursor, int deletedSoFar) {
    return redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + "*").arg("COUNT").arg(1000))
        .compose(scan -> {
          String next = scan.get(0).toString();
          Request del = Request.cmd(Command.DEL);
          scan.get(1).forEach(key -> del.arg(key.toString()));
          Future<Integer> deleted = scan.get(1).size() == 0 ? Future.succeededFuture(0)
              : redis.send(del).map(reply -> reply.toInteger());
          return deleted.compose(n -> next.equals("0")
              ? Future.succeededFuture(deletedSoFar + n)
              : deletePage(redis, prefix, next, deletedSoFar + n));
        });
  }
}
