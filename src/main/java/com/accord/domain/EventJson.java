package com.accord.domain;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The single place where events are turned into JSON and back, and where the shared JSON mapper lives. */
public final class EventJson {

  /** Deepest nesting accepted in any document; an event needs three levels (array, event, metadata). */
  public static final int MAX_NESTING_DEPTH = 32;

  /** Longest string accepted in any document (1 MiB). */
  public static final int MAX_STRING_LENGTH = 1 << 20;

  /**
   * The mapper for all event JSON. Every number that is not an integer is read as an exact
   * {@link BigDecimal} with its scale as written, so no amount ever passes through {@code double};
   * duplicate keys are rejected because "last one wins" would silently pick one of two amounts.
   */
  public static final ObjectMapper MAPPER = createMapper();

  static final String EVENT_ID = "event_id";
  static final String SOURCE = "source";
  static final String TXN_ID = "txn_id";
  static final String AMOUNT = "amount";
  static final String CURRENCY = "currency";
  static final String STATUS = "status";
  static final String ACCOUNT = "account";
  static final String TIMESTAMP = "timestamp";
  static final String CHANNEL = "channel";
  static final String COUNTERPARTY = "counterparty";
  static final String REFERENCE = "reference";
  static final String METADATA = "metadata";

  private EventJson() {}

  private static ObjectMapper createMapper() {
    StreamReadConstraints constraints = StreamReadConstraints.builder()
        .maxNestingDepth(MAX_NESTING_DEPTH)
        .maxStringLength(MAX_STRING_LENGTH)
        .build();
    JsonFactory factory = JsonFactory.builder()
        .streamReadConstraints(constraints)
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build();
    return JsonMapper.builder(factory)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        // Keep "10.50" at scale 2 in trees. The exact factory is the classic switch; the node
        // feature is its Jackson 2.15+ counterpart, set too so neither default can strip zeros.
        .nodeFactory(new JsonNodeFactory(true))
        .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
        .build();
  }

  /**
   * Compact canonical JSON of an event: wire field names in a fixed order, the amount as a plain
   * decimal string with its scale, the timestamp as a UTC instant, absent optional fields and
   * empty metadata left out, metadata keys sorted.
   */
  public static String toJson(TransactionEvent event) {
    // Written field by field rather than built as a tree and serialized: one event is stored per
    // arrival, and the tree and its serializer were a tenth of what the pipeline allocated.
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField(EVENT_ID, event.eventId());
      json.writeStringField(SOURCE, event.source());
      json.writeStringField(TXN_ID, event.txnId());
      json.writeStringField(AMOUNT, event.amount().toPlainString());
      json.writeStringField(CURRENCY, event.currency());
      json.writeStringField(STATUS, event.status());
      json.writeStringField(ACCOUNT, event.account());
      json.writeStringField(TIMESTAMP, event.timestamp().toString());
      writeIfPresent(json, CHANNEL, event.channel());
      writeIfPresent(json, COUNTERPARTY, event.counterparty());
      writeIfPresent(json, REFERENCE, event.reference());
      if (!event.metadata().isEmpty()) {
        json.writeObjectFieldStart(METADATA);
        // The event's map has no defined order; sorting keeps equal events byte-identical.
        for (Map.Entry<String, String> entry : new TreeMap<>(event.metadata()).entrySet()) {
          json.writeStringField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write event " + event.eventId() + " as JSON", e);
    }
    return out.toString();
  }

  private static void writeIfPresent(JsonGenerator json, String field, String value) throws IOException {
    if (value != null) {
      json.writeStringField(field, value);
    }
  }

  /**
   * Reads back what {@link #toJson} wrote (from the database, Redis, ...). The input is trusted, so
   * this only decodes: it does not apply {@link EventParser}'s rules, which would make stored events
   * unreadable once, say, a source is retired. Unknown fields are ignored for the same reason.
   *
   * @throws IllegalArgumentException naming the problem when the JSON is not a stored event
   */
  public static TransactionEvent fromJson(String json) {
    JsonNode node = readStoredTree(json);
    if (!node.isObject()) {
      throw new IllegalArgumentException("stored event must be a JSON object, got " + typeName(node));
    }
    return new TransactionEvent(
        requiredText(node, EVENT_ID),
        requiredText(node, SOURCE),
        requiredText(node, TXN_ID),
        storedAmount(node),
        requiredText(node, CURRENCY),
        requiredText(node, STATUS),
        requiredText(node, ACCOUNT),
        storedTimestamp(node),
        optionalText(node, CHANNEL),
        optionalText(node, COUNTERPARTY),
        optionalText(node, REFERENCE),
        storedMetadata(node));
  }

  private static JsonNode readStoredTree(String json) {
    if (json == null || json.isBlank()) {
      throw new IllegalArgumentException("stored event is empty");
    }
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("stored event is not valid JSON: " + e.getOriginalMessage(), e);
    }
  }

  private static String requiredText(JsonNode node, String field) {
    String text = optionalText(node, field);
    if (text == null) {
      throw new IllegalArgumentException("stored event lacks " + field);
    }
    return text;
  }

  private static String optionalText(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException("stored event field " + field + " must be a string, got " + typeName(value));
    }
    return value.textValue();
  }

  private static BigDecimal storedAmount(JsonNode node) {
    JsonNode value = node.get(AMOUNT);
    // Older writers may have stored a number; the mapper reads it exactly, so accept it as well.
    if (value != null && value.isBigDecimal()) {
      return value.decimalValue();
    }
    if (value != null && value.isIntegralNumber()) {
      return new BigDecimal(value.bigIntegerValue());
    }
    String text = requiredText(node, AMOUNT);
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("stored event amount is not a decimal: '" + text + "'", e);
    }
  }

  private static Instant storedTimestamp(JsonNode node) {
    String text = requiredText(node, TIMESTAMP);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("stored event timestamp is not an ISO-8601 instant: '" + text + "'", e);
    }
  }

  private static Map<String, String> storedMetadata(JsonNode node) {
    JsonNode value = node.get(METADATA);
    if (value == null || value.isNull()) {
      return Map.of();
    }
    if (!value.isObject()) {
      throw new IllegalArgumentException("stored event metadata must be an object, got " + typeName(value));
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : value.properties()) {
      if (!entry.getValue().isTextual()) {
        throw new IllegalArgumentException("stored event metadata value of '" + entry.getKey() + "' must be a string");
      }
      metadata.put(entry.getKey(), entry.getValue().textValue());
    }
    return metadata;
  }

  /** JSON type name for messages: object, array, string, number, boolean, null. */
  static String typeName(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
