package com.accord.simulation;

import com.accord.domain.DiscrepancyType;
import com.accord.domain.ResultStatus;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares Accord's results with a simulator's ground truth: waits until every transaction has
 * settled, then prints the status confusion matrix and precision and recall per discrepancy type
 * and per status. Any disagreement fails the verification.
 */
public final class Verifier {

  private static final Duration POLL = Duration.ofMillis(500);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String apiBase;
  private final java.util.function.Supplier<String> authorization;

  /** @param authorization the Authorization header value for each request (see {@link AccessToken}) */
  public Verifier(String apiBase, java.util.function.Supplier<String> authorization) {
    this.apiBase = apiBase;
    this.authorization = authorization;
  }

  /** What Accord says of one transaction. */
  public record Found(ResultStatus status, Set<DiscrepancyType> types, Set<String> sourcesSeen) {}

  public record Report(GroundTruth truth, Map<String, Found> found, boolean settled) {

    public int disagreements() {
      int n = 0;
      for (GroundTruth.Expected e : truth.transactions()) {
        Found f = found.get(e.txnId());
        if (f == null || f.status() != e.status() || !f.types().equals(e.types())) {
          n++;
        }
      }
      return n;
    }

    public boolean passed() {
      return settled && disagreements() == 0;
    }

    public void print(PrintStream out) {
      List<GroundTruth.Expected> all = truth.transactions();
      out.printf("%nverify: scenario %s, seed %d, %,d transactions%s%n", truth.scenario(), truth.seed(), all.size(),
          settled ? "" : " (NOT all settled before the deadline)");
      out.println("status confusion (rows: injected, columns: found)");
      out.printf("  %-11s", "");
      for (ResultStatus s : ResultStatus.values()) {
        out.printf("%11s", s);
      }
      out.printf("%11s%n", "no result");
      for (ResultStatus expected : List.of(ResultStatus.MATCHED, ResultStatus.MISMATCHED, ResultStatus.MISSING)) {
        out.printf("  %-11s", expected);
        for (ResultStatus s : ResultStatus.values()) {
          out.printf("%,11d", all.stream().filter(e -> e.status() == expected && found.containsKey(e.txnId())
              && found.get(e.txnId()).status() == s).count());
        }
        out.printf("%,11d%n", all.stream().filter(e -> e.status() == expected && !found.containsKey(e.txnId())).count());
      }
      out.println();
      out.printf("  %-11s %9s %9s %9s %10s %8s%n", "label", "TP", "FP", "FN", "precision", "recall");
      for (ResultStatus s : List.of(ResultStatus.MATCHED, ResultStatus.MISMATCHED, ResultStatus.MISSING)) {
        row(out, s.name(), e -> e.status() == s, f -> f != null && f.status() == s);
      }
      for (DiscrepancyType t : DiscrepancyType.values()) {
        row(out, t.name(), e -> e.types().contains(t), f -> f != null && f.types().contains(t));
      }
      int wrong = disagreements();
      out.printf("%n%,d of %,d transactions exactly as injected: %s%n", all.size() - wrong, all.size(),
          passed() ? "PASS" : "FAIL");
      all.stream().filter(e -> {
        Found f = found.get(e.txnId());
        return f == null || f.status() != e.status() || !f.types().equals(e.types());
      }).limit(10).forEach(e -> out.printf("  DISAGREES %s: injected %s (%s %s), found %s%n", e.txnId(), e.defect(),
          e.status(), e.types(), found.get(e.txnId())));
    }

    private void row(PrintStream out, String label, java.util.function.Predicate<GroundTruth.Expected> expected,
        java.util.function.Predicate<Found> detected) {
      long tp = 0;
      long fp = 0;
      long fn = 0;
      for (GroundTruth.Expected e : truth.transactions()) {
        boolean isExpected = expected.test(e);
        boolean isFound = detected.test(found.get(e.txnId()));
        if (isExpected && isFound) {
          tp++;
        } else if (isFound) {
          fp++;
        } else if (isExpected) {
          fn++;
        }
      }
      out.printf("  %-11s %,9d %,9d %,9d %9s %8s%n", label, tp, fp, fn, percent(tp, tp + fp), percent(tp, tp + fn));
    }

    private static String percent(long part, long whole) {
      return whole == 0 ? "-" : String.format("%.2f%%", 100.0 * part / whole);
    }
  }

  /** Waits up to {@code timeout} for every transaction of the truth to settle, then compares. */
  public Report verify(GroundTruth truth, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    Map<String, Found> previous = null;
    while (true) {
      if (!Instant.now().isAfter(deadline) && !countsSettled(truth)) {
        // paging every result is heavy while Accord is still busy: wait on the cheap counts first
        Thread.sleep(POLL.toMillis());
        continue;
      }
      Map<String, Found> current = fetch(truth);
      boolean settled = allSettled(truth, current);
      if (settled && current.equals(previous)) {
        return new Report(truth, current, true);
      }
      if (Instant.now().isAfter(deadline)) {
        return new Report(truth, current, settled);
      }
      previous = current;
      Thread.sleep(POLL.toMillis());
    }
  }

  /** At least as many results as transactions, none pending or waiting for a source. */
  private boolean countsSettled(GroundTruth truth) throws Exception {
    JsonObject stats = get("/api/v1/stats");
    long results = stats.getJsonObject("by_status").stream().mapToLong(e -> ((Number) e.getValue()).longValue()).sum();
    long pending = stats.getJsonObject("by_status").getLong("PENDING", 0L) + stats.getLong("open", 0L);
    return results >= truth.transactions().size() && pending == 0;
  }

  private static boolean allSettled(GroundTruth truth, Map<String, Found> found) {
    for (GroundTruth.Expected e : truth.transactions()) {
      Found f = found.get(e.txnId());
      if (f == null || f.status() == ResultStatus.PENDING || !f.sourcesSeen().containsAll(e.sources())) {
        return false;
      }
    }
    return true;
  }

  /** Every result first seen since the run started, page by page. */
  private Map<String, Found> fetch(GroundTruth truth) throws Exception {
    Set<String> wanted = new java.util.HashSet<>();
    truth.transactions().forEach(e -> wanted.add(e.txnId()));
    Map<String, Found> found = new HashMap<>();
    String from = URLEncoder.encode(truth.startedAt().minusSeconds(60).toString(), StandardCharsets.UTF_8);
    String cursor = null;
    do {
      JsonObject page = get("/api/v1/results?limit=1000&from=" + from + (cursor == null ? "" : "&cursor=" + cursor));
      for (Object item : page.getJsonArray("items")) {
        JsonObject result = (JsonObject) item;
        String txnId = result.getString("txn_id");
        if (wanted.contains(txnId)) {
          Set<DiscrepancyType> types = new TreeSet<>();
          result.getJsonArray("discrepancies").forEach(d -> types.add(DiscrepancyType.valueOf(((JsonObject) d).getString("type"))));
          Set<String> seen = new TreeSet<>();
          result.getJsonArray("sources_seen").forEach(s -> seen.add((String) s));
          found.put(txnId, new Found(ResultStatus.valueOf(result.getString("status")), types, seen));
        }
      }
      cursor = page.getString("next_cursor");
    } while (cursor != null);
    return found;
  }

  private JsonObject get(String pathAndQuery) throws Exception {
    HttpResponse<String> response = http.send(
        HttpRequest.newBuilder(URI.create(apiBase + pathAndQuery)).timeout(Duration.ofSeconds(60))
            .header("Authorization", authorization.get()).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("GET " + pathAndQuery + " answered " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body());
  }

  /** Counts of injected defects, for the run summary. */
  public static Map<Defect, Integer> defectCounts(GroundTruth truth) {
    Map<Defect, Integer> counts = new EnumMap<>(Defect.class);
    truth.transactions().forEach(e -> counts.merge(e.defect(), 1, Integer::sum));
    return new LinkedHashMap<>(counts);
  }
}
