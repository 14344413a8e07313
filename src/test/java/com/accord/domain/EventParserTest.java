package com.accord.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Specification of how submitted events are validated, item by item and as a whole body. */
class EventParserTest {

  private static final String VALID_ITEM = """
      {"event_id":"evt-1","source":"gateway","txn_id":"txn-1","amount":"10.50","currency":"EUR",
       "status":"SETTLED","account":"acc-1","timestamp":"2026-11-27T10:15:30.123Z"}""";

  private final EventParser parser = new EventParser(ReconciliationRules.defaults(), 1000);

  // ---------------------------------------------------------------- helpers

  private static JsonNode json(String text) {
    try {
      return EventJson.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new AssertionError("test JSON is broken: " + text, e);
    }
  }

  private static ObjectNode validItem() {
    return (ObjectNode) json(VALID_ITEM);
  }

  private static ObjectNode itemWith(String field, String valueJson) {
    ObjectNode item = validItem();
    item.set(field, json(valueJson));
    return item;
  }

  private static ObjectNode itemWithText(String field, String value) {
    ObjectNode item = validItem();
    item.put(field, value);
    return item;
  }

  private TransactionEvent accepted(JsonNode item) {
    ParsedItem outcome = parser.parseItem(item, 0);
    assertThat(outcome).isInstanceOf(ParsedItem.Valid.class);
    return ((ParsedItem.Valid) outcome).event();
  }

  private List<FieldError> rejected(JsonNode item) {
    ParsedItem outcome = parser.parseItem(item, 0);
    assertThat(outcome).isInstanceOf(ParsedItem.Invalid.class);
    return ((ParsedItem.Invalid) outcome).errors();
  }

  private static FieldError error(String path, String message) {
    return new FieldError(path, message);
  }

  private static byte[] bytes(String body) {
    return body.getBytes(StandardCharsets.UTF_8);
  }

  private MalformedBodyException malformed(String body) {
    return malformed(parser, bytes(body));
  }

  private static MalformedBodyException malformed(EventParser parser, byte[] body) {
    Throwable thrown = catchThrowable(() -> parser.parseBatch(body));
    assertThat(thrown).isInstanceOf(MalformedBodyException.class);
    return (MalformedBodyException) thrown;
  }

  // ---------------------------------------------------------------- whole items

  @Nested
  class WholeItem {

    @Test
    void validItemBecomesEventWithAllFields() {
      ObjectNode item = validItem();
      item.put("channel", "web");
      item.put("counterparty", "ACME Ltd");
      item.put("reference", "INV-42");
      item.set("metadata", json("{\"k1\":\"v1\",\"k2\":\"v2\"}"));

      TransactionEvent event = accepted(item);

      assertThat(event).isEqualTo(new TransactionEvent(
          "evt-1", "gateway", "txn-1", new BigDecimal("10.50"), "EUR", "SETTLED", "acc-1",
          Instant.parse("2026-11-27T10:15:30.123Z"), "web", "ACME Ltd", "INV-42",
          Map.of("k1", "v1", "k2", "v2")));
    }

    @Test
    void outcomeCarriesTheIndexAndPathsUseIt() {
      ObjectNode item = validItem();
      item.remove("amount");

      ParsedItem outcome = parser.parseItem(item, 7);

      assertThat(outcome.index()).isEqualTo(7);
      assertThat(((ParsedItem.Invalid) outcome).errors()).containsExactly(error("$[7].amount", "is required"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"text\"  | string",
        "42        | number",
        "true      | boolean",
        "null      | null",
        "[1,2]     | array"})
    void nonObjectItemIsOneErrorAtTheItem(String itemJson, String type) {
      ParsedItem outcome = parser.parseItem(json(itemJson), 3);

      assertThat(outcome).isEqualTo(new ParsedItem.Invalid(3, List.of(error("$[3]", "must be an object, got " + type))));
    }

    @Test
    void unknownFieldIsNamed() {
      assertThat(rejected(itemWithText("colour", "red"))).containsExactly(error("$[0].colour", "unknown field"));
    }

    @Test
    void unknownFieldWithAnOddNameIsBracketedInThePath() {
      assertThat(rejected(itemWithText("my field", "x"))).containsExactly(error("$[0]['my field']", "unknown field"));
    }

    @Test
    void everyErrorOfAnItemIsReportedNotJustTheFirst() {
      ObjectNode item = validItem();
      item.remove("event_id");
      item.put("amount", "1e3");
      item.put("currency", "EURO");
      item.put("timestamp", "2026-11-27T10:15:30");
      item.put("extra", 1);

      assertThat(rejected(item)).containsExactly(
          error("$[0].event_id", "is required"),
          error("$[0].amount", "must be a plain decimal like '-12.50' (no exponent, plus sign or spaces), got '1e3'"),
          error("$[0].currency", "must be an ISO 4217 currency code, got 'EURO'"),
          error("$[0].timestamp",
              "must be an RFC 3339 timestamp with offset, like '2026-11-27T10:15:30Z', got '2026-11-27T10:15:30'"),
          error("$[0].extra", "unknown field"));
    }

    @Test
    void emptyObjectReportsEveryRequiredField() {
      assertThat(rejected(json("{}"))).extracting(FieldError::path).containsExactly(
          "$[0].event_id", "$[0].source", "$[0].txn_id", "$[0].amount",
          "$[0].currency", "$[0].status", "$[0].account", "$[0].timestamp");
    }
  }

  // ---------------------------------------------------------------- required fields and types

  @Nested
  class RequiredFields {

    @ParameterizedTest
    @ValueSource(strings = {"event_id", "source", "txn_id", "amount", "currency", "status", "account", "timestamp"})
    void missingRequiredFieldIsRequired(String field) {
      ObjectNode item = validItem();
      item.remove(field);

      assertThat(rejected(item)).containsExactly(error("$[0]." + field, "is required"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"event_id", "source", "txn_id", "amount", "currency", "status", "account", "timestamp"})
    void nullRequiredFieldIsRequired(String field) {
      assertThat(rejected(itemWith(field, "null"))).containsExactly(error("$[0]." + field, "is required"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"event_id", "source", "txn_id", "currency", "status", "account", "timestamp"})
    void numberWhereStringIsExpectedIsWrongType(String field) {
      assertThat(rejected(itemWith(field, "42"))).containsExactly(error("$[0]." + field, "must be a string, got number"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "event_id  | true       | boolean",
        "source    | {}         | object",
        "txn_id    | [\"t\"]    | array",
        "status    | false      | boolean",
        "account   | {\"a\":1}  | object",
        "timestamp | 1764238530 | number"})
    void otherWrongTypesNameTheType(String field, String valueJson, String type) {
      assertThat(rejected(itemWith(field, valueJson))).containsExactly(error("$[0]." + field, "must be a string, got " + type));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"true | boolean", "{} | object", "[\"1\"] | array"})
    void amountOfWrongTypeIsRejected(String valueJson, String type) {
      assertThat(rejected(itemWith("amount", valueJson)))
          .containsExactly(error("$[0].amount", "must be a decimal string or number, got " + type));
    }
  }

  // ---------------------------------------------------------------- identifiers and account

  @Nested
  class TextFields {

    @ParameterizedTest
    @ValueSource(strings = {"event_id", "txn_id"})
    void identifierOf128CharactersIsAccepted(String field) {
      assertThat(parser.parseItem(itemWithText(field, "x".repeat(128)), 0)).isInstanceOf(ParsedItem.Valid.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"event_id", "txn_id"})
    void identifierOver128CharactersIsRejected(String field) {
      assertThat(rejected(itemWithText(field, "x".repeat(129))))
          .containsExactly(error("$[0]." + field, "must be at most 128 characters, got 129"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"event_id", "txn_id", "account", "status"})
    void blankIsRejected(String field) {
      assertThat(rejected(itemWithText(field, "   "))).containsExactly(error("$[0]." + field, "must not be blank"));
      assertThat(rejected(itemWithText(field, ""))).containsExactly(error("$[0]." + field, "must not be blank"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"event_id", "txn_id", "account"})
    void controlCharactersAreRejectedAndShownEscaped(String field) {
      assertThat(rejected(itemWithText(field, "a\nb\u0000")))
          .containsExactly(error("$[0]." + field, "must not contain control characters, got 'a\\u000ab\\u0000'"));
    }

    @Test
    void identifiersKeepNonAsciiCharactersAndCountThemAsCharacters() {
      String emojis = "😀".repeat(128);

      assertThat(accepted(itemWithText("event_id", emojis)).eventId()).isEqualTo(emojis);
    }

    @Test
    void accountOver64CharactersIsRejected() {
      assertThat(accepted(itemWithText("account", "a".repeat(64))).account()).hasSize(64);
      assertThat(rejected(itemWithText("account", "a".repeat(65))))
          .containsExactly(error("$[0].account", "must be at most 64 characters, got 65"));
    }
  }

  // ---------------------------------------------------------------- source and status

  @Nested
  class SourceAndStatus {

    @Test
    void unknownSourceListsTheAcceptedSources() {
      assertThat(rejected(itemWithText("source", "bank")))
          .containsExactly(error("$[0].source", "must be one of the accepted sources (core, gateway, mobile), got 'bank'"));
    }

    @Test
    void sourceIsCaseSensitive() {
      assertThat(rejected(itemWithText("source", "Gateway"))).extracting(FieldError::path).containsExactly("$[0].source");
    }

    @ParameterizedTest
    @CsvSource({
        "core,    POSTED",
        "core,    HELD",
        "gateway, SETTLED",
        "gateway, authorized",
        "mobile,  SUCCESS",
        "mobile,  Cancelled",
        "mobile,  COMPLETED",
        "core,    reversed"})
    void statusInTheSourceVocabularyIsAcceptedAndKeptAsGiven(String source, String status) {
      ObjectNode item = itemWithText("source", source);
      item.put("status", status);

      TransactionEvent event = accepted(item);

      assertThat(event.source()).isEqualTo(source);
      assertThat(event.status()).isEqualTo(status);
    }

    @ParameterizedTest
    @CsvSource({
        "gateway, SHIPPED",
        "gateway, POSTED",
        "core,    SETTLED",
        "mobile,  DECLINED"})
    void statusOutsideTheSourceVocabularyIsRejected(String source, String status) {
      ObjectNode item = itemWithText("source", source);
      item.put("status", status);

      assertThat(rejected(item)).containsExactly(
          error("$[0].status", "'" + status + "' is not in the status vocabulary of source '" + source + "'"));
    }

    @Test
    void unknownSourceSkipsTheStatusCheck() {
      ObjectNode item = itemWithText("source", "bank");
      item.put("status", "SHIPPED");

      assertThat(rejected(item)).extracting(FieldError::path).containsExactly("$[0].source");
    }

    @Test
    void statusOver64CharactersIsRejected() {
      assertThat(rejected(itemWithText("status", "S".repeat(65))))
          .containsExactly(error("$[0].status", "must be at most 64 characters, got 65"));
    }
  }

  // ---------------------------------------------------------------- amount

  @Nested
  class Amount {

    @Test
    void stringAmountKeepsItsScale() {
      BigDecimal amount = accepted(itemWithText("amount", "10.50")).amount();

      assertThat(amount).isEqualTo(new BigDecimal("10.50"));
      assertThat(amount.scale()).isEqualTo(2);
    }

    @Test
    void negativeStringAmountIsAccepted() {
      assertThat(accepted(itemWithText("amount", "-0.01")).amount()).isEqualTo(new BigDecimal("-0.01"));
    }

    @Test
    void integerNumberAmountIsAccepted() {
      BigDecimal amount = accepted(itemWith("amount", "42")).amount();

      assertThat(amount).isEqualTo(new BigDecimal("42"));
      assertThat(amount.scale()).isZero();
    }

    @Test
    void decimalNumberAmountKeepsScaleTwo() {
      BigDecimal amount = accepted(itemWith("amount", "10.10")).amount();

      assertThat(amount).isEqualTo(new BigDecimal("10.10"));
      assertThat(amount.scale()).isEqualTo(2);
    }

    @Test
    void numberPointOneIsExactlyOneTenth() {
      assertThat(accepted(itemWith("amount", "0.1")).amount()).isEqualTo(new BigDecimal("0.1"));
    }

    @Test
    void largeIntegerNumberBeyondLongIsExact() {
      assertThat(accepted(itemWith("amount", "12345678901234567890")).amount())
          .isEqualTo(new BigDecimal("12345678901234567890"));
    }

    @Test
    void numberWrittenWithExponentIsReadAsItsPlainValue() {
      BigDecimal amount = accepted(itemWith("amount", "1.5E3")).amount();

      assertThat(amount).isEqualTo(new BigDecimal("1500"));
      assertThat(amount.scale()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1e3", "1E3", "+5", " 5", "5 ", "5.", ".5", "1,50", "", "--1", "0x10", "NaN", "Infinity", "١٢"})
    void stringAmountMustBeAPlainDecimal(String text) {
      assertThat(rejected(itemWithText("amount", text))).containsExactly(error("$[0].amount",
          "must be a plain decimal like '-12.50' (no exponent, plus sign or spaces), got '" + text + "'"));
    }

    @Test
    void eightFractionDigitsAreAccepted() {
      assertThat(accepted(itemWithText("amount", "0.12345678")).amount()).isEqualTo(new BigDecimal("0.12345678"));
    }

    @Test
    void moreThanEightFractionDigitsAreRejected() {
      assertThat(rejected(itemWithText("amount", "1.123456789")))
          .containsExactly(error("$[0].amount", "must have at most 8 fraction digits, got '1.123456789'"));
    }

    @Test
    void trailingZerosCountAsFractionDigits() {
      assertThat(rejected(itemWithText("amount", "1.000000000")))
          .containsExactly(error("$[0].amount", "must have at most 8 fraction digits, got '1.000000000'"));
    }

    @Test
    void tooManyFractionDigitsInANumberAreRejected() {
      assertThat(rejected(itemWith("amount", "0.123456789")))
          .containsExactly(error("$[0].amount", "must have at most 8 fraction digits, got '0.123456789'"));
    }

    @Test
    void twentyIntegerDigitsAreAccepted() {
      assertThat(accepted(itemWithText("amount", "-12345678901234567890.12345678")).amount())
          .isEqualTo(new BigDecimal("-12345678901234567890.12345678"));
    }

    @Test
    void moreThanTwentyIntegerDigitsAreRejected() {
      assertThat(rejected(itemWithText("amount", "123456789012345678901")))
          .containsExactly(error("$[0].amount", "must have at most 20 integer digits, got '123456789012345678901'"));
    }

    @Test
    void leadingZerosDoNotCountAsIntegerDigits() {
      assertThat(accepted(itemWithText("amount", "0000000000000000000000001.5")).amount()).isEqualTo(new BigDecimal("1.5"));
    }

    @Test
    void tooManyIntegerDigitsInANumberAreRejected() {
      assertThat(rejected(itemWith("amount", "123456789012345678901")))
          .containsExactly(error("$[0].amount", "must have at most 20 integer digits, got '123456789012345678901'"));
    }

    @Test
    void bothDigitLimitsAreReportedWhenBothAreExceeded() {
      assertThat(rejected(itemWithText("amount", "123456789012345678901.123456789"))).extracting(FieldError::message)
          .containsExactly(
              "must have at most 20 integer digits, got '123456789012345678901.123456789'",
              "must have at most 8 fraction digits, got '123456789012345678901.123456789'");
    }

    @Test
    void hugeExponentIsRejectedWithoutExpandingTheNumber() {
      assertThat(rejected(itemWith("amount", "1e999999999"))).extracting(FieldError::message)
          .singleElement().asString().startsWith("must have at most 20 integer digits");
    }

    @Test
    void longOffendingValueIsTruncatedInTheMessage() {
      String digits = "1".repeat(60);

      assertThat(rejected(itemWithText("amount", digits))).containsExactly(error("$[0].amount",
          "must have at most 20 integer digits, got '" + "1".repeat(40) + "…'"));
    }

    @Test
    void binaryFloatingPointNodeIsRejectedEvenThoughTheMapperNeverProducesOne() {
      ObjectNode item = validItem();
      item.put("amount", 10.5d);

      assertThat(rejected(item))
          .containsExactly(error("$[0].amount", "must be an exact decimal, got a binary floating-point number"));
    }
  }

  // ---------------------------------------------------------------- currency

  @Nested
  class CurrencyCode {

    @ParameterizedTest
    @ValueSource(strings = {"EUR", "USD", "JPY", "CHF"})
    void isoCodeIsAccepted(String code) {
      assertThat(accepted(itemWithText("currency", code)).currency()).isEqualTo(code);
    }

    @ParameterizedTest
    @ValueSource(strings = {"EURO", "eur", "Eur", "EU", "", "ABC", "E1R", " EUR"})
    void nonIsoCodeIsRejected(String code) {
      assertThat(rejected(itemWithText("currency", code)))
          .containsExactly(error("$[0].currency", "must be an ISO 4217 currency code, got '" + code + "'"));
    }
  }

  // ---------------------------------------------------------------- timestamp

  @Nested
  class Timestamp {

    @Test
    void utcTimestampWithMillisecondsIsKept() {
      assertThat(accepted(itemWithText("timestamp", "2026-11-27T10:15:30.123Z")).timestamp())
          .isEqualTo(Instant.parse("2026-11-27T10:15:30.123Z"));
    }

    @Test
    void anyFourDigitYearIsKept() {
      assertThat(accepted(itemWithText("timestamp", "0001-01-01T00:00:00Z")).timestamp())
          .isEqualTo(Instant.parse("0001-01-01T00:00:00Z"));
      assertThat(accepted(itemWithText("timestamp", "9999-12-31T23:59:59.999999999Z")).timestamp())
          .isEqualTo(Instant.parse("9999-12-31T23:59:59.999999999Z"));
    }

    @Test
    void offsetIsNormalisedToUtc() {
      assertThat(accepted(itemWithText("timestamp", "2026-11-27T11:15:30+01:00")).timestamp())
          .isEqualTo(Instant.parse("2026-11-27T10:15:30Z"));
    }

    @Test
    void negativeOffsetAcrossMidnightIsNormalisedToUtc() {
      assertThat(accepted(itemWithText("timestamp", "2026-11-27T22:00:00.5-05:00")).timestamp())
          .isEqualTo(Instant.parse("2026-11-28T03:00:00.500Z"));
    }

    /**
     * The canonical form is read without the ISO formatter; whatever that fast path reads, it
     * reads as the formatter does, and what it leaves (other forms, invalid times) the formatter
     * judges as before.
     */
    @Test
    void theCanonicalFormIsReadExactlyAsTheIsoFormatterReadsIt() {
      List<String> texts = new ArrayList<>(List.of("2024-02-29T00:00:00Z", "2023-02-29T00:00:00Z",
          "2026-04-31T10:00:00Z", "2026-11-27T24:00:00Z", "2026-11-27T23:59:60Z", "2026-11-27T10:15:30+18:00",
          "2026-11-27T10:15:30+18:01", "2026-11-27T10:15:30-18:00", "2026-11-27T10:15:30-00:00",
          "2026-11-27T10:15:30.1234567891Z", "2026-11-27T10:15:30.Z", "2026-11-27t10:15:30z",
          "2026-11-27T10:15:30+0100", "0000-01-01T00:00:00Z", "2026-11-27T10:15:30.000000001+05:45",
          "2026-11-27T10:15:30Z ", "2026-11-27T10:15:30.5", "2026-11-27T10:15:30+01:00:00"));
      Random random = new Random(7);
      for (int i = 0; i < 50_000; i++) {
        texts.add(String.format("%04d-%02d-%02dT%02d:%02d:%02d%s%s", random.nextInt(10_000), random.nextInt(14),
            random.nextInt(33), random.nextInt(25), random.nextInt(61), random.nextInt(61),
            random.nextInt(3) == 0 ? "" : "." + "123456789012".substring(0, random.nextInt(11)),
            switch (random.nextInt(4)) {
              case 0 -> "Z";
              case 1 -> "z";
              default -> String.format("%s%02d:%02d", random.nextBoolean() ? "+" : "-", random.nextInt(20), random.nextInt(61));
            }));
      }
      int readFast = 0;
      for (String text : texts) {
        Instant byFormatter;
        try {
          byFormatter = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeException e) {
          byFormatter = null;
        }
        Instant fast = EventParser.canonicalTimestamp(text);
        if (fast != null) {
          readFast++;
          assertThat(fast).as(text).isEqualTo(byFormatter);
        }
      }
      assertThat(readFast).as("texts the fast path read, of %d", texts.size()).isGreaterThan(5_000);
      for (String canonical : List.of("2026-11-27T10:15:30Z", "2026-11-27T10:15:30.123Z", "2026-11-27T10:15:30.123456789Z",
          "2024-02-29T23:59:59-05:00", "2026-11-27T11:15:30+01:00")) {
        assertThat(EventParser.canonicalTimestamp(canonical)).as(canonical)
            .isEqualTo(OffsetDateTime.parse(canonical).toInstant());
      }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-27T10:15:30", "2026-11-27", "yesterday", "2026-13-01T00:00:00Z", "1764238530",
        "2026-11-27 10:15:30Z", "+999999999-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "-0001-01-01T00:00:00Z"})
    void timestampWithoutOffsetOrMalformedIsRejected(String text) {
      assertThat(rejected(itemWithText("timestamp", text))).containsExactly(error("$[0].timestamp",
          "must be an RFC 3339 timestamp with offset, like '2026-11-27T10:15:30Z', got '" + text + "'"));
    }
  }

  // ---------------------------------------------------------------- optional fields

  @Nested
  class OptionalFields {

    @Test
    void absentOptionalFieldsAreNullAndMetadataEmpty() {
      TransactionEvent event = accepted(validItem());

      assertThat(event.channel()).isNull();
      assertThat(event.counterparty()).isNull();
      assertThat(event.reference()).isNull();
      assertThat(event.metadata()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"channel", "counterparty", "reference", "metadata"})
    void nullOptionalFieldCountsAsAbsent(String field) {
      assertThat(parser.parseItem(itemWith(field, "null"), 0)).isInstanceOf(ParsedItem.Valid.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"channel", "counterparty", "reference"})
    void optionalTextOfWrongTypeIsRejected(String field) {
      assertThat(rejected(itemWith(field, "7"))).containsExactly(error("$[0]." + field, "must be a string, got number"));
    }

    @ParameterizedTest
    @CsvSource({"channel, 128", "counterparty, 128", "reference, 256"})
    void optionalTextIsBounded(String field, int maxLength) {
      assertThat(parser.parseItem(itemWithText(field, "r".repeat(maxLength)), 0)).isInstanceOf(ParsedItem.Valid.class);
      assertThat(rejected(itemWithText(field, "r".repeat(maxLength + 1)))).containsExactly(
          error("$[0]." + field, "must be at most " + maxLength + " characters, got " + (maxLength + 1)));
    }
  }

  @Nested
  class NulCharacter {

    @ParameterizedTest
    @ValueSource(strings = {"channel", "counterparty", "reference"})
    void optionalTextHoldingNulIsRejected(String field) {
      assertThat(rejected(itemWithText(field, "a\u0000b"))).containsExactly(
          error("$[0]." + field, "must not contain the NUL character (U+0000), got 'a\\u0000b'"));
    }

    @Test
    void optionalTextMayHoldOtherControlCharacters() {
      assertThat(accepted(itemWithText("reference", "line one\nline two\ttabbed")).reference())
          .isEqualTo("line one\nline two\ttabbed");
    }

    @Test
    void metadataValueHoldingNulIsRejected() {
      assertThat(rejected(itemWith("metadata", "{\"order\":\"o\\u0000\"}"))).containsExactly(
          error("$[0].metadata.order", "must not contain the NUL character (U+0000), got 'o\\u0000'"));
    }

    @Test
    void metadataKeyHoldingNulIsRejectedAndItsPathShowsTheCharacterEscaped() {
      assertThat(rejected(itemWith("metadata", "{\"k\\u0000\":\"v\"}"))).containsExactly(
          error("$[0].metadata['k\\u0000']", "key must not contain the NUL character (U+0000)"));
    }

    @Test
    void unknownFieldNameWithControlCharactersIsEscapedInThePath() {
      ObjectNode item = validItem();
      item.put("x\u0000\ny", 1);
      assertThat(rejected(item)).containsExactly(error("$[0]['x\\u0000\\u000ay']", "unknown field"));
    }
  }

  // ---------------------------------------------------------------- metadata

  @Nested
  class Metadata {

    @Test
    void stringEntriesAreKept() {
      assertThat(accepted(itemWith("metadata", "{\"k1\":\"v1\",\"order-id\":\"\"}")).metadata())
          .isEqualTo(Map.of("k1", "v1", "order-id", ""));
    }

    @Test
    void emptyObjectIsEmptyMetadata() {
      assertThat(accepted(itemWith("metadata", "{}")).metadata()).isEmpty();
    }

    @Test
    void nonObjectIsRejected() {
      assertThat(rejected(itemWith("metadata", "[\"a\"]"))).containsExactly(error("$[0].metadata", "must be an object, got array"));
    }

    @Test
    void nonStringValueIsReportedAtItsKey() {
      assertThat(rejected(itemWith("metadata", "{\"k1\":5,\"k2\":\"ok\",\"k3\":{\"x\":\"y\"}}"))).containsExactly(
          error("$[0].metadata.k1", "must be a string, got number"),
          error("$[0].metadata.k3", "must be a string, got object"));
    }

    @Test
    void nullValueIsRejected() {
      assertThat(rejected(itemWith("metadata", "{\"k1\":null}"))).containsExactly(error("$[0].metadata.k1", "must be a string, got null"));
    }

    @Test
    void valueOver512CharactersIsRejected() {
      ObjectNode metadata = EventJson.MAPPER.createObjectNode().put("ok", "v".repeat(512)).put("long", "v".repeat(513));
      ObjectNode item = validItem();
      item.set("metadata", metadata);

      assertThat(rejected(item)).containsExactly(error("$[0].metadata.long", "must be at most 512 characters, got 513"));
    }

    @Test
    void keyMustBeOneTo64Characters() {
      ObjectNode metadata = EventJson.MAPPER.createObjectNode()
          .put("k".repeat(64), "ok").put("k".repeat(65), "v").put("", "v");
      ObjectNode item = validItem();
      item.set("metadata", metadata);

      assertThat(rejected(item)).containsExactly(
          error("$[0].metadata." + "k".repeat(65), "key must be 1 to 64 characters, got 65"),
          error("$[0].metadata['']", "key must be 1 to 64 characters, got 0"));
    }

    @Test
    void keysThatAreNotPlainNamesAreBracketedInPaths() {
      assertThat(rejected(itemWith("metadata", "{\"a.b\":1,\"it's\":2}"))).extracting(FieldError::path)
          .containsExactly("$[0].metadata['a.b']", "$[0].metadata['it\\'s']");
    }

    @Test
    void thirtyTwoEntriesAreAcceptedThirtyThreeAreNot() {
      assertThat(accepted(itemWith("metadata", metadataWithEntries(32))).metadata()).hasSize(32);
      assertThat(rejected(itemWith("metadata", metadataWithEntries(33))))
          .containsExactly(error("$[0].metadata", "must have at most 32 entries, got 33"));
    }

    private String metadataWithEntries(int count) {
      return IntStream.range(0, count).mapToObj(i -> "\"k" + i + "\":\"v\"").collect(Collectors.joining(",", "{", "}"));
    }
  }

  // ---------------------------------------------------------------- batches

  @Nested
  class Batch {

    @Test
    void mixedBatchGivesOneOutcomePerItemInOrderWithExactPaths() {
      ObjectNode missingAmount = validItem();
      missingAmount.remove("amount");
      ObjectNode badCurrency = itemWithText("currency", "EURO");
      String body = "[" + String.join(",",
          itemWithText("event_id", "a").toString(),
          missingAmount.toString(),
          itemWithText("event_id", "c").toString(),
          "\"not an event\"",
          badCurrency.toString(),
          itemWithText("event_id", "f").toString()) + "]";

      List<ParsedItem> outcomes = parser.parseBatch(bytes(body));

      assertThat(outcomes).hasSize(6);
      assertThat(outcomes).extracting(ParsedItem::index).containsExactly(0, 1, 2, 3, 4, 5);
      assertThat(outcomes).extracting(outcome -> outcome.getClass().getSimpleName())
          .containsExactly("Valid", "Invalid", "Valid", "Invalid", "Invalid", "Valid");
      assertThat(((ParsedItem.Valid) outcomes.get(0)).event().eventId()).isEqualTo("a");
      assertThat(((ParsedItem.Valid) outcomes.get(2)).event().eventId()).isEqualTo("c");
      assertThat(((ParsedItem.Valid) outcomes.get(5)).event().eventId()).isEqualTo("f");
      assertThat(((ParsedItem.Invalid) outcomes.get(1)).errors()).containsExactly(error("$[1].amount", "is required"));
      assertThat(((ParsedItem.Invalid) outcomes.get(3)).errors())
          .containsExactly(error("$[3]", "must be an object, got string"));
      assertThat(((ParsedItem.Invalid) outcomes.get(4)).errors())
          .containsExactly(error("$[4].currency", "must be an ISO 4217 currency code, got 'EURO'"));
    }

    @Test
    void emptyArrayGivesNoOutcomes() {
      assertThat(parser.parseBatch(bytes(" [ ] "))).isEmpty();
    }

    @Test
    void numberPointOneInABodyIsExactlyOneTenth() {
      String body = "[" + validItem().put("amount", "x").toString().replace("\"x\"", "0.1") + "]";

      ParsedItem outcome = parser.parseBatch(bytes(body)).get(0);

      assertThat(((ParsedItem.Valid) outcome).event().amount()).isEqualTo(new BigDecimal("0.1"));
    }

    @Test
    void exactlyMaxItemsAreAccepted() {
      assertThat(parser.parseBatch(bytes(arrayOf(1000)))).hasSize(1000);
    }

    @Test
    void moreThanMaxItemsRejectTheBody() {
      MalformedBodyException e = malformed(arrayOf(1001));

      assertThat(e).hasMessage("body holds 1001 events; at most 1000 are accepted per request");
      assertThat(e.pointer()).isEqualTo("$");
    }

    private String arrayOf(int count) {
      String item = validItem().toString();
      return IntStream.range(0, count).mapToObj(i -> item).collect(Collectors.joining(",", "[", "]"));
    }

    @Test
    void bodyThatIsNotJsonIsRejectedWithTheParserProblemAndPosition() {
      assertThat(malformed("[1, xyz]")).hasMessage(
          "body is not valid JSON: Unrecognized token 'xyz': was expecting (JSON String, Number, Array, Object or"
              + " token 'null', 'true' or 'false') at line 1, column 9");
    }

    @Test
    void unexpectedCharacterIsNamed() {
      assertThat(malformed("{x")).hasMessageStartingWith("body is not valid JSON: Unexpected character ('x'")
          .hasMessageEndingWith("at line 1, column 2");
    }

    @Test
    void truncatedBodyIsNotValidJson() {
      MalformedBodyException e = malformed("[{\"amount\":\"10");

      assertThat(e).hasMessageStartingWith("body is not valid JSON: Unexpected end-of-input");
      assertThat(e.pointer()).isEqualTo("$[0].amount");
    }

    @Test
    void bodyThatIsAnObjectIsRejected() {
      MalformedBodyException e = malformed(VALID_ITEM);

      assertThat(e).hasMessage("body must be a JSON array of events, got object");
      assertThat(e.pointer()).isEqualTo("$");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"\"x\" | string", "42 | number", "null | null", "true | boolean"})
    void bodyThatIsAnotherScalarIsRejected(String body, String type) {
      assertThat(malformed(body)).hasMessage("body must be a JSON array of events, got " + type);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\n\t "})
    void emptyBodyIsRejected(String body) {
      assertThat(malformed(body)).hasMessage("body is empty; expected a JSON array of events");
    }

    @Test
    void nullBodyIsRejectedAsEmpty() {
      assertThat(malformed(parser, null)).hasMessage("body is empty; expected a JSON array of events");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"[] x | 5", "[]] | 3", "[] [] | 4", "[]{} | 3", "[] 1 | 4"})
    void trailingContentAfterTheArrayIsRejected(String body, int column) {
      assertThat(malformed(body)).hasMessage("body has trailing content after the JSON value at line 1, column " + column);
    }

    @Test
    void nestingDeeperThan32LevelsIsRejected() {
      String deep = "[".repeat(33) + "]".repeat(33);

      assertThat(malformed(deep)).hasMessage("body nests deeper than 32 levels");
    }

    @Test
    void nestingOf32LevelsIsParsed() {
      String deep = "[" + "[".repeat(31) + "]".repeat(31) + "]";

      assertThat(parser.parseBatch(bytes(deep))).singleElement().isInstanceOf(ParsedItem.Invalid.class);
    }

    @Test
    void stringOverOneMebibyteIsRejected() {
      String body = "[{\"reference\":\"" + "x".repeat((1 << 20) + 1) + "\"}]";

      assertThat(malformed(body)).hasMessage("body holds a string longer than 1048576 characters");
    }

    @Test
    void duplicateKeyIsRejectedRatherThanSilentlyPickingOne() {
      String body = "[" + VALID_ITEM.replace("\"amount\":\"10.50\"", "\"amount\":\"10.50\",\"amount\":\"99.00\"") + "]";

      MalformedBodyException e = malformed(body);

      assertThat(e).hasMessageStartingWith("body is not valid JSON: Duplicate field 'amount'");
      assertThat(e.pointer()).isEqualTo("$[0].amount");
    }

    @Test
    void maxItemsMustBePositive() {
      assertThatThrownBy(() -> new EventParser(ReconciliationRules.defaults(), 0))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
