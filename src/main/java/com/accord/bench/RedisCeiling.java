package com.accord.bench;

import com.accord.config.AccordConfig;
import com.accord.correlation.CorrelationKeys;
import com.accord.correlation.CorrelationStore;
import com.accord.correlation.PackedState;
import com.accord.domain.EventJson;
import com.accord.domain.TransactionEvent;
import com.accord.infra.RedisClients;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This machine's Redis ceiling for Accord's correlation: calls per second of Accord's own function
 * {@code accord_record}, with the arguments Accord passes, pipelined per batch from several
 * connections; and the memory one pending transaction costs. Works under a key prefix of its own,
 * deleted at the end.
 *
 * <p>The calls are built by {@link CorrelationKeys#record}, as {@code CorrelationStore} builds
 * them: the shard's state hash, timing wheel and alive marker, one hash tag per shard.
 *
 * <p>Blocking: call from a plain thread, never from an event loop.
 */
public final class RedisCeiling {
  private static final Logger log = LoggerFactory.getLogger(RedisCeiling.class);

  private static final int EVENTS_PER_TXN = SyntheticEvents.SOURCES.size();
  private static final Duration BATCH_TIMEOUT = Duration.ofMinutes(1);
  /** The simulators spread a transaction's events over 0.9 s of event time; the memory measurement's second event comes this long after its first. */
  static final Duration SECOND_EVENT_AFTER = Duration.ofMillis(400);

  /**
   * @param calls function calls (one per event) in the throughput run, rounded up to whole batches
   * @param batchSize calls per pipelined batch; rounded down to whole transactions of three events
   * @param connections concurrent connections, each looping batches
   * @param pendingTransactions transactions written for the memory measurement
   * @param shards deadline shards, as {@code correlation.shards}
   * @param window {@code rules.window}; retention {@code correlation.retention}
   */
  public record Settings(long calls, int batchSize, int connections, long pendingTransactions, int shards,
      Duration window, Duration retention) {
    public Settings {
      if (calls < 1 || batchSize < EVENTS_PER_TXN || connections < 1 || pendingTransactions < 1 || shards < 1) {
        throw new IllegalArgumentException("calls, pendingTransactions, connections, shards >= 1 and batchSize >= 3 needed");
      }
    }

    public static Settings defaults() {
      return new Settings(300_000, 2000, 4, 100_000, 16, Duration.ofSeconds(30), Duration.ofMinutes(10));
    }

    int callsPerBatch() {
      return batchSize / EVENTS_PER_TXN * EVENTS_PER_TXN;
    }
  }

  /**
   * {@code calls} in all; the rate is of the {@code measuredCalls} made in {@code elapsed} after the
   * warm-up. {@code cpu}: every process's CPU over all the calls (Redis's own, and this JVM's as the
   * caller), empty off Linux.
   */
  public record Throughput(long calls, long measuredCalls, Duration elapsed, int batchSize, int connections,
      Optional<CpuProfile.Usage> cpu) {
    public double callsPerSecond() {
      return elapsed.isZero() ? 0 : measuredCalls * 1e9 / elapsed.toNanos();
    }
  }

  /**
   * {@code used_memory} growth divided by the pending transactions, after writing one event of
   * each, then after writing a second one.
   */
  public record Memory(long pendingTransactions, long bytesPerTxnOneEvent, long bytesPerTxnTwoEvents, String holds) {}

  public record Report(Throughput throughput, Memory memory, String redisVersion) {}

  private RedisCeiling() {}

  public static Report measure(AccordConfig.Redis config, Settings settings, PrintStream progress) {
    Vertx vertx = Vertx.vertx();
    Redis redis = RedisClients.create(vertx, config, settings.connections());
    String prefix = "accord-bench-ceiling:" + UUID.randomUUID().toString().substring(0, 8) + ":";
    CorrelationKeys keys = new CorrelationKeys(prefix, settings.shards());
    try {
      CorrelationStore.loadLibrary(redis).await();
      markAlive(redis, keys);
      String version = info(redis, "server", "redis_version");
      Throughput throughput = throughput(redis, keys, settings, progress);
      RedisClients.deleteKeysWithPrefix(redis, prefix).await();
      markAlive(redis, keys);
      Memory memory = memory(redis, keys, settings, progress);
      return new Report(throughput, memory, version);
    } finally {
      try {
        int deleted = RedisClients.deleteKeysWithPrefix(redis, prefix).await();
        progress.println("redis ceiling: " + deleted + " keys under " + prefix + " deleted");
      } finally {
        redis.close().await();
        vertx.close().await();
      }
    }
  }

  private static Throughput throughput(Redis redis, CorrelationKeys keys, Settings settings, PrintStream progress) {
    int perBatch = settings.callsPerBatch();
    long batches = (settings.calls() + perBatch - 1) / perBatch;
    progress.println("redis ceiling: " + batches * perBatch + " accord_record calls, pipelines of " + perBatch
        + ", " + settings.connections() + " connections");
    ExecutorService workers = Executors.newFixedThreadPool(settings.connections());
    AtomicLong nextBatch = new AtomicLong();
    AtomicLong done = new AtomicLong();
    SteadyRate rate = new SteadyRate(settings.calls() / 4);
    Optional<CpuProfile.Reading> cpuBefore = CpuProfile.read();
    long started = System.nanoTime();
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int c = 0; c < settings.connections(); c++) {
        running.add(workers.submit(() -> {
          long batch;
          while ((batch = nextBatch.getAndIncrement()) < batches) {
            List<Request> requests = new ArrayList<>(perBatch);
            Instant now = Instant.now();
            long firstTxn = batch * (perBatch / EVENTS_PER_TXN);
            for (int t = 0; t < perBatch / EVENTS_PER_TXN; t++) {
              for (int s = 0; s < EVENTS_PER_TXN; s++) {
                requests.add(record(keys, settings, firstTxn + t, SyntheticEvents.SOURCES.get(s), now));
              }
            }
            check(redis.batch(requests).await(BATCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            done.addAndGet(perBatch);
            rate.add(perBatch);
          }
          return null;
        }));
      }
      SteadyRate.awaitAll(running, "redis ceiling", () -> {
        double seconds = (System.nanoTime() - started) / 1e9;
        return String.format("%,d calls in %.0f s (%,.0f calls/s)", done.get(), seconds, done.get() / seconds);
      }, progress);
    } finally {
      workers.shutdownNow();
    }
    Duration elapsed = rate.measuredElapsed(started, System.nanoTime());
    Optional<CpuProfile.Usage> cpu = CpuProfile.since(cpuBefore, "Redis ceiling (accord_record)", done.get());
    Throughput throughput = new Throughput(done.get(), rate.measuredUnits(), elapsed, perBatch, settings.connections(), cpu);
    progress.printf("redis ceiling: %,.0f calls/s (%,d calls in %.1f s after a warm-up quarter)%n", throughput.callsPerSecond(), rate.measuredUnits(),
        elapsed.toMillis() / 1000.0);
    log.atInfo().addKeyValue("calls", done.get()).addKeyValue("callsPerSecond", Math.round(throughput.callsPerSecond()))
        .addKeyValue("elapsedMillis", elapsed.toMillis()).log("redis ceiling measured");
    return throughput;
  }

  /**
   * A pending transaction holds its packed state in a field of its shard's hash (a header, then
   * each event's compared fields under its source and id) and an entry in its shard's timing wheel.
   */
  private static Memory memory(Redis redis, CorrelationKeys keys, Settings settings, PrintStream progress) throws RuntimeException {
    long n = settings.pendingTransactions();
    int perBatch = settings.callsPerBatch();
    long before = usedMemory(redis);
    Instant first = Instant.now();
    writePending(redis, keys, settings, n, perBatch, "core", first);
    long afterOne = usedMemory(redis);
    // The second event is stamped and received a fixed time after the first, not whenever the
    // first pass happens to end: its time is stored as an offset from the first event's, so a
    // slower pass would otherwise store longer offsets and measure more bytes.
    writePending(redis, keys, settings, n, perBatch, "gateway", first.plus(SECOND_EVENT_AFTER));
    long afterTwo = usedMemory(redis);
    long oneEvent = (afterOne - before) / n;
    long twoEvents = (afterTwo - before) / n;
    progress.printf("redis ceiling: %d bytes per pending transaction with 1 event, %d with 2 (%,d transactions)%n",
        oneEvent, twoEvents, n);
    TransactionEvent sample = SyntheticEvents.event("RC-000000001", 1, "core", Instant.EPOCH);
    String holds = "a field of its shard's hash per transaction (header + each event's " + PackedState.eventValue(sample).length()
        + "-byte compared fields under its source and id, instead of its " + EventJson.toJson(sample).length()
        + "-byte JSON) plus an entry in the shard's timing wheel";
    return new Memory(n, oneEvent, twoEvents, holds);
  }

  private static void writePending(Redis redis, CorrelationKeys keys, Settings settings, long txns, int perBatch, String source,
      Instant now) {
    for (long first = 0; first < txns; first += perBatch) {
      List<Request> requests = new ArrayList<>(perBatch);
      for (long n = first; n < Math.min(txns, first + perBatch); n++) {
        requests.add(record(keys, settings, n, source, now));
      }
      try {
        check(redis.batch(requests).await(BATCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
      } catch (TimeoutException e) {
        throw new IllegalStateException("redis ceiling: a pipeline of " + requests.size() + " calls timed out", e);
      }
    }
  }

  /**
   * One accord_record call exactly as CorrelationStore.record builds it (require_alive on, not sweeping),
   * for an event stamped, like the simulators' and most sources' events, to the millisecond.
   */
  private static Request record(CorrelationKeys keys, Settings settings, long n, String source, Instant now) {
    TransactionEvent event = SyntheticEvents.event(SyntheticEvents.txnId("RC-", n), n, source, now.truncatedTo(ChronoUnit.MILLIS));
    return keys.record(event.txnId(), PackedState.eventField(event), PackedState.eventValue(event), now.toEpochMilli(),
        settings.window().toMillis(), settings.retention().toMillis(), now.toEpochMilli(), SyntheticEvents.EXPECTED_SOURCES,
        true, false);
  }

  private static void check(List<Response> responses) {
    for (Response response : responses) {
      if (response == null || response.size() != 3) {
        throw new IllegalStateException("accord_record answered " + response + " instead of {is_new, closed, state}");
      }
    }
  }

  /** Marks every shard's correlation state as present, as Accord does at start (accord_record refuses a shard without it). */
  static void markAlive(Redis redis, CorrelationKeys keys) {
    List<Request> requests = new ArrayList<>(keys.shards());
    for (int shard = 0; shard < keys.shards(); shard++) {
      requests.add(Request.cmd(Command.SET).arg(keys.alive(shard)).arg("1"));
    }
    redis.batch(requests).await();
  }

  static long usedMemory(Redis redis) {
    return Long.parseLong(info(redis, "memory", "used_memory"));
  }

  private static String info(Redis redis, String section, String field) {
    String text = redis.send(Request.cmd(Command.INFO).arg(section)).await().toString();
    for (String line : text.split("\r?\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    throw new IllegalStateException("INFO " + section + " has no " + field);
  }

}
