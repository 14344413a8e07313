package com.accord.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.config.AccordConfig;
import com.accord.domain.TransactionEvent;
import com.accord.testing.Infra;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An event recorded between the sweeper's claim and its release, computed as still inside the
 * window (its caller read the clock before the deadline; its pipeline reached Redis after the
 * claim), re-arms the deadline; the release must not remove it, or the transaction never closes.
 */
class SweepReleaseRaceTest {

  @Test
  void anEventRecordedBetweenClaimAndReleaseKeepsItsTransactionDue() {
    Vertx vertx = Vertx.vertx();
    String prefix = "race-" + UUID.randomUUID() + ":";
    Map<String, String> env = new HashMap<>(Infra.get().environment());
    env.put("ACCORD_REDIS_KEY_PREFIX", prefix);
    env.put("ACCORD_RULES_WINDOW", "PT1S");
    env.put("ACCORD_KAFKA_ENABLED", "false");
    AccordConfig config = AccordConfig.load(null, env);
    CorrelationStore store = new CorrelationStore(vertx, config.redis(), config.correlation(), config.rules());
    Redis redis = Redis.createClient(vertx, config.redis().uri());
    CorrelationKeys keys = new CorrelationKeys(prefix, config.correlation().shards());
    try {
      store.loadFunctions().await();
      store.markAlive().await();
      Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
      String txn = "RACE-1";
      store.record(List.of(StateUpdate.event(event("mobile", txn), t0)), t0, true, false).await();

      Instant claimedAt = t0.plusMillis(1100);
      Duration lease = Duration.ofSeconds(10);
      assertThat(store.claimDue(claimedAt, 100, lease).await()).containsExactly(txn);
      // the sweeper reads the state (one event, window closed) ...
      TxnState swept = store.record(List.of(StateUpdate.read(txn, claimedAt)), claimedAt, true, true).await().get(0);
      assertThat(swept.windowClosed()).isTrue();
      // ... while an event whose caller read the clock before the deadline reaches Redis
      TxnState late = store.record(List.of(StateUpdate.event(event("core", txn), t0.plusMillis(700))), t0.plusMillis(900), true, false)
          .await().get(0);
      assertThat(late.windowClosed()).as("the late event is reconciled as still open").isFalse();
      store.release(List.of(txn), claimedAt, lease, claimedAt.plusMillis(50)).await();

      Response state = redis.send(Request.cmd(Command.HGET).arg(keys.txns(txn)).arg(txn)).await();
      assertThat(state.toString().split("\u001e")[0]).as("header of the state after the release: still due at the deadline")
          .isEqualTo(Long.toString(t0.toEpochMilli(), 36) + "\u001f" + Long.toString(Duration.ofSeconds(1).toMillis(), 36));
      assertThat(store.claimDue(claimedAt.plusMillis(100), 100, lease).await()).as("due at the next sweep").containsExactly(txn);
    } finally {
      store.close().await();
      redis.close().await();
      vertx.close().await();
    }
  }

  private static TransactionEvent event(String source, String txnId) {
    return new TransactionEvent(source + "-" + txnId, source, txnId, new BigDecimal("1.00"), "EUR",
        source.equals("core") ? "POSTED" : "SUCCESS", "DE89370400440532013000", Instant.parse("2030-01-01T00:00:00Z"),
        null, null, null, Map.of());
  }
}
