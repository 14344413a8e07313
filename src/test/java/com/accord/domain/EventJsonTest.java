package com.accord.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Specification of the canonical event JSON and of the shared mapper's number handling. */
class EventJsonTest {

  private static TransactionEvent event(String amount, Map<String, String> metadata) {
    return new TransactionEvent(
        "evt-1", "gateway", "txn-1", new BigDecimal(amount), "EUR", "SETTLED", "acc-1",
        Instant.parse("2026-11-27T10:15:30.123Z"), "web", "ACME Ltd", "INV-42", metadata);
  }

  private static TransactionEvent minimalEvent() {
    return new TransactionEvent(
        "evt-2", "core", "txn-2", new BigDecimal("7"), "USD", "POSTED", "acc-2",
        Instant.parse("2026-11-27T10:15:30Z"), null, null, null, null);
  }

  // ---------------------------------------------------------------- toJson

  @Test
  void toJsonWritesCompactCanonicalJsonInWireOrder() {
    assertThat(EventJson.toJson(event("10.50", Map.of("k1", "v1")))).isEqualTo(
        "{\"event_id\":\"evt-1\",\"source\":\"gateway\",\"txn_id\":\"txn-1\",\"amount\":\"10.50\",\"currency\":\"EUR\","
            + "\"status\":\"SETTLED\",\"account\":\"acc-1\",\"timestamp\":\"2026-11-27T10:15:30.123Z\","
            + "\"channel\":\"web\",\"counterparty\":\"ACME Ltd\",\"reference\":\"INV-42\",\"metadata\":{\"k1\":\"v1\"}}");
  }

  @Test
  void toJsonOmitsAbsentOptionalFieldsAndEmptyMetadata() {
    assertThat(EventJson.toJson(minimalEvent())).isEqualTo(
        "{\"event_id\":\"evt-2\",\"source\":\"core\",\"txn_id\":\"txn-2\",\"amount\":\"7\",\"currency\":\"USD\","
            + "\"status\":\"POSTED\",\"account\":\"acc-2\",\"timestamp\":\"2026-11-27T10:15:30Z\"}");
  }

  @Test
  void toJsonWritesAmountsPlainNeverInScientificNotation() {
    assertThat(EventJson.toJson(event("0.00000001", Map.of()))).contains("\"amount\":\"0.00000001\"");
    assertThat(EventJson.toJson(event("1E+3", Map.of()))).contains("\"amount\":\"1000\"");
  }

  @Test
  void toJsonSortsMetadataKeysSoEqualEventsGiveEqualJson() {
    Map<String, String> forwards = new LinkedHashMap<>();
    forwards.put("a", "1");
    forwards.put("b", "2");
    forwards.put("c", "3");
    Map<String, String> backwards = new LinkedHashMap<>();
    backwards.put("c", "3");
    backwards.put("b", "2");
    backwards.put("a", "1");

    String json = EventJson.toJson(event("1", forwards));

    assertThat(json).isEqualTo(EventJson.toJson(event("1", backwards)));
    assertThat(json).endsWith("\"metadata\":{\"a\":\"1\",\"b\":\"2\",\"c\":\"3\"}}");
  }

  @Test
  void toJsonEscapesAwkwardCharacters() {
    TransactionEvent awkward = new TransactionEvent(
        "e\"1", "core", "t\\1", BigDecimal.ONE, "EUR", "POSTED", "ä€😀",
        Instant.parse("2026-11-27T10:15:30Z"), null, null, "line\nbreak", Map.of("k", "\u0001"));

    assertThat(EventJson.fromJson(EventJson.toJson(awkward))).isEqualTo(awkward);
  }

  // ---------------------------------------------------------------- round trip

  @ParameterizedTest
  @ValueSource(strings = {"10.50", "10.5", "10", "0.00000001", "-12345678901234567890.12345678", "0.00", "-0.10"})
  void roundTripIsExactIncludingScale(String amount) {
    TransactionEvent original = event(amount, Map.of("k1", "v1", "k2", "v2"));

    TransactionEvent copy = EventJson.fromJson(EventJson.toJson(original));

    assertThat(copy).isEqualTo(original);
    assertThat(copy.amount().scale()).isEqualTo(new BigDecimal(amount).scale());
    assertThat(copy.amount().toPlainString()).isEqualTo(amount);
  }

  @Test
  void roundTripKeepsMetadataAndOptionalFields() {
    TransactionEvent original = event("10.50", Map.of("k1", "v1", "order-id", "42", "empty", ""));

    TransactionEvent copy = EventJson.fromJson(EventJson.toJson(original));

    assertThat(copy.metadata()).isEqualTo(Map.of("k1", "v1", "order-id", "42", "empty", ""));
    assertThat(copy.channel()).isEqualTo("web");
    assertThat(copy.counterparty()).isEqualTo("ACME Ltd");
    assertThat(copy.reference()).isEqualTo("INV-42");
  }

  @Test
  void roundTripOfMinimalEventKeepsAbsentFieldsAbsent() {
    assertThat(EventJson.fromJson(EventJson.toJson(minimalEvent()))).isEqualTo(minimalEvent());
  }

  @Test
  void roundTripKeepsNanosecondTimestamps() {
    TransactionEvent original = new TransactionEvent(
        "e", "core", "t", BigDecimal.TEN, "EUR", "POSTED", "a",
        Instant.parse("2026-11-27T10:15:30.123456789Z"), null, null, null, Map.of());

    assertThat(EventJson.fromJson(EventJson.toJson(original)).timestamp()).isEqualTo(original.timestamp());
  }

  @Test
  void whatToJsonWritesPassesTheParserUnchanged() {
    TransactionEvent original = event("10.50", Map.of("k1", "v1"));
    byte[] body = ("[" + EventJson.toJson(original) + "]").getBytes(StandardCharsets.UTF_8);

    ParsedItem outcome = new EventParser(ReconciliationRules.defaults(), 10).parseBatch(body).get(0);

    assertThat(outcome).isEqualTo(new ParsedItem.Valid(0, original));
  }

  // ---------------------------------------------------------------- fromJson

  @Test
  void fromJsonAcceptsAnAmountStoredAsANumber() {
    String json = EventJson.toJson(minimalEvent()).replace("\"amount\":\"7\"", "\"amount\":7.50");

    assertThat(EventJson.fromJson(json).amount()).isEqualTo(new BigDecimal("7.50"));
  }

  @Test
  void fromJsonIgnoresFieldsItDoesNotKnow() {
    String json = EventJson.toJson(minimalEvent()).replace("{", "{\"added_later\":true,");

    assertThat(EventJson.fromJson(json)).isEqualTo(minimalEvent());
  }

  @Test
  void fromJsonRejectsTextThatIsNotJson() {
    assertThatThrownBy(() -> EventJson.fromJson("{oops"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("stored event is not valid JSON: ");
  }

  @Test
  void fromJsonRejectsEmptyText() {
    assertThatThrownBy(() -> EventJson.fromJson(" ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stored event is empty");
  }

  @Test
  void fromJsonRejectsNonObject() {
    assertThatThrownBy(() -> EventJson.fromJson("[1]")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stored event must be a JSON object, got array");
  }

  @Test
  void fromJsonNamesAMissingField() {
    String json = EventJson.toJson(minimalEvent()).replace("\"account\":\"acc-2\",", "");

    assertThatThrownBy(() -> EventJson.fromJson(json)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stored event lacks account");
  }

  @Test
  void fromJsonNamesAFieldOfWrongType() {
    String json = EventJson.toJson(minimalEvent()).replace("\"currency\":\"USD\"", "\"currency\":840");

    assertThatThrownBy(() -> EventJson.fromJson(json)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stored event field currency must be a string, got number");
  }

  @Test
  void fromJsonNamesABrokenAmount() {
    String json = EventJson.toJson(minimalEvent()).replace("\"amount\":\"7\"", "\"amount\":\"seven\"");

    assertThatThrownBy(() -> EventJson.fromJson(json)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stored event amount is not a decimal: 'seven'");
  }

  @Test
  void fromJsonNamesABrokenTimestamp() {
    String json = EventJson.toJson(minimalEvent()).replace("2026-11-27T10:15:30Z", "noon");

    assertThatThrownBy(() -> EventJson.fromJson(json)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stored event timestamp is not an ISO-8601 instant: 'noon'");
  }

  @Test
  void fromJsonRejectsTrailingContent() {
    assertThatThrownBy(() -> EventJson.fromJson(EventJson.toJson(minimalEvent()) + " {}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("stored event is not valid JSON: ");
  }

  // ---------------------------------------------------------------- the mapper

  @Test
  void mapperReadsPointOneAsExactlyOneTenth() throws JsonProcessingException {
    JsonNode number = EventJson.MAPPER.readTree("0.1");

    assertThat(number.isBigDecimal()).isTrue();
    assertThat(number.decimalValue()).isEqualTo(new BigDecimal("0.1"));
  }

  @Test
  void mapperKeepsTrailingZerosOfDecimals() throws JsonProcessingException {
    JsonNode number = EventJson.MAPPER.readTree("[10.50]").get(0);

    assertThat(number.decimalValue()).isEqualTo(new BigDecimal("10.50"));
    assertThat(number.decimalValue().scale()).isEqualTo(2);
  }

  @Test
  void mapperKeepsDigitsBeyondDoublePrecision() throws JsonProcessingException {
    assertThat(EventJson.MAPPER.readTree("12345678901234567890.12345678").decimalValue())
        .isEqualTo(new BigDecimal("12345678901234567890.12345678"));
  }

  @Test
  void mapperReadsIntoBigDecimalWhenBindingToObjects() throws JsonProcessingException {
    Object value = EventJson.MAPPER.readValue("0.1", Object.class);

    assertThat(value).isEqualTo(new BigDecimal("0.1"));
  }

  @Test
  void mapperFailsOnTrailingTokens() {
    assertThatThrownBy(() -> EventJson.MAPPER.readTree("[] []")).isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void mapperLimitsNestingDepthTo32() throws JsonProcessingException {
    assertThat(EventJson.MAPPER.readTree("[".repeat(32) + "]".repeat(32))).isNotNull();
    assertThatThrownBy(() -> EventJson.MAPPER.readTree("[".repeat(33) + "]".repeat(33)))
        .isInstanceOf(JsonProcessingException.class);
  }

  @Test
  void mapperLimitsStringsToOneMebibyte() throws JsonProcessingException {
    assertThat(EventJson.MAPPER.readTree("\"" + "x".repeat(1 << 20) + "\"").textValue()).hasSize(1 << 20);
    assertThatThrownBy(() -> EventJson.MAPPER.readTree("\"" + "x".repeat((1 << 20) + 1) + "\""))
        .isInstanceOf(JsonProcessingException.class);
  }
}
