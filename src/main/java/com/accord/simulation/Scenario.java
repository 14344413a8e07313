package com.accord.simulation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A traffic scenario from {@code simulators/*.yaml}: how many transactions, how fast, the channel
 * mix, and the share of each injected defect. See simulators/README.md for the format.
 *
 * @param transactions how many transactions to generate
 * @param ratePerSecond transactions per second; 0 sends as fast as Accord takes them
 * @param reorderWindow events are shuffled within windows of this many events (out-of-order arrival)
 * @param lateDelay how long a LATE_ARRIVAL transaction's held-back event waits after its peers
 */
public record Scenario(
    String name,
    long seed,
    int transactions,
    int ratePerSecond,
    Map<String, Double> channels,
    double failedShare,
    Map<Defect, Double> defects,
    Map<String, Double> missingSources,
    int reorderWindow,
    Duration lateDelay) {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> KEYS = Set.of("name", "description", "seed", "transactions", "ratePerSecond",
      "channels", "failedShare", "defects", "delivery");

  /** A scenario file, or a scenario bundled in the jar by name or file name ("seed", "simulators/seed.yaml"). */
  public static Scenario resolve(String location) throws IOException {
    Path file = Path.of(location);
    if (Files.exists(file)) {
      return parse(Files.readAllBytes(file), file);
    }
    String name = file.getFileName().toString();
    String resource = "/simulators/" + (name.endsWith(".yaml") ? name : name + ".yaml");
    try (var in = Scenario.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("no scenario at " + location + " (and none bundled as " + resource + ")");
      }
      return parse(in.readAllBytes(), Path.of(resource));
    }
  }

  public static Scenario load(Path file) throws IOException {
    return parse(Files.readAllBytes(file), file);
  }

  private static Scenario parse(byte[] yaml, Path file) throws IOException {
    JsonNode root = YAML.readTree(yaml);
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(file + ": a scenario must be a YAML mapping");
    }
    root.fieldNames().forEachRemaining(key -> {
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(file + ": unknown key '" + key + "'");
      }
    });
    String name = text(root, "name", file.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
    long seed = root.path("seed").asLong(1);
    int transactions = positive(root, "transactions", 1000);
    int rate = root.path("ratePerSecond").asInt(0);
    if (rate < 0) {
      throw new IllegalArgumentException(file + ": ratePerSecond must not be negative");
    }
    Map<String, Double> channels = shares(root.path("channels"), "channels");
    if (channels.isEmpty()) {
      channels = Map.of("card", 0.5, "transfer", 0.3, "instant", 0.15, "wallet", 0.05);
    }
    double failed = share(root.path("failedShare"), "failedShare", 0.05);

    Map<Defect, Double> defects = new EnumMap<>(Defect.class);
    Map<String, Double> missing = new LinkedHashMap<>();
    JsonNode defectNode = root.path("defects");
    for (Iterator<Map.Entry<String, JsonNode>> it = defectNode.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      String key = "defects." + entry.getKey();
      switch (entry.getKey()) {
        case "amount" -> defects.put(Defect.AMOUNT, share(entry.getValue(), key, 0));
        case "currency" -> defects.put(Defect.CURRENCY, share(entry.getValue(), key, 0));
        case "status" -> defects.put(Defect.STATUS, share(entry.getValue(), key, 0));
        case "account" -> defects.put(Defect.ACCOUNT, share(entry.getValue(), key, 0));
        case "timestampSkew" -> defects.put(Defect.TIMESTAMP, share(entry.getValue(), key, 0));
        case "duplicate" -> defects.put(Defect.DUPLICATE, share(entry.getValue(), key, 0));
        case "conflict" -> defects.put(Defect.CONFLICT, share(entry.getValue(), key, 0));
        case "redelivery" -> defects.put(Defect.REDELIVERY, share(entry.getValue(), key, 0));
        case "lateArrival" -> defects.put(Defect.LATE_ARRIVAL, share(entry.getValue(), key, 0));
        case "missingSource" -> {
          missing.putAll(shares(entry.getValue(), key));
          for (String source : missing.keySet()) {
            if (!source.equals("gateway") && !source.equals("mobile")) {
              throw new IllegalArgumentException(file + ": " + key + " names '" + source + "'; the simulated sources that can go missing are gateway and mobile");
            }
          }
          defects.put(Defect.MISSING_SOURCE, missing.values().stream().mapToDouble(Double::doubleValue).sum());
        }
        default -> throw new IllegalArgumentException(file + ": unknown defect '" + entry.getKey() + "'");
      }
    }
    double total = defects.values().stream().mapToDouble(Double::doubleValue).sum();
    if (total > 1.0) {
      throw new IllegalArgumentException(file + ": defect shares add up to " + total + ", more than 1");
    }
    JsonNode delivery = root.path("delivery");
    int reorder = delivery.path("reorderWindow").asInt(1);
    if (reorder < 1) {
      throw new IllegalArgumentException(file + ": delivery.reorderWindow must be at least 1");
    }
    Duration late = Duration.ofMillis(Math.round(delivery.path("lateDelaySeconds").asDouble(2.0) * 1000));
    return new Scenario(name, seed, transactions, rate, channels, failed, defects, missing, reorder, late);
  }

  private static String text(JsonNode root, String key, String fallback) {
    JsonNode node = root.get(key);
    return node == null || node.isNull() ? fallback : node.asText();
  }

  private static int positive(JsonNode root, String key, int fallback) {
    JsonNode node = root.get(key);
    int value = node == null ? fallback : node.asInt(-1);
    if (value < 1) {
      throw new IllegalArgumentException("scenario key '" + key + "' must be a positive whole number, got " + node);
    }
    return value;
  }

  private static double share(JsonNode node, String key, double fallback) {
    if (node == null || node.isMissingNode() || node.isNull()) {
      return fallback;
    }
    if (!node.isNumber() || node.asDouble() < 0 || node.asDouble() > 1) {
      throw new IllegalArgumentException("scenario key '" + key + "' must be a share between 0 and 1, got " + node);
    }
    return node.asDouble();
  }

  private static Map<String, Double> shares(JsonNode node, String key) {
    Map<String, Double> shares = new LinkedHashMap<>();
    if (node == null || node.isMissingNode() || node.isNull()) {
      return shares;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException("scenario key '" + key + "' must map names to shares");
    }
    node.fields().forEachRemaining(e -> shares.put(e.getKey(), share(e.getValue(), key + "." + e.getKey(), 0)));
    return shares;
  }

  public Scenario withTransactions(int count) {
    return new Scenario(name, seed, count, ratePerSecond, channels, failedShare, defects, missingSources, reorderWindow, lateDelay);
  }

  public Scenario withRate(int rate) {
    return new Scenario(name, seed, transactions, rate, channels, failedShare, defects, missingSources, reorderWindow, lateDelay);
  }

  public Scenario withSeed(long newSeed) {
    return new Scenario(name, newSeed, transactions, ratePerSecond, channels, failedShare, defects, missingSources, reorderWindow, lateDelay);
  }

  /** A scenario built in code (demo, tests): seed mix, as fast as possible. */
  public static Scenario of(String name, long seed, int transactions, Map<Defect, Double> defects) {
    return new Scenario(name, seed, transactions, 0, Map.of("card", 0.5, "transfer", 0.3, "instant", 0.15, "wallet", 0.05),
        0.05, defects, Map.of("gateway", 0.5, "mobile", 0.5), 200, Duration.ofSeconds(2));
  }
}
