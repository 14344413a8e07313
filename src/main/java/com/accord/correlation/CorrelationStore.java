package com.accord.correlation;

import com.accord.config.AccordConfig;
import com.accord.domain.ReconciliationRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import com.accord.infra.RedisClients;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The in-flight state of transactions in Redis: one atomic function call per event, pipelined
 * per batch. Keys of one transaction and its deadline shard share a hash tag, so every call
 * touches one Redis Cluster slot. Redis is a cache: what is lost here is rebuilt from PostgreSQL.
 */
public final class CorrelationStore {

  static final String STATE_LOST = "ACCORD_STATE_LOST";

  private final Redis redis;
  private final CorrelationKeys keys;
  private final String expectedSources;
  private final long windowMillis;
  private final long retentionMillis;

  CorrelationStore(Vertx vertx, AccordConfig.Redis redisConfig, AccordConfig.Correlation correlation, ReconciliationRules rules) {
    this.redis = RedisClients.create(vertx, redisConfig, redisConfig.poolSize());
    this.keys = new CorrelationKeys(redisConfig.keyPrefix(), correlation.shards());
    this.expectedSources = String.join(",", rules.expectedSources());
    this.windowMillis = rules.window().toMillis();
    this.retentionMillis = correlation.retention().toMillis();
  }

  Future<Void> close() {
    return redis.close();
  }

  /** Installs (or replaces) the Redis function library; Redis loses it on restart without persistence. */
  Future<Void> loadFunctions() {
    return loadLibrary(redis);
  }

  /**
   * Installs this version's function library, deleting the libraries of earlier state layouts
   * first: their functions have the same names, and an Accord of an earlier version still running
   * against this Redis then fails its calls (and cannot load its library back while this one is
   * there) instead of writing state in a layout this version reads differently.
   */
  public static Future<Void> loadLibrary(Redis redis) {
    Future<Void> deleted = Future.succeededFuture();
    for (String earlier : CorrelationKeys.EARLIER_LIBRARIES) {
      deleted = deleted.compose(v -> redis.send(Request.cmd(Command.FUNCTION).arg("DELETE").arg(earlier)).<Void>mapEmpty()
          .recover(e -> String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("not found")
              ? Future.succeededFuture() : Future.failedFuture(e)));
    }
    return deleted.compose(v -> redis.send(Request.cmd(Command.FUNCTION).arg("LOAD").arg("REPLACE").arg(CorrelationKeys.LIBRARY)))
        .mapEmpty();
  }

  /** Declares every shard's state complete; from now on a missing marker means the state was lost. */
  Future<Void> markAlive() {
    List<Request> requests = new ArrayList<>(keys.shards());
    for (int shard = 0; shard < keys.shards(); shard++) {
      requests.add(Request.cmd(Command.SET).arg(keys.alive(shard)).arg("1"));
    }
    return redis.batch(requests).mapEmpty();
  }

  Future<Response> ping() {
    return redis.send(Request.cmd(Command.PING));
  }

  /**
   * Applies updates in order, one function call each, in one pipeline. The returned states are
   * in update order; each holds everything known of its transaction after that update.
   *
   * @param requireAlive fail with {@link #STATE_LOST} when a shard's state has vanished
   * @param sweeping reading claimed deadlines: leave the claim for {@link #release}
   */
  Future<List<TxnState>> record(List<StateUpdate> updates, Instant now, boolean requireAlive, boolean sweeping) {
    if (updates.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Request> requests = new ArrayList<>(updates.size());
    for (StateUpdate update : updates) {
      requests.add(keys.record(update.txnId(), update.field() == null ? "" : update.field(),
          update.value() == null ? "" : update.value(), update.receivedAt().toEpochMilli(), windowMillis, retentionMillis,
          now.toEpochMilli(), expectedSources, requireAlive, sweeping));
    }
    return withFunctions(() -> redis.batch(requests)).map(responses -> {
      List<TxnState> states = new ArrayList<>(responses.size());
      for (int i = 0; i < responses.size(); i++) {
        states.add(parse(updates.get(i).txnId(), responses.get(i)));
      }
      return states;
    });
  }

  /**
   * Claims transactions whose window has closed, across all shards, for {@code lease}; fails with
   * {@link #STATE_LOST} when a shard's state (and so its timing wheel) has vanished.
   */
  Future<List<String>> claimDue(Instant now, int limitPerShard, Duration lease) {
    List<Request> requests = new ArrayList<>(keys.shards());
    for (int shard = 0; shard < keys.shards(); shard++) {
      requests.add(Request.cmd(Command.FCALL).arg("accord_claim_due").arg(3)
          .arg(keys.wheel(shard)).arg(keys.alive(shard)).arg(keys.txns(shard))
          .arg(now.toEpochMilli()).arg(limitPerShard).arg(lease.toMillis()));
    }
    return withFunctions(() -> redis.batch(requests)).map(responses -> {
      List<String> due = new ArrayList<>();
      for (Response response : responses) {
        response.forEach(txnId -> due.add(txnId.toString()));
      }
      return due;
    });
  }

  /**
   * Ends claims whose results are stored: the transactions are settled, their states kept for the
   * retention — except where an event recorded since the claim re-armed the deadline, which stays
   * for the next sweep.
   *
   * @param claimedAt and {@code lease}: as given to {@link #claimDue}, which scored the claims now + lease
   */
  Future<Void> release(List<String> txnIds, Instant claimedAt, Duration lease, Instant now) {
    if (txnIds.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Request> requests = new ArrayList<>(txnIds.size());
    for (String txnId : txnIds) {
      requests.add(Request.cmd(Command.FCALL).arg("accord_release").arg(2)
          .arg(keys.txns(txnId)).arg(keys.wheel(keys.shardOf(txnId)))
          .arg(txnId).arg(claimedAt.toEpochMilli() + lease.toMillis()).arg(retentionMillis)
          .arg(now.toEpochMilli()));
    }
    return withFunctions(() -> redis.batch(requests)).mapEmpty();
  }

  /** Redis forgets functions when it restarts without persistence; load them again and retry once. */
  private <T> Future<T> withFunctions(java.util.function.Supplier<Future<T>> call) {
    return call.get().recover(e -> {
      String message = String.valueOf(e.getMessage());
      if (message.contains("Function not found") || message.contains("function not found")) {
        return loadFunctions().compose(v -> call.get());
      }
      return Future.failedFuture(e);
    });
  }

  private static TxnState parse(String txnId, Response response) {
    boolean fresh = response.get(0).toInteger() == 1;
    boolean closed = response.get(1).toInteger() == 1;
    PackedState.Decoded state = PackedState.decode(txnId, response.get(2).toString());
    return new TxnState(txnId, fresh, closed, state.entries(), state.firstSeenAt(), state.entryCount());
  }
}
