package com.accord.api;

import com.accord.infra.KeysetCursor;
import com.accord.domain.DiscrepancyType;
import com.accord.domain.ResultStatus;
import io.vertx.core.MultiMap;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/** The filters of GET /api/v1/results, already validated. Null or empty means "any". */
record ResultFilter(
    List<String> statuses,
    List<String> discrepancyTypes,
    String source,
    Instant from,
    Instant to,
    BigDecimal minAmount,
    BigDecimal maxAmount,
    Long beforeId,
    int limit) {

  static final int DEFAULT_LIMIT = 100;
  private static final int MAX_REPEATS = 8;
  private static final int MAX_SOURCE_LENGTH = 64;
  private static final int MAX_INSTANT_LENGTH = 64;
  private static final int MAX_QUOTED_LENGTH = 40;
  private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1,20}(\\.[0-9]{1,8})?");
  private static final Pattern CURSOR = Pattern.compile("[A-Za-z0-9_-]{1,128}");

  ResultFilter {
    statuses = statuses == null ? List.of() : List.copyOf(statuses);
    discrepancyTypes = discrepancyTypes == null ? List.of() : List.copyOf(discrepancyTypes);
  }

  /**
   * Reads the query of GET /api/v1/results (decoded once, as Vert.x Web gives it) and checks it
   * against the parameters of openapi.yaml.
   *
   * @throws IllegalArgumentException naming the offending parameter
   */
  static ResultFilter from(MultiMap query, int pageLimitMax) {
    String cursor = single(query, "cursor");
    if (cursor != null && !CURSOR.matcher(cursor).matches()) {
      throw new IllegalArgumentException("cursor is not one this API produced");
    }
    return new ResultFilter(
        anyOf(query, "status", Arrays.stream(ResultStatus.values()).map(Enum::name).toList()),
        anyOf(query, "discrepancyType", Arrays.stream(DiscrepancyType.values()).map(Enum::name).toList()),
        source(query),
        instant(query, "from"),
        instant(query, "to"),
        decimal(query, "minAmount"),
        decimal(query, "maxAmount"),
        cursor == null ? null : KeysetCursor.decode(ResultQueries.CURSOR_LIST, cursor),
        limit(query, pageLimitMax));
  }

  private static String single(MultiMap query, String name) {
    List<String> values = query.getAll(name);
    if (values.size() > 1) {
      throw new IllegalArgumentException(name + " must be given at most once");
    }
    return values.isEmpty() ? null : values.get(0);
  }

  private static List<String> anyOf(MultiMap query, String name, List<String> allowed) {
    List<String> values = query.getAll(name);
    if (values.size() > MAX_REPEATS) {
      throw new IllegalArgumentException(name + " may be given at most " + MAX_REPEATS + " times");
    }
    for (String value : values) {
      if (!allowed.contains(value)) {
        throw new IllegalArgumentException(name + " must be one of " + String.join(", ", allowed) + "; got " + quote(value));
      }
    }
    return values;
  }

  private static String source(MultiMap query) {
    String source = single(query, "source");
    if (source != null && (source.isEmpty() || source.length() > MAX_SOURCE_LENGTH)) {
      throw new IllegalArgumentException("source must be 1 to " + MAX_SOURCE_LENGTH + " characters");
    }
    return source;
  }

  private static Instant instant(MultiMap query, String name) {
    String text = single(query, name);
    if (text == null) {
      return null;
    }
    try {
      if (text.length() > MAX_INSTANT_LENGTH) {
        throw new DateTimeParseException("too long", text, 0);
      }
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be an RFC 3339 timestamp with offset, got " + quote(text));
    }
  }

  private static BigDecimal decimal(MultiMap query, String name) {
    String text = single(query, name);
    if (text == null) {
      return null;
    }
    if (!DECIMAL.matcher(text).matches()) {
      throw new IllegalArgumentException(name + " must be a plain decimal such as 12.50 (at most 20 integer and 8 fraction digits), got "
          + quote(text));
    }
    return new BigDecimal(text);
  }

  private static int limit(MultiMap query, int pageLimitMax) {
    String text = single(query, "limit");
    if (text == null) {
      return Math.min(DEFAULT_LIMIT, pageLimitMax);
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= pageLimitMax) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new IllegalArgumentException("limit must be an integer from 1 to " + pageLimitMax + ", got " + quote(text));
  }

  private static String quote(String value) {
    return "'" + (value.length() > MAX_QUOTED_LENGTH ? value.substring(0, MAX_QUOTED_LENGTH) + "…" : value) + "'";
  }
}
