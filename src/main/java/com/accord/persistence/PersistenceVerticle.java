package com.accord.persistence;

import com.accord.bus.Addresses;
import com.accord.bus.LocalCodec;
import com.accord.bus.Messages.Disposition;
import com.accord.bus.Messages.LoadEvents;
import com.accord.bus.Messages.LoadOpenTransactions;
import com.accord.bus.Messages.OpenTransactions;
import com.accord.bus.Messages.RawWrite;
import com.accord.bus.Messages.RawWriteOutcome;
import com.accord.bus.Messages.Rejection;
import com.accord.bus.Messages.ResultBatch;
import com.accord.bus.Messages.ResultsStored;
import com.accord.bus.Messages.StoredEvents;
import com.accord.bus.Messages.StoredResult;
import com.accord.bus.Messages.Via;
import com.accord.config.AccordConfig;
import com.accord.domain.Conflict;
import com.accord.domain.Discrepancy;
import com.accord.domain.EventJson;
import com.accord.domain.FieldError;
import com.accord.domain.ReconciliationResult;
import com.accord.domain.TransactionEvent;
import com.accord.infra.PgPools;
import com.accord.metrics.PipelineMetrics;
import com.accord.metrics.PipelineMetrics.Stage;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only writer of PostgreSQL: raw events (write-ahead), conflicts, rejections, results with
 * their discrepancies and audit rows. Every batch is one statement, one round trip.
 */
public final class PersistenceVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(PersistenceVerticle.class);

  private final AccordConfig.Postgres config;
  private final PipelineMetrics metrics;
  /** Write-aheads waiting for a statement, oldest first. */
  private final Queue<Message<RawWrite>> writesWaiting = new ArrayDeque<>();
  private int writesInFlight;
  private Pool pool;

  public PersistenceVerticle(AccordConfig.Postgres config, PipelineMetrics metrics) {
    this.config = config;
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    LocalCodec.registerAll(vertx.eventBus());
    pool = PgPools.create(vertx, config, "persistence");
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<RawWrite>consumer(Addresses.PERSIST_RAW, this::admitWrite).completion(),
        bus.<ResultBatch>consumer(Addresses.PERSIST_RESULTS, m -> answer(m, () -> storeResults(m.body()), "results")).completion(),
        bus.<LoadEvents>consumer(Addresses.LOAD_EVENTS, m -> answer(m, () -> loadEvents(m.body().txnIds()), "load events")).completion(),
        bus.<LoadOpenTransactions>consumer(Addresses.LOAD_OPEN, m -> answer(m, () -> loadOpen(m.body()), "load open")).completion()));
  }

  @Override
  public Future<?> stop() {
    return pool == null ? Future.succeededFuture() : pool.close();
  }

  /** Replies with the work's outcome; work that throws before returning its future fails too, so every message is answered. */
  private static <T> void answer(Message<?> message, Supplier<Future<T>> start, String what) {
    Future<T> work;
    try {
      work = start.get();
    } catch (RuntimeException e) {
      work = Future.failedFuture(e);
    }
    work.onSuccess(message::reply).onFailure(e -> {
      log.atError().addKeyValue("operation", what).setCause(e).log("persistence operation failed");
      message.fail(503, what + " could not be stored: " + e.getMessage());
    });
  }

  // ---- write-ahead of raw events -----------------------------------------------------------

  /**
   * Write-ahead statements run at once: each is a commit, a WAL flush the request waits for, so
   * writes arriving while these run wait and then go together as one statement
   * ({@link WriteAheadMerge}), the way a database groups commits. Channels that write in order (a
   * Kafka partition's polls) never have two writes waiting, so their order is kept.
   */
  public static final int WRITE_AHEADS_IN_FLIGHT_MAX = 2;
  /** Beyond this many writes waiting, a write is refused (503) rather than queued without bound. */
  static final int WRITE_AHEADS_WAITING_MAX = 512;

  private void admitWrite(Message<RawWrite> message) {
    if (writesInFlight < WRITE_AHEADS_IN_FLIGHT_MAX) {
      writeAhead(List.of(message));
    } else if (writesWaiting.size() < WRITE_AHEADS_WAITING_MAX) {
      writesWaiting.add(message);
    } else {
      message.fail(503, "the write-ahead is saturated: " + writesInFlight + " statements in flight and "
          + writesWaiting.size() + " writes waiting; retry later");
    }
  }

  /** Writes the messages' events ahead as one statement, answers each, then starts what waits. */
  private void writeAhead(List<Message<RawWrite>> messages) {
    writesInFlight++;
    List<Future<RawWriteOutcome>> outcomes;
    try {
      outcomes = writeRaw(messages.stream().map(Message::body).toList());
    } catch (RuntimeException e) {
      // a write that cannot even be put into a statement fails with the others, and the slot is given back
      outcomes = messages.stream().map(m -> Future.<RawWriteOutcome>failedFuture(e)).toList();
    }
    for (int i = 0; i < messages.size(); i++) {
      Future<RawWriteOutcome> outcome = outcomes.get(i);
      answer(messages.get(i), () -> outcome, "raw events");
    }
    Future.join(outcomes).onComplete(done -> {
      writesInFlight--;
      while (writesInFlight < WRITE_AHEADS_IN_FLIGHT_MAX && !writesWaiting.isEmpty()) {
        writeAhead(WriteAheadMerge.take(writesWaiting, Message::body));
      }
    });
  }

  /** The events of every write in one statement; then each write's conflicts and rejections. One outcome per write. */
  private List<Future<RawWriteOutcome>> writeRaw(List<RawWrite> writes) {
    List<TransactionEvent> events = new ArrayList<>();
    List<OffsetDateTime> receivedAts = new ArrayList<>();
    for (RawWrite write : writes) {
      OffsetDateTime receivedAt = utc(write.receivedAt());
      for (TransactionEvent event : write.events()) {
        events.add(event);
        receivedAts.add(receivedAt);
      }
    }
    Future<Stored> stored = events.isEmpty() ? Future.succeededFuture(new Stored(List.of(), new boolean[0]))
        : insertRaw(events, receivedAts.toArray(OffsetDateTime[]::new), writes.get(0).via());
    List<Future<RawWriteOutcome>> outcomes = new ArrayList<>(writes.size());
    int offset = 0;
    for (RawWrite write : writes) {
      int from = offset;
      int to = offset + write.events().size();
      offset = to;
      OffsetDateTime receivedAt = utc(write.receivedAt());
      Future<Void> rejected = storeRejections(write, receivedAt);
      Future<RawWriteOutcome> outcome = write.events().isEmpty()
          ? Future.succeededFuture(new RawWriteOutcome(List.of(), Set.of()))
          : stored.map(all -> all.outcome(events, from, to))
              .compose(written -> storeConflicts(write, receivedAt, written.dispositions()).map(written));
      outcomes.add(Future.all(outcome, rejected).map(all -> outcome.result()));
    }
    return outcomes;
  }

  /** What the write-ahead statement made of each of its events, in their order. */
  private record Stored(List<Disposition> dispositions, boolean[] hadHistory) {

    /** The outcome of the write whose events are {@code events[from, to)}. */
    RawWriteOutcome outcome(List<TransactionEvent> events, int from, int to) {
      Set<String> txnIds = new HashSet<>();
      for (int i = from; i < to; i++) {
        if (hadHistory[i]) {
          txnIds.add(events.get(i).txnId());
        }
      }
      return new RawWriteOutcome(dispositions.subList(from, to), txnIds);
    }
  }

  private Future<Stored> insertRaw(List<TransactionEvent> events, OffsetDateTime[] receivedAts, Via via) {
    Tuple insert = Tuple.of(
        column(events, TransactionEvent::source), column(events, TransactionEvent::eventId),
        column(events, TransactionEvent::txnId), column(events, EventJson::toJson))
        .addValue(receivedAts).addValue(via.name());
    long started = System.nanoTime();
    return pool.preparedQuery(Sql.INSERT_RAW_EVENTS).execute(insert).compose(rows -> {
      metrics.stage(Stage.WRITE_AHEAD_STATEMENT, started);
      boolean[] hadHistory = new boolean[events.size()];
      for (Row row : rows) {
        hadHistory[(int) (row.getLong("ord") - 1)] = row.getBoolean("has_history");
      }
      return classify(events, rows).map(dispositions -> new Stored(dispositions, hadHistory));
    });
  }

  /** Decides per event: newly stored, an exact redelivery, or a different payload under a known identity. */
  private Future<List<Disposition>> classify(List<TransactionEvent> events, RowSet<Row> rows) {
    Disposition[] dispositions = new Disposition[events.size()];
    List<Integer> unseen = new ArrayList<>();
    for (Row row : rows) {
      int index = (int) (row.getLong("ord") - 1);
      if (row.getBoolean("inserted")) {
        dispositions[index] = Disposition.ACCEPTED;
      } else if (row.getString("existing") != null) {
        dispositions[index] = compare(events.get(index), row.getString("existing"));
      } else {
        unseen.add(index); // stored by a concurrent transaction committed after our snapshot
      }
    }
    if (unseen.isEmpty()) {
      return Future.succeededFuture(List.of(dispositions));
    }
    List<TransactionEvent> missing = unseen.stream().map(events::get).toList();
    return pool.preparedQuery(Sql.SELECT_RAW_PAYLOADS)
        .execute(Tuple.tuple().addValue(column(missing, TransactionEvent::source)).addValue(column(missing, TransactionEvent::eventId)))
        .map(stored -> {
          Map<String, String> payloads = new HashMap<>();
          stored.forEach(r -> payloads.put(r.getString("source") + '\u0000' + r.getString("event_id"), r.getString("payload")));
          for (int index : unseen) {
            TransactionEvent event = events.get(index);
            String payload = payloads.get(event.source() + '\u0000' + event.eventId());
            if (payload == null) {
              throw new IllegalStateException("event " + event.source() + "/" + event.eventId()
                  + " was neither inserted nor found stored");
            }
            dispositions[index] = compare(event, payload);
          }
          return List.of(dispositions);
        });
  }

  private static Disposition compare(TransactionEvent event, String storedPayload) {
    return EventJson.fromJson(storedPayload).sameContentAs(event) ? Disposition.DUPLICATE : Disposition.CONFLICT;
  }

  private Future<Void> storeConflicts(RawWrite write, OffsetDateTime receivedAt, List<Disposition> dispositions) {
    List<TransactionEvent> conflicts = new ArrayList<>(write.conflicts());
    for (int i = 0; i < dispositions.size(); i++) {
      if (dispositions.get(i) == Disposition.CONFLICT) {
        conflicts.add(write.events().get(i));
      }
    }
    if (conflicts.isEmpty()) {
      return Future.succeededFuture();
    }
    Tuple insert = Tuple.of(
        column(conflicts, TransactionEvent::source), column(conflicts, TransactionEvent::eventId),
        column(conflicts, TransactionEvent::txnId), column(conflicts, EventJson::toJson))
        .addValue(receivedAt).addValue(write.via().name());
    return pool.preparedQuery(Sql.INSERT_CONFLICTS).execute(insert).mapEmpty();
  }

  private Future<Void> storeRejections(RawWrite write, OffsetDateTime receivedAt) {
    List<Rejection> rejections = write.rejections();
    if (rejections.isEmpty()) {
      return Future.succeededFuture();
    }
    HexFormat hex = HexFormat.of();
    Integer[] indexes = new Integer[rejections.size()];
    String[] sources = new String[rejections.size()];
    String[] eventIds = new String[rejections.size()];
    String[] txnIds = new String[rejections.size()];
    String[] reasons = new String[rejections.size()];
    String[] errors = new String[rejections.size()];
    String[] raws = new String[rejections.size()];
    String[] topics = new String[rejections.size()];
    Integer[] partitions = new Integer[rejections.size()];
    Long[] offsets = new Long[rejections.size()];
    for (int i = 0; i < rejections.size(); i++) {
      Rejection r = rejections.get(i);
      indexes[i] = r.index() < 0 ? null : r.index();
      JsonObject identity = identityOf(r.raw());
      sources[i] = identity.getString("source");
      eventIds[i] = identity.getString("event_id");
      txnIds[i] = identity.getString("txn_id");
      reasons[i] = r.reason();
      errors[i] = errorsJson(r.errors()).encode();
      raws[i] = r.raw() == null ? null : hex.formatHex(r.raw());
      if (r.origin() != null) {
        topics[i] = r.origin().topic();
        partitions[i] = r.origin().partition();
        offsets[i] = r.origin().offset();
      }
    }
    Tuple insert = Tuple.of(receivedAt, write.via().name(), indexes, sources, eventIds, txnIds, reasons)
        .addValue(errors).addValue(raws).addValue(topics).addValue(partitions).addValue(offsets);
    return pool.preparedQuery(Sql.INSERT_REJECTED).execute(insert).mapEmpty();
  }

  /**
   * The identifying fields of a rejected item where they are strings PostgreSQL can store as text
   * (no U+0000), so rejections can be searched.
   */
  private static JsonObject identityOf(byte[] raw) {
    JsonObject identity = new JsonObject();
    if (raw == null) {
      return identity;
    }
    try {
      var node = EventJson.MAPPER.readTree(raw);
      for (String field : List.of("source", "event_id", "txn_id")) {
        var value = node == null ? null : node.get(field);
        if (value != null && value.isTextual() && value.asText().length() <= 128 && value.asText().indexOf('\u0000') < 0) {
          identity.put(field, value.asText());
        }
      }
    } catch (java.io.IOException notJson) {
      // the reason recorded with the rejection already says the item is unreadable
    }
    return identity;
  }

  static JsonArray errorsJson(List<FieldError> errors) {
    JsonArray array = new JsonArray();
    errors.forEach(e -> array.add(new JsonObject().put("path", e.path()).put("message", e.message())));
    return array;
  }

  // ---- results ---------------------------------------------------------------------------

  private Future<ResultsStored> storeResults(ResultBatch batch) {
    List<ReconciliationResult> results = batch.results();
    if (results.isEmpty()) {
      return Future.succeededFuture(new ResultsStored(List.of()));
    }
    Map<String, ReconciliationResult> byTxn = results.stream()
        .collect(Collectors.toMap(ReconciliationResult::txnId, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    if (byTxn.size() != results.size()) {
      return Future.failedFuture(new IllegalArgumentException("a result batch must hold one result per transaction"));
    }
    Tuple upsert = Tuple.of(
        column(results, ReconciliationResult::txnId),
        column(results, r -> r.status().name()),
        column(results, r -> String.join(",", r.sourcesSeen())),
        column(results, r -> String.join(",", r.sourcesMissing())),
        column(results, r -> discrepancyTypes(r.discrepancies())),
        column(results, r -> DiscrepancyJson.toJson(r.discrepancies()).encode()))
        .addValue(column(results, r -> r.referenceAmount() == null ? null : r.referenceAmount().toPlainString()))
        .addValue(column(results, ReconciliationResult::currency))
        .addValue(column(results, r -> r.firstSeenAt().toString()))
        .addValue(results.stream().map(ReconciliationResult::stateRevision).toArray(Long[]::new));
    return pool.preparedQuery(Sql.UPSERT_RESULTS).execute(upsert).map(rows -> {
      List<StoredResult> changed = new ArrayList<>(rows.size());
      for (Row row : rows) {
        changed.add(new StoredResult(byTxn.get(row.getString("txn_id")), row.getInteger("version"), row.getString("previous_status")));
      }
      if (!changed.isEmpty()) {
        vertx.eventBus().publish(Addresses.RESULTS_CHANGED, new ResultsStored(changed));
      }
      return new ResultsStored(changed);
    });
  }

  private static String discrepancyTypes(List<Discrepancy> discrepancies) {
    return discrepancies.stream().map(d -> d.type().name()).distinct().sorted().collect(Collectors.joining(","));
  }

  // ---- reads for the correlation cache ----------------------------------------------------

  private Future<StoredEvents> loadEvents(List<String> txnIds) {
    if (txnIds.isEmpty()) {
      return Future.succeededFuture(new StoredEvents(Map.of(), Map.of(), Map.of()));
    }
    return pool.preparedQuery(Sql.SELECT_TRANSACTION_EVENTS)
        .execute(Tuple.of(txnIds.toArray(String[]::new)))
        .map(PersistenceVerticle::storedEvents);
  }

  private static StoredEvents storedEvents(RowSet<Row> rows) {
    Map<String, List<TransactionEvent>> events = new TreeMap<>();
    Map<String, List<Conflict>> conflicts = new TreeMap<>();
    Map<String, Instant> first = new TreeMap<>();
    for (Row row : rows) {
      String txnId = row.getString("txn_id");
      Instant received = row.getOffsetDateTime("received_at").toInstant();
      first.merge(txnId, received, (a, b) -> a.isBefore(b) ? a : b);
      if ("event".equals(row.getString("kind"))) {
        events.computeIfAbsent(txnId, k -> new ArrayList<>()).add(EventJson.fromJson(row.getString("payload")));
      } else {
        JsonObject c = new JsonObject(row.getString("payload"));
        conflicts.computeIfAbsent(txnId, k -> new ArrayList<>()).add(new Conflict(c.getString("source"), c.getString("event_id")));
      }
    }
    return new StoredEvents(events, conflicts, first);
  }

  private Future<OpenTransactions> loadOpen(LoadOpenTransactions request) {
    String after = request.afterTxnId() == null ? "" : request.afterTxnId();
    return pool.preparedQuery(Sql.SELECT_OPEN_TRANSACTION_IDS)
        .execute(Tuple.of(utc(request.since()), after, request.limit()))
        .compose(rows -> {
          List<String> ids = new ArrayList<>(rows.size());
          rows.forEach(r -> ids.add(r.getString("txn_id")));
          String last = ids.isEmpty() ? null : ids.get(ids.size() - 1);
          return loadEvents(ids).map(page -> new OpenTransactions(page, last));
        });
  }

  // ---- helpers -----------------------------------------------------------------------------

  private static <T> String[] column(List<T> items, Function<T, String> field) {
    String[] values = new String[items.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = field.apply(items.get(i));
    }
    return values;
  }

  static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
