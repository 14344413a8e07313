package com.accord.it;

import static com.accord.it.Ev.core;
import static com.accord.it.Ev.gateway;
import static com.accord.it.Ev.mobile;
import static com.accord.it.Support.array;
import static com.accord.it.Support.post;
import static com.accord.it.Support.txn;
import static org.assertj.core.api.Assertions.assertThat;

import com.accord.domain.TransactionEvent;
import com.accord.simulation.GeneratedTransaction;
import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Specifies that Redis is only a cache: when it loses Accord's state, correlation rebuilds it from raw_events and the results come out the same. */
@ExtendWith(VertxExtension.class)
class RedisLossTest {

  private static final int TRANSACTIONS = 100;

  /** One-second window. */
  private static AccordFixture fixture;
  /** Three-second window, restarted by its test. */
  private static SecondAccord slow;

  @BeforeAll
  static void start(Vertx vertx) {
    fixture = AccordFixture.start(vertx);
    slow = SecondAccord.start(Map.of("ACCORD_RULES_WINDOW", "PT3S"));
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
    if (slow != null) {
      slow.close();
    }
  }

  /**
   * One transaction's state gone from Redis (dropped after the retention) while the
   * shard's state is otherwise intact: the next event's write-ahead finds the transaction has a
   * history, so correlation reads it back from PostgreSQL instead of starting it afresh.
   */
  @Test
  void aTransactionWhoseStateAloneVanishedIsReadBackFromPostgres() {
    String id = txn("evicted");
    post(fixture, core(id));
    fixture.awaitTransaction(id, transaction -> transaction.getJsonObject("result") != null, Duration.ofSeconds(10));
    String txns = new com.accord.correlation.CorrelationKeys(fixture.config().redis().keyPrefix(),
        fixture.config().correlation().shards()).txns(id);
    assertThat(fixture.redis(io.vertx.redis.client.Request.cmd(io.vertx.redis.client.Command.HDEL).arg(txns).arg(id)).toInteger())
        .as("the transaction's state deleted from %s", txns).isEqualTo(1);

    post(fixture, gateway(id), mobile(id));

    JsonObject result = Support.awaitSettled(fixture, id).getJsonObject("result");
    assertThat(result.getString("status")).isEqualTo("MATCHED");
    assertThat(result.getJsonArray("sources_seen")).isEqualTo(array("core", "gateway", "mobile"));
  }

  @Test
  void losingRedisInTheMiddleOfTheTrafficChangesNoResult() {
    long seed = Long.getLong("accord.it.seed", new Random().nextLong());
    String context = "seed " + seed;
    List<GeneratedTransaction> traffic = Traffic.generate(7L, TRANSACTIONS);

    List<GeneratedTransaction> reference = Traffic.renamed(traffic, "ref-");
    Random random = new Random(seed);
    Traffic.deliver(fixture, Traffic.shuffledFirstEvents(reference, random), random, 40, context + ", reference");
    Traffic.deliver(fixture, Traffic.shuffledLateEvents(reference, random), random, 40, context + ", reference late");

    List<GeneratedTransaction> lossy = Traffic.renamed(traffic, "loss-");
    List<TransactionEvent> first = Traffic.shuffledFirstEvents(lossy, random);
    int half = first.size() / 2;
    Traffic.deliver(fixture, first.subList(0, half), random, 40, context + ", first half");
    assertThat(fixture.deleteRedisKeys()).as("Redis keys of this Accord deleted").isPositive();
    Traffic.deliver(fixture, first.subList(half, first.size()), random, 40, context + ", second half");
    Traffic.deliver(fixture, Traffic.shuffledLateEvents(lossy, random), random, 40, context + ", late");

    List<String> ids = new ArrayList<>();
    reference.forEach(t -> ids.add(t.txnId()));
    lossy.forEach(t -> ids.add(t.txnId()));
    Map<String, JsonObject> results = Traffic.awaitSettled(fixture, ids, Duration.ofSeconds(60), context);

    assertThat(Traffic.disagreementsWithGroundTruth(reference, results)).as("%s: reference run", context).isEmpty();
    assertThat(Traffic.disagreementsWithGroundTruth(lossy, results)).as("%s: run that lost Redis", context).isEmpty();
    for (int i = 0; i < TRANSACTIONS; i++) {
      assertThat(Traffic.comparableVerdict(results.get(lossy.get(i).txnId())))
          .as("%s: transaction %d (%s)", context, i, traffic.get(i).defect())
          .isEqualTo(Traffic.comparableVerdict(results.get(reference.get(i).txnId())));
    }
  }

  @Test
  void pendingTransactionsStillCloseAfterARestartThatFoundRedisEmpty() {
    AccordFixture accord = slow.fixture();
    String early = txn("restart-early");
    String lateOne = txn("restart-late");
    String lateTwo = txn("restart-other");
    String complete = txn("restart-complete");
    post(accord, core(early), gateway(early), core(lateOne), gateway(lateOne), gateway(lateTwo), mobile(lateTwo),
        core(complete), gateway(complete), mobile(complete));

    accord.stopAccord();
    assertThat(accord.deleteRedisKeys()).as("Redis keys of this Accord deleted").isPositive();
    accord.startAccord();

    JsonObject missing = accord.awaitStatus(early, "MISSING").getJsonObject("result");
    assertThat(missing.getJsonArray("sources_missing")).isEqualTo(array("mobile"));
    assertThat(accord.awaitStatus(lateOne, "MISSING").getJsonObject("result").getJsonArray("sources_missing"))
        .isEqualTo(array("mobile"));
    assertThat(accord.awaitStatus(lateTwo, "MISSING").getJsonObject("result").getJsonArray("sources_missing"))
        .isEqualTo(array("core"));

    post(accord, mobile(lateOne));

    JsonObject matched = accord.awaitStatus(lateOne, "MATCHED").getJsonObject("result");
    assertThat(matched.getJsonArray("sources_missing")).isEmpty();
    assertThat(matched.getJsonArray("discrepancies")).isEmpty();
    assertThat(Support.transaction(accord, early).getJsonObject("result").getString("status")).isEqualTo("MISSING");
    assertThat(Support.transaction(accord, complete).getJsonObject("result").getString("status")).isEqualTo("MATCHED");
  }

  @Test
  void pendingTransactionsStillCloseWhenRedisLosesTheStateWhileNoEventsArrive() {
    AccordFixture accord = slow.fixture();
    String id = txn("idle-loss");
    post(accord, core(id), gateway(id));

    assertThat(accord.deleteRedisKeys()).as("Redis keys of this Accord deleted").isPositive();

    JsonObject result = accord.awaitStatus(id, "MISSING").getJsonObject("result");
    assertThat(result.getJsonArray("discrepancies")).isEqualTo(array(Support.discrepancy("MISSING", "mobile", null, null, null, null)));
  }
}
