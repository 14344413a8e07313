package com.accord.demo;

import com.accord.Accord;
import com.accord.config.AccordConfig;
import com.accord.domain.DiscrepancyType;
import com.accord.domain.EventJson;
import com.accord.domain.ResultStatus;
import com.accord.domain.TransactionEvent;
import com.accord.persistence.Database;
import com.accord.simulation.GeneratedTransaction;
import com.accord.simulation.TrafficGenerator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.stream.Collectors;

/**
 * The main job of the README: start Accord on a database of its own, push generated three-source
 * traffic with injected mismatches through the HTTP API, wait for every transaction to settle,
 * and print what Accord found next to what was injected.
 */
public final class Demo {

  private static final PrintStream out = System.out;
  private static final int EVENTS_PER_REQUEST = 500;
  private static final int REQUESTS_IN_FLIGHT = 4;

  private Demo() {}

  public static int run(Path configFile, Map<String, String> options) throws Exception {
    int count = Integer.parseInt(options.getOrDefault("transactions", "3000"));
    long seed = Long.parseLong(options.getOrDefault("seed", "20261127"));
    boolean keepRunning = options.containsKey("keep-running");
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putIfAbsent("ACCORD_POSTGRES_DATABASE", "accord_demo");
    env.putIfAbsent("ACCORD_REDIS_KEY_PREFIX", "accord-demo:");
    env.putIfAbsent("ACCORD_RULES_WINDOW", "PT5S");
    AccordConfig config = AccordConfig.load(configFile, env);

    out.printf("Accord demo: %d transactions, seed %d, database %s, Redis prefix %s%n",
        count, seed, config.postgres().database(), config.redis().keyPrefix());
    Database.drop(config.postgres());
    Vertx vertx = Vertx.vertx();
    clearRedis(vertx, config.redis());
    Accord accord = Accord.start(vertx, config).await();
    String base = "http://" + config.http().host() + ":" + accord.httpPort();
    out.printf("Accord is up at %s%n", base);

    List<GeneratedTransaction> traffic = new TrafficGenerator(seed, TrafficGenerator.seedMix(), Instant.now()).generate(count);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    Instant sendStart = Instant.now();
    int events = send(http, base, traffic, seed);
    Duration sending = Duration.between(sendStart, Instant.now());
    out.printf("sent %d events in %d ms: %.0f events/s stored and correlated (each HTTP 202 waits for both)%n",
        events, sending.toMillis(), events * 1000.0 / Math.max(1, sending.toMillis()));

    Duration settling = awaitSettled(http, base, count, config.rules().window().plusSeconds(30));
    out.printf("all %d transactions settled %d ms after the first event (window %s for MISSING)%n",
        count, Duration.between(sendStart, Instant.now()).toMillis(), config.rules().window());

    Map<String, JsonObject> results = fetchAllResults(http, base);
    int disagreements = report(traffic, results);
    out.println();
    out.println("Try the API while it runs (add --keep-running):");
    out.printf("  curl -s %s/api/v1/stats%n", base);
    out.printf("  curl -s '%s/api/v1/results?status=MISMATCHED&discrepancyType=AMOUNT&limit=5'%n", base);
    out.printf("  curl -s %s/api/v1/transactions/%s%n", base, firstWith(traffic, results, "MISMATCHED"));
    if (keepRunning) {
      out.println("Accord keeps running (Ctrl-C stops it).");
      Thread.currentThread().join();
    }
    accord.stop().eventually(vertx::close).await();
    return disagreements == 0 && settling != null ? 0 : 1;
  }

  /** Posts every event, shuffled across transactions and sources, then the late re-sends. */
  private static int send(HttpClient http, String base, List<GeneratedTransaction> traffic, long seed) throws Exception {
    List<TransactionEvent> first = new ArrayList<>();
    List<TransactionEvent> late = new ArrayList<>();
    traffic.forEach(t -> {
      first.addAll(t.events());
      late.addAll(t.lateEvents());
    });
    Collections.shuffle(first, new Random(seed));
    postAll(http, base, first);
    postAll(http, base, late);
    return first.size() + late.size();
  }

  private static void postAll(HttpClient http, String base, List<TransactionEvent> events) throws Exception {
    Semaphore inFlight = new Semaphore(REQUESTS_IN_FLIGHT);
    List<CompletableFuture<?>> pending = new ArrayList<>();
    for (int from = 0; from < events.size(); from += EVENTS_PER_REQUEST) {
      List<TransactionEvent> chunk = events.subList(from, Math.min(events.size(), from + EVENTS_PER_REQUEST));
      String body = chunk.stream().map(EventJson::toJson).collect(Collectors.joining(",", "[", "]"));
      HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/events"))
          .header("Content-Type", "application/json")
          .timeout(Duration.ofSeconds(60))
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build();
      inFlight.acquire();
      pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .thenAccept(response -> {
            if (response.statusCode() != 202) {
              throw new IllegalStateException("POST /api/v1/events answered " + response.statusCode() + ": " + response.body());
            }
            JsonObject receipt = new JsonObject(response.body());
            if (receipt.getInteger("rejected") > 0) {
              throw new IllegalStateException("generated events were rejected: " + response.body());
            }
          })
          .whenComplete((v, e) -> inFlight.release()));
    }
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
  }

  /** Waits until every transaction has a result and none is still open; null on timeout. */
  private static Duration awaitSettled(HttpClient http, String base, int count, Duration timeout) throws Exception {
    Instant start = Instant.now();
    while (Duration.between(start, Instant.now()).compareTo(timeout) < 0) {
      JsonObject stats = getJson(http, base + "/api/v1/stats");
      JsonObject byStatus = stats.getJsonObject("by_status");
      long total = byStatus.stream().mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
      long pending = byStatus.getLong("PENDING", 0L) + stats.getLong("open", 0L);
      if (total >= count && pending == 0) {
        return Duration.between(start, Instant.now());
      }
      Thread.sleep(250);
    }
    out.printf("not every transaction settled within %s%n", timeout);
    return null;
  }

  private static Map<String, JsonObject> fetchAllResults(HttpClient http, String base) throws Exception {
    Map<String, JsonObject> results = new HashMap<>();
    String cursor = null;
    do {
      JsonObject page = getJson(http, base + "/api/v1/results?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor));
      page.getJsonArray("items").forEach(item -> {
        JsonObject result = (JsonObject) item;
        results.put(result.getString("txn_id"), result);
      });
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    return results;
  }

  /** Prints results by status and discrepancy type beside the injected truth; returns the disagreements. */
  private static int report(List<GeneratedTransaction> traffic, Map<String, JsonObject> results) {
    Map<ResultStatus, int[]> byStatus = new EnumMap<>(ResultStatus.class);
    Map<DiscrepancyType, int[]> byType = new EnumMap<>(DiscrepancyType.class);
    for (ResultStatus s : ResultStatus.values()) {
      byStatus.put(s, new int[2]);
    }
    for (DiscrepancyType t : DiscrepancyType.values()) {
      byType.put(t, new int[2]);
    }
    List<String> disagreements = new ArrayList<>();
    for (GeneratedTransaction t : traffic) {
      byStatus.get(t.defect().expectedStatus())[0]++;
      t.defect().expectedTypes().forEach(type -> byType.get(type)[0]++);
      JsonObject result = results.get(t.txnId());
      if (result == null) {
        disagreements.add(t.txnId() + ": injected " + t.defect() + ", no result");
        continue;
      }
      ResultStatus status = ResultStatus.valueOf(result.getString("status"));
      Set<DiscrepancyType> types = typesOf(result.getJsonArray("discrepancies"));
      byStatus.get(status)[1]++;
      types.forEach(type -> byType.get(type)[1]++);
      if (status != t.defect().expectedStatus() || !types.equals(t.defect().expectedTypes())) {
        disagreements.add(t.txnId() + ": injected " + t.defect() + ", Accord says " + status + " " + types);
      }
    }
    out.println();
    out.printf("%-20s %10s %10s%n", "status", "injected", "found");
    byStatus.forEach((s, n) -> out.printf("%-20s %10d %10d%n", s, n[0], n[1]));
    out.println();
    out.printf("%-20s %10s %10s%n", "discrepancy type", "injected", "found");
    byType.forEach((t, n) -> out.printf("%-20s %10d %10d%n", t, n[0], n[1]));
    out.println();
    out.printf("%d of %d transactions reconciled exactly as injected%n", traffic.size() - disagreements.size(), traffic.size());
    disagreements.stream().limit(10).forEach(d -> out.println("  DISAGREES " + d));
    return disagreements.size();
  }

  private static Set<DiscrepancyType> typesOf(JsonArray discrepancies) {
    Set<DiscrepancyType> types = new TreeSet<>();
    discrepancies.forEach(d -> types.add(DiscrepancyType.valueOf(((JsonObject) d).getString("type"))));
    return types;
  }

  private static String firstWith(List<GeneratedTransaction> traffic, Map<String, JsonObject> results, String status) {
    return traffic.stream().map(GeneratedTransaction::txnId)
        .filter(id -> results.containsKey(id) && status.equals(results.get(id).getString("status")))
        .findFirst().orElse(traffic.get(0).txnId());
  }

  private static JsonObject getJson(HttpClient http, String url) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET " + url + " answered " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body());
  }

  /** The demo's own key prefix starts empty, like its database. */
  private static void clearRedis(Vertx vertx, AccordConfig.Redis config) {
    Redis redis = Redis.createClient(vertx, config.uri());
    try {
      String cursor = "0";
      do {
        Response scan = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(config.keyPrefix() + "*").arg("COUNT").arg(1000)).await();
        cursor = scan.get(0).toString();
        List<String> keys = new ArrayList<>();
        scan.get(1).forEach(k -> keys.add(k.toString()));
        if (!keys.isEmpty()) {
          Request del = Request.cmd(Command.DEL);
          keys.forEach(del::arg);
          redis.send(del).await();
        }
      } while (!cursor.equals("0"));
    } finally {
      redis.close();
    }
  }
}
