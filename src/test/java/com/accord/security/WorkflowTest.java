package com.accord.security;

import static com.accord.security.SecuritySupport.assertProblem;
import static com.accord.security.SecuritySupport.event;
import static com.accord.security.SecuritySupport.matchedTransaction;
import static com.accord.security.SecuritySupport.mismatchedTransaction;
import static com.accord.security.SecuritySupport.postEvents;
import static com.accord.security.SecuritySupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.accord.testing.AccordFixture;
import com.accord.testing.AccordFixture.HttpResult;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Specifies working breaks: resolutions with a reason by those allowed, annotations in order, and breaks that re-open. */
@ExtendWith(VertxExtension.class)
class WorkflowTest {

  private static AccordFixture fixture;

  @BeforeAll
  static void start(Vertx vertx) {
    fixture = AccordFixture.start(vertx);
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  private static HttpResult resolve(String user, String txn, String resolution, String reason) {
    return fixture.as(user).request("POST", "/api/v1/transactions/" + txn + "/resolution",
        new JsonObject().put("resolution", resolution).put("reason", reason).encode());
  }

  private static HttpResult annotate(String user, String txn, String text) {
    return fixture.as(user).request("POST", "/api/v1/transactions/" + txn + "/annotations", new JsonObject().put("text", text).encode());
  }

  private static JsonObject transaction(String txn) {
    HttpResult response = fixture.as("auditor").get("/api/v1/transactions/" + txn);
    assertThat(response.status()).as(response.body()).isEqualTo(200);
    return response.json();
  }

  @Test
  void anOperatorResolvesABreakWithAReason() {
    String txn = mismatchedTransaction(fixture, "wf-resolve");
    int version = transaction(txn).getJsonObject("result").getInteger("version");

    HttpResult resolved = resolve("operator", txn, "RESOLVED", "the bank corrected the amount");
    assertThat(resolved.status()).as(resolved.body()).isEqualTo(201);
    assertThat(resolved.json().getString("resolved_by")).isEqualTo("operator");
    assertThat(resolved.json().getInteger("result_version")).isEqualTo(version);

    JsonObject resolution = transaction(txn).getJsonObject("result").getJsonObject("resolution");
    assertThat(resolution).isNotNull();
    assertThat(resolution.getString("resolution")).isEqualTo("RESOLVED");
    assertThat(resolution.getString("reason")).isEqualTo("the bank corrected the amount");
    assertThat(resolution.getString("resolved_by")).isEqualTo("operator");
    assertThat(resolution.getInteger("result_version")).isEqualTo(version);
  }

  @Test
  void thoseWhoMayNotResolveOrAnnotateAreRefusedAndNothingIsRecorded() {
    String txn = mismatchedTransaction(fixture, "wf-forbidden");

    for (String role : List.of("auditor", "ingestor")) {
      assertProblem(resolve(role, txn, "WRITTEN_OFF", "not mine to decide"), 403);
      assertProblem(annotate(role, txn, "not mine to write"), 403);
    }
    assertProblem(resolve(null, txn, "WRITTEN_OFF", "nobody at all"), 401);
    assertProblem(annotate(null, txn, "nobody at all"), 401);

    JsonObject detail = transaction(txn);
    assertThat(detail.getJsonObject("result").getValue("resolution")).isNull();
    assertThat(detail.getJsonArray("resolutions")).isEmpty();
    assertThat(detail.getJsonArray("annotations")).isEmpty();
  }

  @Test
  void aMatchedTransactionHasNoBreakToResolve() {
    String txn = matchedTransaction(fixture, "wf-matched");

    assertProblem(resolve("operator", txn, "RESOLVED", "nothing to resolve"), 409);
    assertThat(transaction(txn).getJsonArray("resolutions")).isEmpty();
  }

  @Test
  void anUnknownTransactionIsNotFound() {
    String txn = unique("wf-unknown");

    assertProblem(resolve("operator", txn, "RESOLVED", "no such transaction"), 404);
    assertProblem(annotate("operator", txn, "no such transaction"), 404);
  }

  @Test
  void resolutionsAndAnnotationsOutsideTheContractAreRefused() {
    String txn = mismatchedTransaction(fixture, "wf-invalid");

    assertProblem(resolve("operator", txn, "FORGOTTEN", "not a resolution"), 400);
    assertProblem(resolve("operator", txn, "RESOLVED", "no"), 400);
    assertProblem(fixture.as("operator").request("POST", "/api/v1/transactions/" + txn + "/resolution",
        new JsonObject().put("resolution", "RESOLVED").put("reason", "valid reason").put("resolved_by", "admin").encode()), 400);
    assertProblem(annotate("operator", txn, ""), 400);
    assertProblem(fixture.as("operator").request("POST", "/api/v1/transactions/" + txn + "/annotations",
        new JsonObject().put("text", "forged author").put("author", "admin").encode()), 400);

    JsonObject detail = transaction(txn);
    assertThat(detail.getJsonArray("resolutions")).isEmpty();
    assertThat(detail.getJsonArray("annotations")).isEmpty();
  }

  @Test
  void annotationsAppearInTheDrillDownInTheOrderWritten() {
    String txn = mismatchedTransaction(fixture, "wf-notes");

    for (String[] note : List.of(new String[] {"operator", "first: called the gateway"}, new String[] {"admin", "second: escalated"},
        new String[] {"operator", "third: gateway confirms 100.10"})) {
      HttpResult written = annotate(note[0], txn, note[1]);
      assertThat(written.status()).as(written.body()).isEqualTo(201);
      assertThat(written.json().getString("author")).isEqualTo(note[0]);
    }

    JsonArray annotations = transaction(txn).getJsonArray("annotations");
    assertThat(annotations.stream().map(a -> ((JsonObject) a).getString("text")).toList())
        .containsExactly("first: called the gateway", "second: escalated", "third: gateway confirms 100.10");
    assertThat(annotations.stream().map(a -> ((JsonObject) a).getString("author")).toList())
        .containsExactly("operator", "admin", "operator");
    assertThat(annotations.stream().map(a -> ((JsonObject) a).getLong("id")).toList()).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aLaterChangeOfVerdictReopensTheBreakAndTheHistoryStays() {
    String txn = mismatchedTransaction(fixture, "wf-reopen");
    int version = transaction(txn).getJsonObject("result").getInteger("version");
    assertThat(resolve("operator", txn, "FALSE_POSITIVE", "rounding on the mobile side").status()).isEqualTo(201);
    assertThat(transaction(txn).getJsonObject("result").getJsonObject("resolution")).isNotNull();

    // the gateway re-sends its event with other content: a conflict, and a new verdict
    postEvents(fixture, event("gateway", txn).put("status", "DECLINED"));
    JsonObject reopened = fixture.awaitTransaction(txn, t -> t.getJsonObject("result").getInteger("version") > version,
        Duration.ofSeconds(20));

    assertThat(reopened.getJsonObject("result").getValue("resolution")).as("the break is open again").isNull();
    JsonArray history = reopened.getJsonArray("resolutions");
    assertThat(history).hasSize(1);
    assertThat(history.getJsonObject(0).getInteger("result_version")).isEqualTo(version);
    assertThat(history.getJsonObject(0).getString("resolved_by")).isEqualTo("operator");

    int newVersion = reopened.getJsonObject("result").getInteger("version");
    HttpResult again = resolve("admin", txn, "ESCALATED", "conflicting gateway reports");
    assertThat(again.status()).as(again.body()).isEqualTo(201);
    JsonObject now = transaction(txn);
    assertThat(now.getJsonObject("result").getJsonObject("resolution").getString("resolved_by")).isEqualTo("admin");
    assertThat(now.getJsonObject("result").getJsonObject("resolution").getInteger("result_version")).isEqualTo(newVersion);
    assertThat(now.getJsonArray("resolutions").stream().map(r -> ((JsonObject) r).getString("resolution")).toList())
        .containsExactly("FALSE_POSITIVE", "ESCALATED");
  }
}
