package com.accord.bench;

import com.accord.bus.Messages;
import com.accord.config.AccordConfig;
import com.accord.correlation.CorrelationKeys;
import com.accord.correlation.CorrelationStore;
import com.accord.correlation.PackedState;
import com.accord.domain.EventJson;
import com.accord.domain.EventParser;
import com.accord.domain.ParsedItem;
import com.accord.domain.ReconciliationRules;
import com.accord.domain.TransactionEvent;
import com.accord.infra.PgPools;
import com.accord.infra.RedisClients;
import com.accord.kafka.AvroEvents;
import com.accord.persistence.Database;
import com.accord.persistence.PersistenceVerticle;
import com.accord.persistence.Sql;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The least a consumer can do per poll and keep Accord's guarantees, with nothing of Accord's own
 * machinery: decode and validate each record with Accord's decoder and parser, store the raw
 * events ({@link Sql#INSERT_RAW_EVENTS}) before correlating them, make Accord's correlation call
 * per event (pipelined), and store a final verdict with its audit row ({@link Sql#UPSERT_RESULTS})
 * for every transaction the calls report complete — one statement or pipeline each, chained per
 * poll, with up to a given number of polls in flight (one, or as many as Accord's Kafka ingestion
 * allows). It compares no fields, writes no interim verdicts and pushes nothing.
 *
 * <p>Run behind {@link KafkaFloor}'s bare consumer, or behind {@link HttpFloor}'s bare server
 * ({@link #httpWork}: a request answered once its raw rows are stored), its latency is the
 * detection latency of such a pipeline on this machine: what remains of a latency target once
 * Accord's own code is gone. It
 * works in a scratch database migrated like Accord's and under a Redis key prefix of its own, both
 * removed by {@link #close}.
 *
 * <p>Blocking: {@link #handle} waits for a free slot when the polls in flight are at their limit;
 * it runs on the consumer's plain thread, never an event loop.
 */
final class BarePipeline implements KafkaFloor.Work, AutoCloseable {

  static final String DATABASE = "accord_bench_bare_pipeline";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int SEED_BATCH = 1998;
  private static final long SEED_EVENTS = 30 * SEED_BATCH;

  private final AccordConfig.Postgres scratch;
  private final Vertx vertx;
  private final Pool pool;
  private final Redis redis;
  private final String prefix;
  private final CorrelationKeys keys;
  private final EventParser parser;
  private final ReconciliationRules rules;
  private final String expectedSources;
  private final long retentionMillis;
  private final PrintStream out;
  private final int pollsInFlightMax;
  private final Semaphore inFlight;
  private final AtomicInteger requestsSettling = new AtomicInteger();
  private final AtomicLong httpRequests = new AtomicLong();
  private final AtomicLong httpStatements = new AtomicLong();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();

  /**
   * Migrates {@code database} afresh (dropping what it held) and loads Accord's function into Redis.
   *
   * @param pollsInFlightMax polls whose work may run at once, as Accord's {@code kafka.batchesInFlightMax}
   */
  BarePipeline(AccordConfig config, String database, int pollsInFlightMax, PrintStream out) {
    this(config, database, pollsInFlightMax, 2, out);
  }

  /**
   * As above, with a pool of {@code connections} to the scratch database: behind the HTTP floor,
   * whose requests in flight each run their own statements, as many as Accord's pool holds.
   */
  BarePipeline(AccordConfig config, String database, int pollsInFlightMax, int connections, PrintStream out) {
    if (pollsInFlightMax < 1) {
      throw new IllegalArgumentException("pollsInFlightMax must be at least 1, got " + pollsInFlightMax);
    }
    this.out = out;
    this.pollsInFlightMax = pollsInFlightMax;
    this.inFlight = new Semaphore(pollsInFlightMax);
    this.scratch = PostgresCeiling.scratch(config.postgres(), new PostgresCeiling.Settings(1, 3, connections, database));
    Database.drop(scratch);
    Database.prepare(scratch);
    this.vertx = Vertx.vertx();
    this.pool = PgPools.create(vertx, scratch, "bench-bare-pipeline");
    seed();
    this.redis = RedisClients.create(vertx, config.redis(), 2);
    this.prefix = "accord-bench-bare:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    this.keys = new CorrelationKeys(prefix, config.correlation().shards());
    this.rules = config.rules();
    this.parser = new EventParser(rules, Integer.MAX_VALUE);
    this.expectedSources = String.join(",", rules.expectedSources());
    this.retentionMillis = config.correlation().retention().toMillis();
    CorrelationStore.loadLibrary(redis).await();
    RedisCeiling.markAlive(redis, keys);
    out.println("bare pipeline: scratch database " + database + " migrated, seeded with " + SEED_EVENTS
        + " events' rows and analysed; Redis keys under " + prefix);
  }

  /**
   * Writes {@link #SEED_EVENTS} events' rows and verdicts and analyses the tables, as Accord's
   * database has rows and statistics by the time it is measured. This machine's PostgreSQL may run
   * without autovacuum: a statement first planned against empty, never-analysed tables keeps
   * scanning them whole as they grow, and the pipeline falls behind for that alone.
   */
  private void seed() {
    try {
      for (long batch = 0; batch < SEED_EVENTS / SEED_BATCH; batch++) {
        PostgresCeiling.writeBatch(pool, "seed", batch, SEED_BATCH, true);
      }
    } catch (TimeoutException e) {
      throw new IllegalStateException("bare pipeline: seeding " + scratch.database() + " timed out", e);
    }
    pool.query("ANALYZE").execute().await();
  }

  /** Statements of raw rows the HTTP requests were stored in so far: fewer than the requests when they shared. */
  long httpStatements() {
    return httpStatements.get();
  }

  /** The Vert.x instance its PostgreSQL and Redis clients run on: the HTTP floor's server runs there too. */
  Vertx vertx() {
    return vertx;
  }

  /** Its keys in Redis start with this. */
  String prefix() {
    return prefix;
  }

  @Override
  public String describe() {
    return "the same producer → a bare pipeline doing only the ceilings' work (raw rows, accord_record, "
        + "final verdict and audit row), " + (pollsInFlightMax == 1 ? "one poll at a time" : "up to " + pollsInFlightMax
        + " polls in flight") + ", no Accord";
  }

  /** Keyed by transaction: a transaction is done when its verdict is stored, whichever record completed it. */
  @Override
  public String doneKey(String recordKey) {
    return recordKey.substring(recordKey.indexOf('/') + 1);
  }

  /**
   * Decodes the records on the calling thread, then chains their raw rows, correlation calls and
   * verdicts without waiting for them, once fewer than the limit of polls are in flight. A failure
   * of an earlier poll's work is thrown here.
   */
  @Override
  public void handle(List<ConsumerRecord<String, byte[]>> records, Map<String, Long> doneAt) throws Exception {
    rethrowFailure();
    if (records.isEmpty()) {
      return;
    }
    List<TransactionEvent> events = decode(records);
    Instant receivedAt = Instant.now();
    // built before a slot is taken: nothing between taking it and the chain's end can throw
    Tuple rawRows = rawRows(events, receivedAt, Messages.Via.KAFKA);
    if (!inFlight.tryAcquire(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new TimeoutException("bare pipeline: no poll's work finished within " + TIMEOUT.toSeconds() + " s");
    }
    store(rawRows)
        .compose(stored -> settle(events, receivedAt, doneAt))
        .onComplete(done -> {
          if (done.failed()) {
            failure.compareAndSet(null, done.cause());
          }
          inFlight.release();
        });
  }

  /**
   * Behind the HTTP floor: a request is answered once its raw rows are stored, as Accord answers
   * once its write-ahead is. Up to {@link #HTTP_STATEMENTS_IN_FLIGHT} such statements run at once,
   * as Accord's write-ahead; requests read while they run wait and then share the next statement
   * (up to {@link #EVENTS_PER_STATEMENT_MAX} events), the way a database groups commits. Each
   * statement's events then take one pipeline of correlation calls and one statement of verdicts.
   * Its requests in flight are the HTTP client's to limit.
   */
  HttpFloor.Work httpWork() {
    return new HttpWrites();
  }

  /** Accord's write-ahead statements in flight ({@code PersistenceVerticle.WRITE_AHEADS_IN_FLIGHT_MAX}). */
  static final int HTTP_STATEMENTS_IN_FLIGHT = PersistenceVerticle.WRITE_AHEADS_IN_FLIGHT_MAX;
  /** Accord's largest write-ahead statement ({@code WriteAheadMerge.EVENTS_PER_STATEMENT_MAX}), a Kafka poll's default size. */
  static final int EVENTS_PER_STATEMENT_MAX = 5000;

  /** Requests' events grouped into statements; guarded by its own lock, as replies come on the clients' event loops. */
  private final class HttpWrites implements HttpFloor.Work {
    private record Request(List<TransactionEvent> events, Instant receivedAt, Map<String, Long> doneAt, Promise<Void> stored) {}

    private final ArrayDeque<Request> waiting = new ArrayDeque<>();
    private int statementsInFlight;

    @Override
    public String describe() {
      return "the same HTTP client → a bare pipeline doing only the ceilings' work (raw rows, accord_record, "
          + "final verdict and audit row), no Accord";
    }

    @Override
    public Future<Void> accept(List<TransactionEvent> events, Instant receivedAt, Map<String, Long> doneAt) {
      rethrowFailure();
      Request request = new Request(events, receivedAt, doneAt, Promise.promise());
      httpRequests.incrementAndGet();
      requestsSettling.incrementAndGet();
      List<Request> statement;
      synchronized (this) {
        waiting.add(request);
        statement = nextStatement();
      }
      if (statement != null) {
        write(statement);
      }
      return request.stored().future();
    }

    /** The requests of the next statement, taken from the head in order, if one may start now. */
    private List<Request> nextStatement() {
      if (waiting.isEmpty() || statementsInFlight >= HTTP_STATEMENTS_IN_FLIGHT) {
        return null;
      }
      List<Request> taken = new ArrayList<>();
      int events = 0;
      while (!waiting.isEmpty() && (taken.isEmpty() || events + waiting.peek().events().size() <= EVENTS_PER_STATEMENT_MAX)) {
        Request next = waiting.poll();
        taken.add(next);
        events += next.events().size();
      }
      statementsInFlight++;
      return taken;
    }

    private void write(List<Request> statement) {
      List<TransactionEvent> events = new ArrayList<>();
      statement.forEach(r -> events.addAll(r.events()));
      Instant receivedAt = statement.get(0).receivedAt();
      Map<String, Long> doneAt = statement.get(0).doneAt();
      httpStatements.incrementAndGet();
      store(rawRows(events, receivedAt, Messages.Via.HTTP)).onComplete(stored -> {
        statement.forEach(r -> r.stored().handle(stored));
        List<Request> next;
        synchronized (this) {
          statementsInFlight--;
          next = nextStatement();
        }
        if (next != null) {
          write(next);
        }
        Future<Void> settled = stored.succeeded() ? settle(events, receivedAt, doneAt) : Future.failedFuture(stored.cause());
        settled.onComplete(done -> {
          if (done.failed()) {
            failure.compareAndSet(null, done.cause());
          }
          requestsSettling.addAndGet(-statement.size());
        });
      });
    }

    @Override
    public String doneKey(String eventKey) {
      return BarePipeline.this.doneKey(eventKey);
    }
  }

  private Future<Void> store(Tuple rawRows) {
    return pool.preparedQuery(Sql.INSERT_RAW_EVENTS).execute(rawRows).mapEmpty();
  }

  /** Correlates the stored events and stores the verdicts of the transactions they complete, noting when each is done. */
  private Future<Void> settle(List<TransactionEvent> events, Instant receivedAt, Map<String, Long> doneAt) {
    return correlate(events, receivedAt)
        .compose(complete -> complete.isEmpty() ? Future.succeededFuture(complete)
            : pool.preparedQuery(Sql.UPSERT_RESULTS).execute(PostgresCeiling.results(List.copyOf(complete.values()))).map(complete))
        .map(complete -> {
          long now = System.nanoTime();
          complete.keySet().forEach(txnId -> doneAt.putIfAbsent(txnId, now));
          return null;
        });
  }

  /** Returns once every poll and request handed over so far is done; throws the failure of any. */
  void awaitInFlight() throws InterruptedException, TimeoutException {
    if (!inFlight.tryAcquire(pollsInFlightMax, TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new TimeoutException("bare pipeline: polls still in flight after " + TIMEOUT.toSeconds() + " s");
    }
    inFlight.release(pollsInFlightMax);
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (requestsSettling.get() > 0) {
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("bare pipeline: requests still settling after " + TIMEOUT.toSeconds() + " s");
      }
      Thread.sleep(10);
    }
    rethrowFailure();
  }

  private void rethrowFailure() {
    Throwable failed = failure.get();
    if (failed != null) {
      throw new IllegalStateException("bare pipeline: a poll's work failed: " + failed.getMessage(), failed);
    }
  }

  private List<TransactionEvent> decode(List<ConsumerRecord<String, byte[]>> records) {
    List<TransactionEvent> events = new ArrayList<>(records.size());
    for (int i = 0; i < records.size(); i++) {
      ConsumerRecord<String, byte[]> record = records.get(i);
      // the load generator sends only valid events: anything else is a defect of the benchmark
      ParsedItem parsed;
      try {
        parsed = parser.parseItem(AvroEvents.toJsonShape(AvroEvents.decode(record.value())), i);
      } catch (IOException | RuntimeException e) {
        throw new IllegalStateException("bare pipeline: a record of " + record.topic() + " at offset " + record.offset()
            + " is not an Avro TransactionEvent: " + e.getMessage(), e);
      }
      if (!(parsed instanceof ParsedItem.Valid valid)) {
        throw new IllegalStateException("bare pipeline: a record of " + record.topic() + " at offset " + record.offset()
            + " is not a valid event: " + ((ParsedItem.Invalid) parsed).errors());
      }
      events.add(valid.event());
    }
    return events;
  }

  /** The events in {@link Sql#INSERT_RAW_EVENTS}' parameter shape. */
  private static Tuple rawRows(List<TransactionEvent> events, Instant receivedAt, Messages.Via via) {
    int n = events.size();
    String[] sources = new String[n];
    String[] eventIds = new String[n];
    String[] txnIds = new String[n];
    String[] payloads = new String[n];
    OffsetDateTime[] received = new OffsetDateTime[n];
    OffsetDateTime at = receivedAt.atOffset(ZoneOffset.UTC);
    for (int i = 0; i < n; i++) {
      TransactionEvent event = events.get(i);
      sources[i] = event.source();
      eventIds[i] = event.eventId();
      txnIds[i] = event.txnId();
      payloads[i] = EventJson.toJson(event);
      received[i] = at;
    }
    return Tuple.of(sources, eventIds, txnIds, payloads).addValue(received).addValue(via.name());
  }

  /** One pipelined batch of accord_record calls; the transactions the replies show every expected source of, with their verdicts. */
  private Future<Map<String, PostgresCeiling.Verdict>> correlate(List<TransactionEvent> events, Instant receivedAt) {
    long now = receivedAt.toEpochMilli();
    List<Request> calls = new ArrayList<>(events.size());
    for (TransactionEvent event : events) {
      calls.add(keys.record(event.txnId(), PackedState.eventField(event), PackedState.eventValue(event), now,
          rules.window().toMillis(), retentionMillis, now, expectedSources, true, false));
    }
    return redis.batch(calls).map(replies -> {
      Map<String, PostgresCeiling.Verdict> complete = new LinkedHashMap<>();
      for (int i = 0; i < replies.size(); i++) {
        TransactionEvent event = events.get(i);
        Set<String> seen = PackedState.sourcesSeen(event.txnId(), replies.get(i).get(2).toString());
        if (seen.containsAll(rules.expectedSources())) {
          complete.put(event.txnId(), new PostgresCeiling.Verdict(event.txnId(), null, event.amount(), event.currency(),
              receivedAt, seen.size()));
        }
      }
      return complete;
    });
  }

  /** Waits for the polls in flight, deletes its Redis keys and drops its database, then throws the failure of any poll. */
  @Override
  public void close() {
    IllegalStateException failed = null;
    try {
      awaitInFlight();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (TimeoutException e) {
      out.println("bare pipeline: " + e.getMessage() + "; closing anyway");
    } catch (IllegalStateException e) {
      failed = e; // the last polls' failure: thrown once the keys and the database are gone
    }
    if (httpRequests.get() > 0) {
      out.printf("bare pipeline: %,d requests stored in %,d statements%n", httpRequests.get(), httpStatements.get());
    }
    try {
      int deleted = RedisClients.deleteKeysWithPrefix(redis, prefix).await();
      out.println("bare pipeline: " + deleted + " keys under " + prefix + " deleted");
    } finally {
      redis.close().await();
      pool.close().await();
      vertx.close().await();
      Database.drop(scratch);
      out.println("bare pipeline: scratch database " + scratch.database() + " dropped");
    }
    if (failed != null) {
      throw failed;
    }
  }
}
