package com.accord.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.config.AccordConfig;
import com.accord.domain.EventJson;
import com.accord.domain.TransactionEvent;
import com.accord.simulation.Scenario;
import com.accord.testing.Infra;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The HTTP floor's bare server over a real connection: what it answers, when an event counts as
 * done, and behind it the bare pipeline's answer only once the raw rows are stored, verdicts only
 * for complete transactions, and requests read together sharing a statement.
 */
class HttpFloorTest {

  private static final Instant NOW = Instant.now().truncatedTo(ChronoUnit.MILLIS);
  private final HttpClient http = HttpClient.newHttpClient();

  private static AccordConfig config() {
    Map<String, String> env = new HashMap<>(Infra.get().environment());
    env.put("ACCORD_KAFKA_ENABLED", "false");
    return AccordConfig.load(null, env);
  }

  private static String body(TransactionEvent... events) {
    return List.of(events).stream().map(EventJson::toJson).collect(Collectors.joining(",", "[", "]"));
  }

  private HttpResponse<String> post(HttpServer server, String body) throws Exception {
    return http.send(request(server, body), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpRequest request(HttpServer server, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/api/v1/events"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  @Test
  void receiveOnlyAnswersAsTheApiDoesAndNotesEachEventWhenItsRequestIsRead() throws Exception {
    AccordConfig config = config();
    Vertx vertx = Vertx.vertx();
    Map<String, Long> doneAt = new ConcurrentHashMap<>();
    try {
      HttpServer server = HttpFloor.serve(vertx, config.rules(), HttpFloor.RECEIVE_ONLY, doneAt);
      long before = System.nanoTime();
      HttpResponse<String> answer = post(server, body(SyntheticEvents.event("HF-1", 1, "core", NOW),
          SyntheticEvents.event("HF-1", 1, "gateway", NOW), SyntheticEvents.event("HF-2", 2, "core", NOW)));

      assertThat(answer.statusCode()).isEqualTo(202);
      JsonObject receipt = new JsonObject(answer.body());
      assertThat(receipt.getInteger("accepted")).isEqualTo(3);
      assertThat(receipt.getInteger("rejected")).as("the sink fails the run on any rejection").isZero();
      assertThat(doneAt).containsOnlyKeys("core/HF-1", "gateway/HF-1", "core/HF-2");
      assertThat(doneAt.values()).allSatisfy(at -> assertThat(at).isGreaterThanOrEqualTo(before));
      assertThat(HttpFloor.RECEIVE_ONLY.doneKey("gateway/HF-1")).isEqualTo("gateway/HF-1");

      String invalid = body(SyntheticEvents.event("HF-3", 3, "core", NOW)).replace("\"core\"", "\"fax\"");
      HttpResponse<String> refused = post(server, invalid);
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(400);
      assertThat(refused.body()).contains("item 0 is not a valid event");
      assertThat(doneAt).doesNotContainKey("fax/HF-3").hasSize(3);
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void theReadOnlyServerAnswersAnyBodyWithoutParsingItAndTheParsingOneRefusesWhatIsNotAnEvent() throws Exception {
    AccordConfig config = config();
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer readOnly = HttpFloor.serveReadOnly(vertx);
      HttpResponse<String> answer = post(readOnly, "this is not JSON");
      assertThat(answer.statusCode()).as("nothing parsed, nothing refused").isEqualTo(202);
      assertThat(answer.body()).isEqualTo(HttpFloor.READ_ONLY_ANSWER);
      assertThat(new JsonObject(answer.body()).getInteger("rejected")).as("the sink fails the run on any rejection").isZero();

      HttpServer parsing = HttpFloor.serve(vertx, config.rules(), HttpFloor.RECEIVE_ONLY, new ConcurrentHashMap<>());
      assertThat(post(parsing, "this is not JSON").statusCode()).isEqualTo(400);
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void receivingCountsTheSentEventsAndTheCpuOfTheServersEventLoopAndTheClient() throws Exception {
    AccordConfig config = config();
    int transactions = 10_000;
    for (HttpFloor.Receiver receiver : HttpFloor.Receiver.values()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CpuProfile.Usage usage = HttpFloor.receiving(Scenario.resolve("simulators/burst.yaml").withTransactions(transactions),
          config.rules(), receiver, new PrintStream(out, true, StandardCharsets.UTF_8)).orElseThrow();

      assertThat(usage.events()).as("%s: the seed mix sends about three events per transaction", receiver)
          .isBetween(2L * transactions, 4L * transactions);
      assertThat(usage.microsPerEvent(CpuProfile.EVENT_LOOPS)).as("%s: the bare server's event loop", receiver).isPositive();
      assertThat(usage.microsPerEvent(CpuProfile.HTTP_CLIENT)).as("%s: the drain's client", receiver).isPositive();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("HTTP receiving, " + receiver.describe() + ": ");
    }
  }

  @Test
  void barePipelineAnswersOnceTheRawRowsAreStoredAndRequestsReadTogetherShareAStatement() throws Exception {
    AccordConfig config = config();
    String database = "accord_bench_http_floor_test_" + UUID.randomUUID().toString().substring(0, 8);
    AccordConfig.Postgres scratch = config.postgres().withDatabase(database);
    String run = "HB-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    Map<String, Long> doneAt = new ConcurrentHashMap<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (BarePipeline bare = new BarePipeline(config, database, 1, 4, new PrintStream(out, true, StandardCharsets.UTF_8));
        Connection c = DriverManager.getConnection(scratch.jdbcUrl(), scratch.adminUser(), scratch.adminPassword());
        Statement s = c.createStatement()) {
      HttpFloor.Work work = bare.httpWork();
      HttpServer server = HttpFloor.serve(bare.vertx(), config.rules(), work, doneAt);

      String complete = run + "1";
      assertThat(post(server, body(SyntheticEvents.event(complete, 1, "core", NOW), SyntheticEvents.event(complete, 1, "gateway", NOW)))
          .statusCode()).isEqualTo(202);
      assertThat(count(s, "SELECT count(*) FROM raw_events WHERE txn_id = '" + complete + "'"))
          .as("answered only once its rows are stored").isEqualTo(2);
      bare.awaitInFlight();
      assertThat(doneAt).as("two of three sources: no verdict yet").isEmpty();

      assertThat(post(server, body(SyntheticEvents.event(complete, 1, "mobile", NOW))).statusCode()).isEqualTo(202);
      bare.awaitInFlight();
      assertThat(doneAt).containsOnlyKeys(complete);
      assertThat(work.doneKey("mobile/" + complete)).as("done by transaction, whichever event completed it").isEqualTo(complete);
      assertThat(count(s, "SELECT count(*) FROM reconciliation_results WHERE txn_id = '" + complete + "'")).isEqualTo(1);
      assertThat(count(s, "SELECT count(*) FROM audit_logs WHERE resource_id = '" + complete + "'")).isEqualTo(1);
      assertThat(bare.httpStatements()).as("one statement per request while none waited").isEqualTo(2);

      int requests = 40;
      List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        String txnId = run + "c" + i;
        answers.add(http.sendAsync(request(server, body(SyntheticEvents.event(txnId, 10 + i, "core", NOW),
            SyntheticEvents.event(txnId, 10 + i, "gateway", NOW), SyntheticEvents.event(txnId, 10 + i, "mobile", NOW))),
            HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> answer : answers) {
        assertThat(answer.join().statusCode()).isEqualTo(202);
      }
      bare.awaitInFlight();
      assertThat(count(s, "SELECT count(*) FROM raw_events WHERE txn_id LIKE '" + run + "c%'")).isEqualTo(3L * requests);
      assertThat(count(s, "SELECT count(*) FROM reconciliation_results WHERE txn_id LIKE '" + run + "c%'")).isEqualTo(requests);
      assertThat(doneAt).hasSize(1 + requests);
      assertThat(bare.httpStatements() - 2).as("requests waiting behind the statements in flight share the next")
          .isLessThan(requests);
    }
  }

  private static long count(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
