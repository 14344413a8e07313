package com.accord.correlation;

import com.accord.bus.Addresses;
import com.accord.bus.LocalCodec;
import com.accord.bus.Messages.CorrelationBatch;
import com.accord.bus.Messages.CorrelationDone;
import com.accord.bus.Messages.LoadEvents;
import com.accord.bus.Messages.LoadOpenTransactions;
import com.accord.bus.Messages.OpenTransactions;
import com.accord.bus.Messages.ResultBatch;
import com.accord.bus.Messages.ResultsStored;
import com.accord.bus.Messages.StoredEvents;
import com.accord.config.AccordConfig;
import com.accord.domain.Conflict;
import com.accord.domain.ReconciliationResult;
import com.accord.domain.Reconciler;
import com.accord.domain.TransactionEvent;
import com.accord.metrics.PipelineMetrics;
import com.accord.metrics.PipelineMetrics.Stage;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Correlates events into results on its event loop, against Redis: records each event in its
 * transaction's state, loads from PostgreSQL whatever the cache lacks, reconciles, and hands the
 * results to persistence. A timer closes windows that have passed. Work is bounded: a few batches
 * in flight, a bounded queue behind them, and "busy" beyond that.
 */
public final class CorrelationVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(CorrelationVerticle.class);
  private static final int REBUILDS_PER_BATCH_MAX = 3;
  /** Waiting batches taken together hold at most this many events and conflicts (a Kafka poll's default size). */
  private static final int MERGED_UPDATES_MAX = 5000;
  private static final List<Duration> PERSIST_RETRY_DELAYS =
      List.of(Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofMillis(1600));

  private final AccordConfig config;
  private final PipelineMetrics metrics;
  /** Batches waiting for a turn, with the time each arrived. */
  private final Queue<Waiting> waiting = new ArrayDeque<>();
  private CorrelationStore store;
  private Reconciler reconciler;
  private MessageConsumer<CorrelationBatch> consumer;
  private long sweepTimer = -1;
  private int inFlight;
  private boolean sweeping;
  /** The sweep in flight, if any: stopping waits for it, so it does not meet a closed Redis client. */
  private Future<Void> sweep = Future.succeededFuture();
  private Future<Void> rebuilding;

  public CorrelationVerticle(AccordConfig config, PipelineMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  private record Waiting(Message<CorrelationBatch> message, long since) {}

  @Override
  public Future<?> start() {
    LocalCodec.registerAll(vertx.eventBus());
    store = new CorrelationStore(vertx, config.redis(), config.correlation(), config.rules());
    reconciler = new Reconciler(config.rules());
    return store.loadFunctions()
        .compose(v -> rebuildOnce("start"))
        .compose(v -> {
          consumer = vertx.eventBus().consumer(Addresses.CORRELATE, this::admit);
          sweepTimer = vertx.setPeriodic(config.correlation().sweepInterval().toMillis(), id -> sweep());
          return consumer.completion();
        });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return sweep.otherwiseEmpty().eventually(() -> store == null ? Future.succeededFuture() : store.close());
  }

  // ---- admission: bounded concurrency, bounded queue --------------------------------------

  private void admit(Message<CorrelationBatch> message) {
    if (inFlight < config.correlation().batchesInFlightMax()) {
      metrics.stage(Stage.CORRELATION_QUEUE, System.nanoTime());
      run(List.of(message));
    } else if (waiting.size() < config.correlation().batchesQueuedMax()) {
      waiting.add(new Waiting(message, System.nanoTime()));
    } else {
      message.fail(503, "correlation is saturated: " + inFlight + " batches in flight and "
          + waiting.size() + " waiting; retry later");
    }
  }

  /**
   * Correlates the batches as one: one Redis call and one results statement for all of them, each
   * answered (with the results computed for all) when all are done; a failure fails them all.
   * Batches waiting behind a full pipeline are taken together, so many small ones (an HTTP request
   * each) pay the round trips once, not once each.
   */
  private void run(List<Message<CorrelationBatch>> messages) {
    inFlight++;
    Future<Integer> correlated;
    try {
      correlated = correlate(messages);
    } catch (RuntimeException e) {
      // an update the state cannot hold: its batches fail, and the slot is given back
      correlated = Future.failedFuture(e);
    }
    correlated.onComplete(outcome -> {
      inFlight--;
      if (outcome.failed()) {
        log.atError().addKeyValue("batches", messages.size()).setCause(outcome.cause())
            .log("correlation of a batch failed");
      }
      for (Message<CorrelationBatch> message : messages) {
        if (outcome.succeeded()) {
          message.reply(new CorrelationDone(outcome.result()));
        } else {
          message.fail(503, "correlation failed: " + outcome.cause().getMessage());
        }
      }
      List<Message<CorrelationBatch>> next = takeWaiting();
      if (!next.isEmpty()) {
        run(next);
      }
    });
  }

  private Future<Integer> correlate(List<Message<CorrelationBatch>> messages) {
    List<StateUpdate> updates = new ArrayList<>();
    Set<String> withHistory = new HashSet<>();
    boolean anyHistory = false;
    for (Message<CorrelationBatch> message : messages) {
      CorrelationBatch batch = message.body();
      batch.events().forEach(e -> updates.add(StateUpdate.event(e, batch.receivedAt())));
      batch.conflicts().forEach(c -> updates.add(StateUpdate.conflict(c.txnId(), c.conflict(), batch.receivedAt())));
      if (batch.txnsWithHistory() == null) {
        anyHistory = true;
      } else {
        withHistory.addAll(batch.txnsWithHistory());
      }
    }
    return apply(updates, false, anyHistory ? null : withHistory);
  }

  /** The batches waiting, oldest first, up to {@value #MERGED_UPDATES_MAX} updates together (at least one batch). */
  private List<Message<CorrelationBatch>> takeWaiting() {
    List<Message<CorrelationBatch>> taken = new ArrayList<>();
    int updates = 0;
    Waiting next;
    while ((next = waiting.peek()) != null) {
      int size = next.message().body().events().size() + next.message().body().conflicts().size();
      if (!taken.isEmpty() && updates + size > MERGED_UPDATES_MAX) {
        break;
      }
      waiting.poll();
      metrics.stage(Stage.CORRELATION_QUEUE, next.since());
      taken.add(next.message());
      updates += size;
    }
    return taken;
  }

  // ---- the pipeline: record, hydrate, reconcile, persist -----------------------------------

  /**
   * Returns the number of results computed.
   *
   * @param withHistory the transactions PostgreSQL may know more of than Redis; null: any
   */
  private Future<Integer> apply(List<StateUpdate> updates, boolean sweepingDeadlines, Set<String> withHistory) {
    return apply(updates, sweepingDeadlines, withHistory, 0);
  }

  /**
   * Any of the batch's Redis calls (recording or hydrating) may meet a loss of the state; all are
   * idempotent, so the batch is applied again after the rebuild — a few times, since the state can
   * vanish again while it is being rebuilt (a flush in progress).
   */
  private Future<Integer> apply(List<StateUpdate> updates, boolean sweepingDeadlines, Set<String> withHistory,
      int rebuilds) {
    return applyOnce(updates, sweepingDeadlines, withHistory).recover(e -> {
      if (!String.valueOf(e.getMessage()).contains(CorrelationStore.STATE_LOST) || rebuilds >= REBUILDS_PER_BATCH_MAX) {
        return Future.failedFuture(e);
      }
      log.atWarn().addKeyValue("rebuilds", rebuilds + 1).log("correlation state in Redis is gone; rebuilding it from PostgreSQL");
      return rebuildOnce("state lost").compose(v -> apply(updates, sweepingDeadlines, withHistory, rebuilds + 1));
    });
  }

  private Future<Integer> applyOnce(List<StateUpdate> updates, boolean sweepingDeadlines, Set<String> withHistory) {
    long started = System.nanoTime();
    return store.record(updates, Instant.now(), true, sweepingDeadlines)
        .compose(states -> {
          metrics.stage(Stage.REDIS, started);
          return hydrate(latestByTransaction(states), sweepingDeadlines, withHistory);
        })
        .compose(this::reconcileAndPersist);
  }

  private static Map<String, TxnState> latestByTransaction(List<TxnState> states) {
    Map<String, TxnState> latest = new LinkedHashMap<>();
    Map<String, Boolean> fresh = new LinkedHashMap<>();
    for (TxnState state : states) {
      latest.put(state.txnId(), state);
      fresh.merge(state.txnId(), state.fresh(), Boolean::logicalOr);
    }
    // "fresh" must survive later calls of the same batch: any of them may have created the state
    latest.replaceAll((txnId, state) -> fresh.get(txnId) && !state.fresh()
        ? new TxnState(txnId, true, state.windowClosed(), state.entries(), state.firstSeenAt(), state.entryCount())
        : state);
    return latest;
  }

  /**
   * Redis had no state for some transactions: a first event, or a cache that lost them. Whatever
   * PostgreSQL holds for them and Redis lacks is recorded before reconciling — asked only for
   * those that had events stored before this batch (a first event's transaction has nothing to load).
   */
  private Future<Map<String, TxnState>> hydrate(Map<String, TxnState> latest, boolean sweepingDeadlines,
      Set<String> withHistory) {
    List<String> fresh = latest.values().stream()
        .filter(state -> state.fresh() && (withHistory == null || withHistory.contains(state.txnId())))
        .map(TxnState::txnId).toList();
    if (fresh.isEmpty()) {
      return Future.succeededFuture(latest);
    }
    long started = System.nanoTime();
    return vertx.eventBus().<StoredEvents>request(Addresses.LOAD_EVENTS, new LoadEvents(fresh))
        .map(Message::body)
        .compose(stored -> {
          List<StateUpdate> missing = new ArrayList<>();
          for (String txnId : fresh) {
            TxnState state = latest.get(txnId);
            updatesFor(txnId, stored).stream().filter(u -> !state.has(u.field())).forEach(missing::add);
          }
          if (missing.isEmpty()) {
            return Future.succeededFuture(latest);
          }
          return store.record(missing, Instant.now(), true, sweepingDeadlines).map(states -> {
            states.forEach(s -> latest.put(s.txnId(), s));
            return latest;
          });
        })
        .onSuccess(loaded -> metrics.stage(Stage.HYDRATE, started));
  }

  private static List<StateUpdate> updatesFor(String txnId, StoredEvents stored) {
    Instant received = stored.firstReceivedAt().get(txnId);
    List<StateUpdate> updates = new ArrayList<>();
    for (TransactionEvent event : stored.events().getOrDefault(txnId, List.of())) {
      updates.add(StateUpdate.event(event, received));
    }
    for (Conflict conflict : stored.conflicts().getOrDefault(txnId, List.of())) {
      updates.add(StateUpdate.conflict(txnId, conflict, received));
    }
    return updates;
  }

  private Future<Integer> reconcileAndPersist(Map<String, TxnState> states) {
    List<ReconciliationResult> results = new ArrayList<>(states.size());
    for (TxnState state : states.values()) {
      if (state.isEmpty()) {
        continue; // claimed deadline of a transaction nobody has events for any more
      }
      try {
        results.add(reconciler.evaluate(state.txnId(), state.events(), state.conflicts(),
            state.windowClosed(), state.firstSeenAt(), state.revision()));
      } catch (RuntimeException e) {
        log.atError().addKeyValue("txn_id", state.txnId()).setCause(e)
            .log("transaction cannot be reconciled under the rules in force; it keeps its last result");
      }
    }
    long started = System.nanoTime();
    return persist(results, 0).map(stored -> {
      if (!results.isEmpty()) {
        metrics.stage(Stage.RESULTS, started);
      }
      return results.size();
    });
  }

  private Future<ResultsStored> persist(List<ReconciliationResult> results, int attempt) {
    if (results.isEmpty()) {
      return Future.succeededFuture(new ResultsStored(List.of()));
    }
    return vertx.eventBus().<ResultsStored>request(Addresses.PERSIST_RESULTS, new ResultBatch(results))
        .map(Message::body)
        .recover(e -> {
          if (attempt >= PERSIST_RETRY_DELAYS.size()) {
            return Future.failedFuture(e);
          }
          Duration delay = PERSIST_RETRY_DELAYS.get(attempt);
          log.atWarn().addKeyValue("attempt", attempt + 1).addKeyValue("retry_in_ms", delay.toMillis())
              .addKeyValue("results", results.size()).log("storing results failed; retrying: " + e.getMessage());
          return vertx.timer(delay.toMillis()).compose(t -> persist(results, attempt + 1));
        });
  }

  // ---- windows closing ----------------------------------------------------------------------

  private void sweep() {
    if (sweeping || rebuilding != null) {
      return;
    }
    sweeping = true;
    Duration lease = leaseFor(config.correlation().sweepInterval());
    Instant claimedAt = Instant.now();
    sweep = store.claimDue(claimedAt, config.correlation().sweepBatchMax(), lease)
        .recover(e -> {
          // Deadlines vanish with the rest of the state; without a rebuild, open transactions
          // would never close while no event for them arrives.
          if (!String.valueOf(e.getMessage()).contains(CorrelationStore.STATE_LOST)) {
            return Future.failedFuture(e);
          }
          log.atWarn().log("correlation state in Redis is gone; rebuilding it from PostgreSQL");
          return rebuildOnce("state lost").map(v -> List.<String>of());
        })
        .compose(due -> {
          if (due.isEmpty()) {
            return Future.<Void>succeededFuture();
          }
          Instant now = Instant.now();
          List<StateUpdate> reads = due.stream().map(txnId -> StateUpdate.read(txnId, now)).toList();
          return apply(reads, true, null).compose(count -> store.release(due, claimedAt, lease, Instant.now()));
        })
        .onComplete(outcome -> {
          sweeping = false;
          if (outcome.failed()) {
            log.atError().setCause(outcome.cause()).log("closing windows failed; claims lapse and are retried");
          }
        })
        .mapEmpty();
  }

  /** A claim outlives several sweeps, so an instance that dies mid-sweep delays closing by seconds, not forever. */
  private static Duration leaseFor(Duration sweepInterval) {
    Duration lease = sweepInterval.multipliedBy(50);
    return lease.compareTo(Duration.ofSeconds(10)) < 0 ? Duration.ofSeconds(10) : lease;
  }

  // ---- rebuilding the cache from PostgreSQL ------------------------------------------------

  private Future<Void> rebuildOnce(String reason) {
    if (rebuilding == null) {
      Instant started = Instant.now();
      rebuilding = store.markAlive()
          .compose(v -> rebuildPage(started.minus(config.correlation().retention()), null, 0))
          .onSuccess(count -> log.atInfo().addKeyValue("reason", reason).addKeyValue("transactions", count)
              .addKeyValue("millis", Duration.between(started, Instant.now()).toMillis())
              .log("correlation state rebuilt from raw_events"))
          .<Void>mapEmpty()
          .onComplete(done -> rebuilding = null);
    }
    return rebuilding;
  }

  private Future<Integer> rebuildPage(Instant since, String after, int countSoFar) {
    LoadOpenTransactions request = new LoadOpenTransactions(since, after, config.correlation().rebuildPageSize());
    return vertx.eventBus().<OpenTransactions>request(Addresses.LOAD_OPEN, request)
        .map(Message::body)
        .compose(page -> {
          if (page.lastTxnId() == null) {
            return Future.succeededFuture(countSoFar);
          }
          List<StateUpdate> updates = new ArrayList<>();
          page.page().events().keySet().forEach(txnId -> updates.addAll(updatesFor(txnId, page.page())));
          return store.record(updates, Instant.now(), false, false)
              .map(CorrelationVerticle::latestByTransaction)
              .compose(this::reconcileAndPersist)
              .compose(n -> rebuildPage(since, page.lastTxnId(), countSoFar + page.page().events().size()));
        });
  }
}
