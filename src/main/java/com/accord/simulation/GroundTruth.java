package com.accord.simulation;

import com.accord.domain.DiscrepancyType;
import com.accord.domain.ResultStatus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The expected final result of every simulated transaction, one JSON object per line after a
 * header line: {@code {"scenario":…,"seed":…,"started_at":…}} then
 * {@code {"txn_id":…,"defect":…,"status":…,"discrepancy_types":[…],"sources":[…]}}.
 */
public record GroundTruth(String scenario, long seed, Instant startedAt, List<Expected> transactions) {

  /** @param sources the distinct sources whose events were delivered */
  public record Expected(String txnId, Defect defect, ResultStatus status, Set<DiscrepancyType> types, Set<String> sources) {}

  public static Expected of(GeneratedTransaction t) {
    Set<String> sources = new TreeSet<>();
    t.events().forEach(e -> sources.add(e.source()));
    t.heldBack().forEach(e -> sources.add(e.source()));
    return new Expected(t.txnId(), t.defect(), t.defect().expectedStatus(), new TreeSet<>(t.defect().expectedTypes()), sources);
  }

  public void write(Path file) throws IOException {
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    try (BufferedWriter out = Files.newBufferedWriter(file)) {
      out.write(new JsonObject().put("scenario", scenario).put("seed", seed).put("started_at", startedAt.toString()).encode());
      out.newLine();
      for (Expected e : transactions) {
        out.write(new JsonObject()
            .put("txn_id", e.txnId())
            .put("defect", e.defect().name())
            .put("status", e.status().name())
            .put("discrepancy_types", new JsonArray(e.types().stream().map(Enum::name).toList()))
            .put("sources", new JsonArray(List.copyOf(e.sources())))
            .encode());
        out.newLine();
      }
    }
  }

  public static GroundTruth read(Path file) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file)) {
      String headerLine = in.readLine();
      if (headerLine == null) {
        throw new IOException(file + " is empty; expected a ground-truth file written by the simulator");
      }
      JsonObject header = new JsonObject(headerLine);
      List<Expected> expected = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonObject o = new JsonObject(line);
        Set<DiscrepancyType> types = new TreeSet<>();
        o.getJsonArray("discrepancy_types").forEach(t -> types.add(DiscrepancyType.valueOf((String) t)));
        Set<String> sources = new TreeSet<>();
        o.getJsonArray("sources").forEach(s -> sources.add((String) s));
        expected.add(new Expected(o.getString("txn_id"), Defect.valueOf(o.getString("defect")),
            ResultStatus.valueOf(o.getString("status")), types, sources));
      }
      return new GroundTruth(header.getString("scenario"), header.getLong("seed"),
          Instant.parse(header.getString("started_at")), expected);
    }
  }
}
