package com.accord.domain;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Currency;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static com.accord.domain.EventJson.ACCOUNT;
import static com.accord.domain.EventJson.AMOUNT;
import static com.accord.domain.EventJson.CHANNEL;
import static com.accord.domain.EventJson.COUNTERPARTY;
import static com.accord.domain.EventJson.CURRENCY;
import static com.accord.domain.EventJson.EVENT_ID;
import static com.accord.domain.EventJson.METADATA;
import static com.accord.domain.EventJson.REFERENCE;
import static com.accord.domain.EventJson.SOURCE;
import static com.accord.domain.EventJson.STATUS;
import static com.accord.domain.EventJson.TIMESTAMP;
import static com.accord.domain.EventJson.TXN_ID;
import static com.accord.domain.EventJson.typeName;

/**
 * Validates untrusted submitted events item by item, so that one bad item never costs the others,
 * and reports every problem of an item with the JSON path it sits at.
 */
public final class EventParser {

  static final int MAX_ID_LENGTH = 128;
  static final int MAX_WORD_LENGTH = 64;
  static final int MAX_OPTIONAL_LENGTH = 128;
  static final int MAX_REFERENCE_LENGTH = 256;
  static final int MAX_INTEGER_DIGITS = 20;
  static final int MAX_FRACTION_DIGITS = 8;
  static final int MAX_METADATA_ENTRIES = 32;
  static final int MAX_METADATA_KEY_LENGTH = 64;
  static final int MAX_METADATA_VALUE_LENGTH = 512;

  private static final String EMPTY_BODY = "body is empty; expected a JSON array of events";

  /** Longest offending value quoted in full in an error message. */
  private static final int MAX_QUOTED_LENGTH = 40;

  private static final Set<String> FIELDS = Set.of(
      EVENT_ID, SOURCE, TXN_ID, AMOUNT, CURRENCY, STATUS, ACCOUNT, TIMESTAMP,
      CHANNEL, COUNTERPARTY, REFERENCE, METADATA);

  private static final Pattern DECIMAL = Pattern.compile("-?([0-9]+)(?:\\.([0-9]+))?");
  private static final Pattern CURRENCY_CODE = Pattern.compile("[A-Z]{3}");
  /** Keys written as {@code .key} in paths; anything else is bracketed so paths stay unambiguous. */
  private static final Pattern PLAIN_KEY = Pattern.compile("[A-Za-z0-9_-]+");
  /**
   * RFC 3339's {@code date-fullyear} is four digits. Java's ISO parser also takes signed years of up
   * to nine digits, whose instants overflow epoch milliseconds further down the pipeline.
   */
  private static final Pattern FOUR_DIGIT_YEAR = Pattern.compile("[0-9]{4}-.*", Pattern.DOTALL);

  /**
   * Reads only the first JSON value, so that content after it is reported as trailing content
   * rather than as a generic parse error.
   */
  private static final ObjectReader ROOT_READER =
      EventJson.MAPPER.reader().without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final ReconciliationRules rules;
  private final int maxItems;

  public EventParser(ReconciliationRules rules, int maxItems) {
    this.rules = Objects.requireNonNull(rules, "rules");
    if (maxItems < 1) {
      throw new IllegalArgumentException("maxItems must be positive, was " + maxItems);
    }
    this.maxItems = maxItems;
  }

  /**
   * Parses a request body holding a JSON array of events into one outcome per element, in order.
   *
   * @throws MalformedBodyException when the body as a whole cannot be processed
   */
  public List<ParsedItem> parseBatch(byte[] body) {
    JsonNode root = readBody(body);
    if (!root.isArray()) {
      throw new MalformedBodyException("body must be a JSON array of events, got " + typeName(root), "$");
    }
    if (root.size() > maxItems) {
      throw new MalformedBodyException(
          "body holds " + root.size() + " events; at most " + maxItems + " are accepted per request", "$");
    }
    List<ParsedItem> items = new ArrayList<>(root.size());
    for (int index = 0; index < root.size(); index++) {
      items.add(parseItem(root.get(index), index));
    }
    return List.copyOf(items);
  }

  /** Validates one element of a batch; {@code index} is its position, used in the error paths. */
  public ParsedItem parseItem(JsonNode node, int index) {
    String path = "$[" + index + "]";
    if (node == null || !node.isObject()) {
      return new ParsedItem.Invalid(index, List.of(new FieldError(path, "must be an object, got " + typeName(node))));
    }
    return new ItemReader(node, path).read(index);
  }

  private static JsonNode readBody(byte[] body) {
    if (body == null || body.length == 0) {
      throw new MalformedBodyException(EMPTY_BODY, "$");
    }
    try (JsonParser parser = EventJson.MAPPER.createParser(body)) {
      JsonNode root = readRoot(parser);
      if (root == null || root.isMissingNode()) {
        throw new MalformedBodyException(EMPTY_BODY, "$");
      }
      rejectTrailingContent(parser);
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read request body from memory", e);
    }
  }

  private static JsonNode readRoot(JsonParser parser) throws IOException {
    try {
      return ROOT_READER.readTree(parser);
    } catch (StreamConstraintsException e) {
      throw new MalformedBodyException(describeLimit(e), pathOf(parser.getParsingContext()), e);
    } catch (JsonProcessingException e) {
      throw new MalformedBodyException(
          "body is not valid JSON: " + e.getOriginalMessage() + at(e.getLocation()),
          pathOf(parser.getParsingContext()), e);
    }
  }

  private static void rejectTrailingContent(JsonParser parser) throws IOException {
    JsonLocation location = parser.currentLocation();
    try {
      if (parser.nextToken() == null) {
        return;
      }
      location = parser.currentTokenLocation();
    } catch (JsonProcessingException e) {
      location = e.getLocation() != null ? e.getLocation() : location;
    }
    throw new MalformedBodyException("body has trailing content after the JSON value" + at(location), null);
  }

  private static String describeLimit(StreamConstraintsException e) {
    String message = String.valueOf(e.getOriginalMessage());
    if (message.contains("nesting depth")) {
      return "body nests deeper than " + EventJson.MAX_NESTING_DEPTH + " levels";
    }
    if (message.contains("String value length")) {
      return "body holds a string longer than " + EventJson.MAX_STRING_LENGTH + " characters";
    }
    return "body exceeds a parser limit: " + message;
  }

  private static String at(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  /** The JSON path of where the parser stands, such as {@code $[2].metadata}. */
  private static String pathOf(JsonStreamContext context) {
    Deque<String> segments = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inArray()) {
        segments.push("[" + c.getCurrentIndex() + "]");
      } else if (c.getCurrentName() != null) {
        segments.push(member("", c.getCurrentName()));
      }
    }
    return "$" + String.join("", segments);
  }

  /** Path of a member of the object at {@code parent}: {@code parent.key}, or {@code parent['odd key']}. */
  static String member(String parent, String key) {
    if (PLAIN_KEY.matcher(key).matches()) {
      return parent + "." + key;
    }
    StringBuilder bracketed = new StringBuilder(parent).append("['");
    key.codePoints().forEach(c -> {
      if (c == '\\' || c == '\'') {
        bracketed.append('\\').appendCodePoint(c);
      } else if (Character.isISOControl(c)) {
        bracketed.append(String.format("\\u%04x", c)); // a path is one readable line, and PostgreSQL's jsonb refuses U+0000
      } else {
        bracketed.appendCodePoint(c);
      }
    });
    return bracketed.append("']").toString();
  }

  /**
   * The timestamp of {@code text} when it has the canonical RFC 3339 form every source here sends —
   * {@code yyyy-MM-ddTHH:mm:ss}, a fraction of 1 to 9 digits or none, {@code Z} or {@code ±HH:MM} —
   * and is a valid time; else null, and the ISO formatter judges it (it accepts a few other forms,
   * such as lower-case letters or an offset without its colon). Reads the digits in place: the
   * formatter's parse was the largest single allocation of taking in an event.
   */
  static Instant canonicalTimestamp(String text) {
    int length = text.length();
    if (length < 20 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
        || text.charAt(13) != ':' || text.charAt(16) != ':') {
      return null;
    }
    int year = digits(text, 0, 4);
    int month = digits(text, 5, 2);
    int day = digits(text, 8, 2);
    int hour = digits(text, 11, 2);
    int minute = digits(text, 14, 2);
    int second = digits(text, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23
        || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    int at = 19;
    int nanos = 0;
    if (text.charAt(at) == '.') {
      int start = ++at;
      while (at < length && text.charAt(at) >= '0' && text.charAt(at) <= '9') {
        if (at - start == 9) {
          return null;
        }
        nanos = nanos * 10 + (text.charAt(at) - '0');
        at++;
      }
      if (at == start) {
        return null;
      }
      for (int scale = at - start; scale < 9; scale++) {
        nanos *= 10;
      }
    }
    int offsetSeconds;
    if (at == length - 1 && text.charAt(at) == 'Z') {
      offsetSeconds = 0;
    } else if (at == length - 6 && (text.charAt(at) == '+' || text.charAt(at) == '-') && text.charAt(at + 3) == ':') {
      int offsetHours = digits(text, at + 1, 2);
      int offsetMinutes = digits(text, at + 4, 2);
      int magnitude = offsetHours * 3600 + offsetMinutes * 60;
      if (offsetHours < 0 || offsetMinutes < 0 || offsetMinutes > 59 || magnitude > 18 * 3600
          || (magnitude == 0 && text.charAt(at) == '-')) {
        return null;
      }
      offsetSeconds = text.charAt(at) == '-' ? -magnitude : magnitude;
    } else {
      return null;
    }
    if (day > 28 && day > YearMonth.of(year, month).lengthOfMonth()) {
      return null;
    }
    long epochDay = LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second - offsetSeconds, nanos);
  }

  /** The non-negative number written by {@code count} ASCII digits at {@code from}, or -1 when one is not a digit. */
  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /**
   * A value quoted for an error message: truncated when long, control characters escaped so that
   * messages stay one readable line in logs.
   */
  static String quote(String value) {
    String shown = value;
    String ellipsis = "";
    if (value.codePointCount(0, value.length()) > MAX_QUOTED_LENGTH) {
      shown = value.substring(0, value.offsetByCodePoints(0, MAX_QUOTED_LENGTH));
      ellipsis = "…";
    }
    StringBuilder quoted = new StringBuilder("'");
    shown.codePoints().forEach(c -> {
      if (Character.isISOControl(c)) {
        quoted.append(String.format("\\u%04x", c));
      } else {
        quoted.appendCodePoint(c);
      }
    });
    return quoted.append(ellipsis).append('\'').toString();
  }

  private static int length(String value) {
    return value.codePointCount(0, value.length());
  }

  /** PostgreSQL cannot store U+0000 in text or jsonb: an event holding one could never be written ahead. */
  private static final String NUL_REFUSED = "must not contain the NUL character (U+0000)";

  private static boolean hasNul(String value) {
    return value.indexOf('\u0000') >= 0;
  }

  private static boolean hasControlCharacter(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) { // every control character is in the BMP
        return true;
      }
    }
    return false;
  }

  /** Reads one event object, collecting every error instead of stopping at the first. */
  private final class ItemReader {

    private final JsonNode node;
    private final String path;
    private final List<FieldError> errors = new ArrayList<>();

    ItemReader(JsonNode node, String path) {
      this.node = node;
      this.path = path;
    }

    ParsedItem read(int index) {
      String eventId = line(EVENT_ID, requiredText(EVENT_ID), MAX_ID_LENGTH);
      String source = source();
      String txnId = line(TXN_ID, requiredText(TXN_ID), MAX_ID_LENGTH);
      BigDecimal amount = amount();
      String currency = currency();
      String status = status(source);
      String account = line(ACCOUNT, requiredText(ACCOUNT), MAX_WORD_LENGTH);
      Instant timestamp = timestamp();
      String channel = bounded(CHANNEL, optionalText(CHANNEL), MAX_OPTIONAL_LENGTH);
      String counterparty = bounded(COUNTERPARTY, optionalText(COUNTERPARTY), MAX_OPTIONAL_LENGTH);
      String reference = bounded(REFERENCE, optionalText(REFERENCE), MAX_REFERENCE_LENGTH);
      Map<String, String> metadata = metadata();
      rejectUnknownFields();
      if (!errors.isEmpty()) {
        return new ParsedItem.Invalid(index, errors);
      }
      return new ParsedItem.Valid(index, new TransactionEvent(
          eventId, source, txnId, amount, currency, status, account, timestamp,
          channel, counterparty, reference, metadata));
    }

    private void error(String field, String message) {
      errors.add(new FieldError(member(path, field), message));
    }

    /** Present and non-null, or null after recording "is required". */
    private JsonNode required(String field) {
      JsonNode value = node.get(field);
      if (value == null || value.isNull()) {
        error(field, "is required");
        return null;
      }
      return value;
    }

    private String requiredText(String field) {
      JsonNode value = required(field);
      return value == null ? null : text(field, value);
    }

    /** Absent and null both mean "not given" for optional fields. */
    private String optionalText(String field) {
      JsonNode value = node.get(field);
      return value == null || value.isNull() ? null : text(field, value);
    }

    private String text(String field, JsonNode value) {
      if (!value.isTextual()) {
        error(field, "must be a string, got " + typeName(value));
        return null;
      }
      return value.textValue();
    }

    /** A single-line, non-blank string of bounded length (identifiers, account, status). */
    private String line(String field, String value, int maxLength) {
      if (value == null) {
        return null;
      }
      if (value.isBlank()) {
        error(field, "must not be blank");
        return null;
      }
      if (length(value) > maxLength) {
        error(field, "must be at most " + maxLength + " characters, got " + length(value));
        return null;
      }
      if (hasControlCharacter(value)) {
        error(field, "must not contain control characters, got " + quote(value));
        return null;
      }
      return value;
    }

    private String bounded(String field, String value, int maxLength) {
      if (value != null && length(value) > maxLength) {
        error(field, "must be at most " + maxLength + " characters, got " + length(value));
        return null;
      }
      if (value != null && hasNul(value)) {
        error(field, NUL_REFUSED + ", got " + quote(value));
        return null;
      }
      return value;
    }

    private String source() {
      String source = requiredText(SOURCE);
      if (source != null && !rules.knowsSource(source)) {
        error(SOURCE, "must be one of the accepted sources (" + String.join(", ", rules.sources())
            + "), got " + quote(source));
        return null;
      }
      return source;
    }

    private BigDecimal amount() {
      JsonNode value = required(AMOUNT);
      if (value == null) {
        return null;
      }
      if (value.isTextual()) {
        return decimalText(value.textValue());
      }
      if (value.isIntegralNumber()) {
        return withinDigitLimits(new BigDecimal(value.bigIntegerValue()), value.asText());
      }
      if (value.isBigDecimal()) {
        return withinDigitLimits(value.decimalValue(), value.asText());
      }
      if (value.isNumber()) {
        // Cannot happen with EventJson.MAPPER; a double here would already have lost precision.
        error(AMOUNT, "must be an exact decimal, got a binary floating-point number");
        return null;
      }
      error(AMOUNT, "must be a decimal string or number, got " + typeName(value));
      return null;
    }

    private BigDecimal decimalText(String text) {
      Matcher matcher = DECIMAL.matcher(text);
      if (!matcher.matches()) {
        error(AMOUNT, "must be a plain decimal like '-12.50' (no exponent, plus sign or spaces), got " + quote(text));
        return null;
      }
      // Measured on the text before BigDecimal sees it, so a megabyte of digits costs nothing.
      int integerStart = matcher.start(1);
      while (integerStart < matcher.end(1) && text.charAt(integerStart) == '0') {
        integerStart++;
      }
      int integerDigits = matcher.end(1) - integerStart;
      int fractionDigits = matcher.start(2) < 0 ? 0 : matcher.end(2) - matcher.start(2);
      return digitsWithinLimits(integerDigits, fractionDigits, text) ? new BigDecimal(text) : null;
    }

    private BigDecimal withinDigitLimits(BigDecimal amount, String shown) {
      // precision and scale only: materialising 1E+999999999 to count its digits would be a denial of service
      int integerDigits = Math.max(amount.precision() - amount.scale(), 0);
      int fractionDigits = Math.max(amount.scale(), 0);
      if (!digitsWithinLimits(integerDigits, fractionDigits, shown)) {
        return null;
      }
      // A number written with an exponent (1E+3) has a negative scale; store it as the plain integer.
      return amount.scale() < 0 ? amount.setScale(0) : amount;
    }

    private boolean digitsWithinLimits(int integerDigits, int fractionDigits, String shown) {
      boolean ok = true;
      if (integerDigits > MAX_INTEGER_DIGITS) {
        error(AMOUNT, "must have at most " + MAX_INTEGER_DIGITS + " integer digits, got " + quote(shown));
        ok = false;
      }
      if (fractionDigits > MAX_FRACTION_DIGITS) {
        error(AMOUNT, "must have at most " + MAX_FRACTION_DIGITS + " fraction digits, got " + quote(shown));
        ok = false;
      }
      return ok;
    }

    private String currency() {
      String code = requiredText(CURRENCY);
      if (code != null && !isIsoCurrency(code)) {
        error(CURRENCY, "must be an ISO 4217 currency code, got " + quote(code));
        return null;
      }
      return code;
    }

    private boolean isIsoCurrency(String code) {
      // Currency.getInstance alone would also accept lower-case letters on some JDKs.
      if (!CURRENCY_CODE.matcher(code).matches()) {
        return false;
      }
      try {
        Currency.getInstance(code);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }

    /** The source's own status word, kept as given; {@code source} is null when it was invalid. */
    private String status(String source) {
      String status = line(STATUS, requiredText(STATUS), MAX_WORD_LENGTH);
      // With an unknown source there is no vocabulary to check against; the source error says enough.
      if (status != null && source != null && rules.canonicalStatus(source, status).isEmpty()) {
        error(STATUS, quote(status) + " is not in the status vocabulary of source " + quote(source));
        return null;
      }
      return status;
    }

    private Instant timestamp() {
      String text = requiredText(TIMESTAMP);
      if (text == null) {
        return null;
      }
      Instant canonical = canonicalTimestamp(text);
      if (canonical != null) {
        return canonical;
      }
      if (FOUR_DIGIT_YEAR.matcher(text).matches()) {
        try {
          return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeException e) {
          // reported below, like a year that is not four digits
        }
      }
      error(TIMESTAMP, "must be an RFC 3339 timestamp with offset, like '2026-11-27T10:15:30Z', got " + quote(text));
      return null;
    }

    private Map<String, String> metadata() {
      JsonNode value = node.get(METADATA);
      if (value == null || value.isNull()) {
        return Map.of();
      }
      if (!value.isObject()) {
        error(METADATA, "must be an object, got " + typeName(value));
        return null;
      }
      if (value.size() > MAX_METADATA_ENTRIES) {
        error(METADATA, "must have at most " + MAX_METADATA_ENTRIES + " entries, got " + value.size());
        return null;
      }
      String metadataPath = member(path, METADATA);
      Map<String, String> metadata = new LinkedHashMap<>();
      int errorsBefore = errors.size();
      for (Map.Entry<String, JsonNode> entry : value.properties()) {
        String entryError = metadataEntryError(entry.getKey(), entry.getValue());
        if (entryError != null) {
          errors.add(new FieldError(member(metadataPath, entry.getKey()), entryError));
        } else {
          metadata.put(entry.getKey(), entry.getValue().textValue());
        }
      }
      return errors.size() == errorsBefore ? metadata : null;
    }

    private String metadataEntryError(String key, JsonNode value) {
      if (key.isEmpty() || length(key) > MAX_METADATA_KEY_LENGTH) {
        return "key must be 1 to " + MAX_METADATA_KEY_LENGTH + " characters, got " + length(key);
      }
      if (hasNul(key)) {
        return "key " + NUL_REFUSED;
      }
      if (!value.isTextual()) {
        return "must be a string, got " + typeName(value);
      }
      if (length(value.textValue()) > MAX_METADATA_VALUE_LENGTH) {
        return "must be at most " + MAX_METADATA_VALUE_LENGTH + " characters, got " + length(value.textValue());
      }
      if (hasNul(value.textValue())) {
        return NUL_REFUSED + ", got " + quote(value.textValue());
      }
      return null;
    }

    private void rejectUnknownFields() {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (!FIELDS.contains(field.getKey())) {
          error(field.getKey(), "unknown field");
        }
      }
    }
  }
}
