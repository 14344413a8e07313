package com.accord.it;

import static com.accord.it.Ev.core;
import static com.accord.it.Ev.gateway;
import static com.accord.it.Ev.mobile;
import static com.accord.it.Support.array;
import static com.accord.it.Support.awaitSettled;
import static com.accord.it.Support.discrepancy;
import static com.accord.it.Support.post;
import static com.accord.it.Support.txn;
import static org.assertj.core.api.Assertions.assertThat;

import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Specifies, end to end over HTTP, the result and the exact discrepancy Accord reports for each kind of disagreement. */
@ExtendWith(VertxExtension.class)
class DiscrepancyEndToEndTest {

  /** Default rules: exact amounts, five minutes of timestamp skew. */
  private static AccordFixture fixture;
  /** Amounts may differ by 0.01, timestamps by one minute. */
  private static SecondAccord second;
  private static AccordFixture tolerant;

  @BeforeAll
  static void start(Vertx vertx) {
    fixture = AccordFixture.start(vertx);
    second = SecondAccord.start(Map.of(
        "ACCORD_RULES_AMOUNT_TOLERANCE_ABSOLUTE", "0.01",
        "ACCORD_RULES_TIMESTAMP_SKEW", "PT1M"));
    tolerant = second.fixture();
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
    if (second != null) {
      second.close();
    }
  }

  private static JsonObject result(AccordFixture accord, String txnId) {
    return awaitSettled(accord, txnId).getJsonObject("result");
  }

  @Test
  void threeAgreeingSourcesAreMatched() {
    String id = txn("clean");
    post(fixture, core(id), gateway(id), mobile(id));

    JsonObject result = result(fixture, id);
    assertThat(result.getString("status")).isEqualTo("MATCHED");
    assertThat(result.getJsonArray("sources_seen")).isEqualTo(array("core", "gateway", "mobile"));
    assertThat(result.getJsonArray("sources_missing")).isEmpty();
    assertThat(result.getJsonArray("discrepancies")).isEmpty();
    assertThat(result.getString("amount")).isEqualTo("100.00");
    assertThat(result.getString("currency")).isEqualTo("EUR");
  }

  @Test
  void differentAmountIsAnAmountDiscrepancyWithTheDifferenceBMinusA() {
    String id = txn("amount");
    post(fixture, core(id), gateway(id), mobile(id).amount("100.50"));

    JsonObject result = result(fixture, id);
    assertThat(result.getString("status")).isEqualTo("MISMATCHED");
    assertThat(result.getJsonArray("discrepancies"))
        .isEqualTo(array(discrepancy("AMOUNT", "core", "mobile", "100.00", "100.50", "0.50")));
  }

  @Test
  void lowerAmountGivesANegativeDifference() {
    String id = txn("amount-lower");
    post(fixture, core(id), gateway(id).amount("99.75"), mobile(id));

    assertThat(result(fixture, id).getJsonArray("discrepancies"))
        .isEqualTo(array(discrepancy("AMOUNT", "core", "gateway", "100.00", "99.75", "-0.25")));
  }

  @Test
  void differentCurrencyIsACurrencyDiscrepancy() {
    String id = txn("currency");
    post(fixture, core(id), gateway(id).currency("USD"), mobile(id));

    JsonObject result = result(fixture, id);
    assertThat(result.getString("status")).isEqualTo("MISMATCHED");
    assertThat(result.getJsonArray("discrepancies"))
        .isEqualTo(array(discrepancy("CURRENCY", "core", "gateway", "EUR", "USD", null)));
  }

  @Test
  void differentCanonicalStatusIsAStatusDiscrepancyNamingBothWords() {
    String id = txn("status");
    post(fixture, core(id), gateway(id).status("DECLINED"), mobile(id));

    JsonObject result = result(fixture, id);
    assertThat(result.getString("status")).isEqualTo("MISMATCHED");
    assertThat(result.getJsonArray("discrepancies"))
        .isEqualTo(array(discrepancy("STATUS", "core", "gateway", "POSTED", "DECLINED", "COMPLETED vs FAILED")));
  }

  @Test
  void differentAccountIsAnAccountDiscrepancy() {
    String id = txn("account");
    post(fixture, core(id), gateway(id), mobile(id).account("DE89370400440532013001"));

    JsonObject result = result(fixture, id);
    assertThat(result.getString("status")).isEqualTo("MISMATCHED");
    assertThat(result.getJsonArray("discrepancies")).isEqualTo(array(
        discrepancy("ACCOUNT", "core", "mobile", "DE89370400440532013000", "DE89370400440532013001", null)));
  }

  @Test
  void accountsWrittenInGroupsOrLowerCaseAreTheSameAccount() {
    String id = txn("account-format");
    post(fixture, core(id), gateway(id).account("DE89 3704 0044 0532 0130 00"), mobile(id).account("de89370400440532013000"));

    assertThat(result(fixture, id).getString("status")).isEqualTo("MATCHED");
  }

  @Test
  void eventTimesFurtherApartThanTheSkewAreATimestampDiscrepancy() {
    String id = txn("timestamp");
    post(fixture, core(id), gateway(id).after(Duration.ofMinutes(6)), mobile(id));

    JsonObject result = result(fixture, id);
    assertThat(result.getString("status")).isEqualTo("MISMATCHED");
    assertThat(result.getJsonArray("discrepancies")).isEqualTo(array(
        discrepancy("TIMESTAMP", "core", "gateway", "2024-03-01T10:00:00Z", "2024-03-01T10:06:00Z", "PT6M")));
  }

  @Test
  void anExpectedSourceAbsentWhenTheWindowClosesIsMissing() {
    String id = txn("missing");
    post(fixture, core(id), gateway(id));

    JsonObject result = fixture.awaitStatus(id, "MISSING").getJsonObject("result");
    assertThat(result.getJsonArray("sources_seen")).isEqualTo(array("core", "gateway"));
    assertThat(result.getJsonArray("sources_missing")).isEqualTo(array("mobile"));
    assertThat(result.getJsonArray("discrepancies"))
        .isEqualTo(array(discrepancy("MISSING", "mobile", null, null, null, null)));
  }

  @Test
  void aSourceReportingTheTransactionUnderTwoEventIdsIsADuplicate() {
    String id = txn("duplicate");
    post(fixture, core(id).id("core-" + id + "-a"), core(id).id("core-" + id + "-b"), gateway(id), mobile(id));

    JsonObject result = result(fixture, id);
    assertThat(result.getString("status")).isEqualTo("MISMATCHED");
    assertThat(result.getJsonArray("sources_seen")).isEqualTo(array("core", "gateway", "mobile"));
    assertThat(result.getJsonArray("discrepancies")).isEqualTo(array(
        discrepancy("DUPLICATE", "core", "core", "core-" + id + "-a", "core-" + id + "-b", "reported 2 times")));
  }

  @ParameterizedTest(name = "{0} / {1} / {2} -> MATCHED")
  @CsvSource({
      "POSTED,   SETTLED,    SUCCESS",
      "BOOKED,   CAPTURED,   SUCCESS",
      "REJECTED, DECLINED,   ERROR",
      "HELD,     AUTHORIZED, PROCESSING",
      "REVERSED, REFUNDED,   CANCELLED",
      "posted,   Settled,    success",
      "COMPLETED, COMPLETED, COMPLETED"})
  void eachSourcesOwnWordsForTheSameStatusAgree(String coreStatus, String gatewayStatus, String mobileStatus) {
    String id = txn("vocabulary");
    post(fixture, core(id).status(coreStatus), gateway(id).status(gatewayStatus), mobile(id).status(mobileStatus));

    JsonObject result = result(fixture, id);
    assertThat(result.getString("status")).isEqualTo("MATCHED");
    assertThat(result.getJsonArray("discrepancies")).isEmpty();
  }

  // ---- configured tolerances ----------------------------------------------------------------

  @Test
  void amountsExactlyTheAbsoluteToleranceApartAgree() {
    String id = txn("tolerance-edge");
    post(tolerant, core(id), gateway(id).amount("100.01"), mobile(id).amount("99.99"));

    JsonObject result = result(tolerant, id);
    assertThat(result.getString("status")).isEqualTo("MATCHED");
    assertThat(result.getJsonArray("discrepancies")).isEmpty();
  }

  @Test
  void amountsJustBeyondTheAbsoluteToleranceDisagree() {
    String id = txn("tolerance-beyond");
    post(tolerant, core(id), gateway(id).amount("100.011"), mobile(id));

    JsonObject result = result(tolerant, id);
    assertThat(result.getString("status")).isEqualTo("MISMATCHED");
    assertThat(result.getJsonArray("discrepancies"))
        .isEqualTo(array(discrepancy("AMOUNT", "core", "gateway", "100.00", "100.011", "0.011")));
  }

  @Test
  void eventTimesExactlyTheSkewApartAgree() {
    String id = txn("skew-edge");
    post(tolerant, core(id), gateway(id).after(Duration.ofSeconds(60)), mobile(id).after(Duration.ofSeconds(-60)));

    JsonObject result = result(tolerant, id);
    assertThat(result.getString("status")).isEqualTo("MATCHED");
    assertThat(result.getJsonArray("discrepancies")).isEmpty();
  }

  @Test
  void eventTimesOneMillisecondBeyondTheSkewDisagree() {
    String id = txn("skew-beyond");
    post(tolerant, core(id), gateway(id).after(Duration.ofMillis(60_001)), mobile(id));

    JsonObject result = result(tolerant, id);
    assertThat(result.getString("status")).isEqualTo("MISMATCHED");
    assertThat(result.getJsonArray("discrepancies")).isEqualTo(array(
        discrepancy("TIMESTAMP", "core", "gateway", "2024-03-01T10:00:00Z", "2024-03-01T10:01:00.001Z", "PT1M0.001S")));
  }
}
