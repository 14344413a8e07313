package com.accord.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.config.AccordConfig;
import com.accord.domain.Conflict;
import com.accord.domain.TransactionEvent;
import com.accord.infra.RedisClients;
import com.accord.testing.Infra;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Redis layout against a real Redis: transactions as fields of their shard's hash, due times on the timing
 * wheel. Times are explicit (a window of 1 s, a retention of 5 s), so nothing waits for a clock.
 */
class CorrelationStoreTest {

  private static final Instant T0 = Instant.parse("2031-06-01T12:00:00.250Z");
  private static final Duration LEASE = Duration.ofSeconds(10);

  private Vertx vertx;
  private String prefix;
  private CorrelationStore store;
  private CorrelationKeys keys;
  private Redis redis;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    prefix = "store-" + UUID.randomUUID() + ":";
    Map<String, String> env = new HashMap<>(Infra.get().environment());
    env.put("ACCORD_REDIS_KEY_PREFIX", prefix);
    env.put("ACCORD_RULES_WINDOW", "PT1S");
    env.put("ACCORD_CORRELATION_RETENTION", "PT5S");
    env.put("ACCORD_KAFKA_ENABLED", "false");
    AccordConfig config = AccordConfig.load(null, env);
    store = new CorrelationStore(vertx, config.redis(), config.correlation(), config.rules());
    keys = new CorrelationKeys(prefix, config.correlation().shards());
    redis = Redis.createClient(vertx, config.redis().uri());
    store.loadFunctions().await();
    store.markAlive().await();
  }

  @AfterEach
  void stop() {
    try {
      RedisClients.deleteKeysWithPrefix(redis, prefix).await();
    } finally {
      store.close().await();
      redis.close().await();
      vertx.close().await();
    }
  }

  @Test
  void anOpenTransactionIsClaimedOnlyOnceItsWindowHasClosed() {
    record(event("core", "OPEN-1"), T0, T0);
    assertThat(store.claimDue(T0.plusMillis(999), 100, LEASE).await()).as("before the deadline").isEmpty();
    assertThat(store.claimDue(T0.plusMillis(1000), 100, LEASE).await()).as("at the deadline").containsExactly("OPEN-1");
    assertThat(store.claimDue(T0.plusMillis(1500), 100, LEASE).await()).as("while claimed").isEmpty();
    assertThat(store.claimDue(T0.plusMillis(1000).plus(LEASE), 100, LEASE).await()).as("once the claim lapsed").containsExactly("OPEN-1");
  }

  @Test
  void claimsStopAtTheLimitAndTheRestStayDue() {
    List<String> sameShard = new ArrayList<>();
    for (int i = 0; sameShard.size() < 5; i++) {
      if (keys.shardOf("LIM-" + i) == 0) {
        sameShard.add("LIM-" + i);
      }
    }
    sameShard.forEach(txn -> record(event("core", txn), T0, T0));
    Instant due = T0.plusSeconds(2);
    Set<String> claimed = new HashSet<>();
    List<Integer> perCall = new ArrayList<>();
    for (int call = 0; call < 4; call++) {
      List<String> batch = store.claimDue(due, 2, LEASE).await();
      perCall.add(batch.size());
      batch.forEach(txn -> assertThat(claimed.add(txn)).as("%s claimed twice", txn).isTrue());
    }
    assertThat(perCall).as("claims per call, at most 2 of the shard").containsExactly(2, 2, 1, 0);
    assertThat(claimed).containsExactlyInAnyOrderElementsOf(sameShard);
  }

  @Test
  void aSettledStateStaysForTheRetentionThenTheSweepDropsIt() {
    String txn = "SETTLED-1";
    record(event("core", txn), T0, T0);
    record(event("gateway", txn), T0, T0);
    TxnState complete = record(event("mobile", txn), T0, T0.plusMillis(100));
    assertThat(complete.entryCount()).isEqualTo(3);
    assertThat(store.claimDue(T0.plusSeconds(2), 100, LEASE).await()).as("a complete transaction is never due").isEmpty();
    assertThat(cachedState(txn)).as("kept for the retention").isNotNull();

    assertThat(store.claimDue(T0.plusMillis(100).plusSeconds(5), 100, LEASE).await()).isEmpty();
    assertThat(cachedState(txn)).as("dropped once the retention has passed").isNull();
    TxnState read = store.record(List.of(StateUpdate.read(txn, T0.plusSeconds(6))), T0.plusSeconds(6), true, false).await().get(0);
    assertThat(read.fresh()).as("nothing cached any more: the caller reads PostgreSQL").isTrue();
  }

  @Test
  void aLateEventExtendsTheRetentionOfASettledState() {
    String txn = "LATE-1";
    record(event("core", txn), T0, T0);
    TxnState late = record(event("gateway", txn), T0.plusSeconds(3), T0.plusSeconds(3));
    assertThat(late.windowClosed()).isTrue();
    assertThat(late.fresh()).isFalse();
    assertThat(store.claimDue(T0.plusSeconds(6), 100, LEASE).await()).as("settled by the closed window").isEmpty();
    assertThat(cachedState(txn)).as("retention runs from the late event").isNotNull();
    store.claimDue(T0.plusSeconds(8).plusMillis(1), 100, LEASE).await();
    assertThat(cachedState(txn)).isNull();
  }

  @Test
  void anEntryUnderAnIdAlreadyKeptIsNotAddedAgain() {
    TransactionEvent core = event("core", "DUP-1");
    record(core, T0, T0);
    TransactionEvent resent = new TransactionEvent(core.eventId(), "core", "DUP-1", new BigDecimal("99.00"), "EUR", "POSTED",
        core.account(), T0, null, null, null, Map.of());
    TxnState again = record(resent, T0.plusMillis(10), T0.plusMillis(10));
    assertThat(again.entryCount()).isEqualTo(1);
    assertThat(again.events()).singleElement().extracting(TransactionEvent::amount).isEqualTo(new BigDecimal("12.30"));
  }

  @Test
  void theWheelIsGoneWithTheRestOfTheState() {
    record(event("core", "LOST-1"), T0, T0);
    redis.send(Request.cmd(Command.DEL).arg(keys.alive(keys.shardOf("LOST-1")))).await();
    String outcome = store.claimDue(T0.plusSeconds(2), 100, LEASE).map(claimed -> "claimed " + claimed)
        .otherwise(Throwable::getMessage).await();
    assertThat(outcome).contains(CorrelationStore.STATE_LOST);
  }

  @Test
  void aLaterEventKeepsOnlyWhatDiffersFromTheFirstAndReadsBackWhole() {
    TransactionEvent core = event("core", "SHORT-1");
    TransactionEvent gateway = at(event("gateway", "SHORT-1"), "gateway-SHORT-1", T0.plusMillis(350));
    TransactionEvent mobile = withAmount(at(event("mobile", "SHORT-1"), "mobile-SHORT-1", T0.minusSeconds(5)), "12.31");
    Instant longBefore = Instant.parse("2001-01-01T00:00:00Z");
    TransactionEvent resent = at(event("gateway", "SHORT-1"), "gateway-SHORT-1-2", longBefore);
    for (TransactionEvent event : List.of(core, gateway, mobile)) {
      record(event, T0, T0);
    }
    TxnState state = record(resent, T0, T0);

    assertThat(cachedState("SHORT-1"))
        .as("the id's transaction part, every field equal to the first event's, and most of a near time are left out")
        .contains("\u001egateway\u001fgateway-\u001c\u001d\u001f\u001fSETTLED\u001f\u001f~9q\u001e")
        .contains("\u001emobile\u001fmobile-\u001c\u001d12.31\u001f\u001fSUCCESS\u001f\u001f~-3uw\u001e")
        .as("a time far from the first event's is kept whole")
        .endsWith("\u001egateway\u001fgateway-\u001c-2\u001d\u001f\u001fSETTLED\u001f\u001f" + PackedState.time(longBefore));
    assertThat(state.events()).map(CorrelationStoreTest::compared)
        .containsExactly(compared(core), compared(gateway), compared(mobile), compared(resent));
  }

  @Test
  void aConflictIsNeverTheEventOthersAreAbbreviatedAgainst() {
    Conflict resend = new Conflict("core", "core-CONF-1");
    store.record(List.of(StateUpdate.conflict("CONF-1", resend, T0)), T0, true, false).await();
    TransactionEvent gateway = event("gateway", "CONF-1");
    TransactionEvent mobile = event("mobile", "CONF-1");
    record(gateway, T0, T0);
    TxnState state = record(mobile, T0, T0);

    assertThat(cachedState("CONF-1")).endsWith("\u001emobile\u001fmobile-\u001c\u001d\u001f\u001fSUCCESS\u001f\u001f");
    assertThat(state.conflicts()).containsExactly(resend);
    assertThat(state.events()).map(CorrelationStoreTest::compared).containsExactly(compared(gateway), compared(mobile));
  }

  @Test
  void loadingTheLibraryDeletesTheLibrariesOfEarlierLayouts() {
    assertThat(CorrelationKeys.LIBRARY).startsWith("#!lua name=" + CorrelationKeys.LIBRARY_NAME + "\n");
    String earlier = CorrelationKeys.EARLIER_LIBRARIES.get(0);
    redis.send(Request.cmd(Command.FUNCTION).arg("LOAD").arg("REPLACE")
        .arg("#!lua name=" + earlier + "\nredis.register_function('accord_earlier_probe', function() return 1 end)")).await();

    store.loadFunctions().await();

    assertThat(redis.send(Request.cmd(Command.FUNCTION).arg("LIST").arg("LIBRARYNAME").arg(earlier)).await().toString())
        .doesNotContain("accord_earlier_probe");
    assertThat(redis.send(Request.cmd(Command.FUNCTION).arg("LIST").arg("LIBRARYNAME").arg(CorrelationKeys.LIBRARY_NAME)).await()
        .toString()).contains("accord_record");
    store.loadFunctions().await(); // and again, with nothing earlier left to delete
  }

  private TxnState record(TransactionEvent event, Instant received, Instant now) {
    return store.record(List.of(StateUpdate.event(event, received)), now, true, false).await().get(0);
  }

  private String cachedState(String txn) {
    var reply = redis.send(Request.cmd(Command.HGET).arg(keys.txns(txn)).arg(txn)).await();
    return reply == null ? null : reply.toString();
  }

  private static List<Object> compared(TransactionEvent e) {
    return List.of(e.eventId(), e.source(), e.txnId(), e.amount(), e.currency(), e.status(), e.account(), e.timestamp());
  }

  private static TransactionEvent at(TransactionEvent e, String eventId, Instant timestamp) {
    return new TransactionEvent(eventId, e.source(), e.txnId(), e.amount(), e.currency(), e.status(), e.account(),
        timestamp, e.channel(), e.counterparty(), e.reference(), e.metadata());
  }

  private static TransactionEvent withAmount(TransactionEvent e, String amount) {
    return new TransactionEvent(e.eventId(), e.source(), e.txnId(), new BigDecimal(amount), e.currency(), e.status(), e.account(),
        e.timestamp(), e.channel(), e.counterparty(), e.reference(), e.metadata());
  }

  private static TransactionEvent event(String source, String txnId) {
    return new TransactionEvent(source + "-" + txnId, source, txnId, new BigDecimal("12.30"), "EUR",
        Map.of("core", "POSTED", "gateway", "SETTLED", "mobile", "SUCCESS").get(source), "DE89370400440532013000",
        T0, "card", "merchant", "ref", Map.of());
  }
}
