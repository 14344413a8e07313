package com.accord.correlation;

import com.accord.domain.Conflict;
import com.accord.domain.TransactionEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The compact text a transaction's correlation state is kept as in Redis (see
 * {@code redis/accord.lua}): a header (first receive time, entry count, due times, in base 36) and one entry
 * per event or conflicting re-send. An event keeps only what reconciliation compares — amount,
 * currency, status, account, timestamp — about 60 bytes instead of its 250-byte JSON; the whole
 * event stays in PostgreSQL.
 *
 * <p>Separators are control characters. The event parser refuses them in identifiers, accounts
 * and statuses; encoding one anyway fails rather than corrupting the state.
 */
public final class PackedState {

  static final char RS = '\u001e';
  static final char US = '\u001f';
  static final char GS = '\u001d';
  private static final char EVENT = 'e';
  private static final char CONFLICT = 'c';

  private PackedState() {}

  /** The entry field of an event: kind, source, event id. */
  public static String eventField(TransactionEvent event) {
    return field(EVENT, event.source(), event.eventId());
  }

  static String conflictField(Conflict conflict) {
    return field(CONFLICT, conflict.source(), conflict.eventId());
  }

  /** The entry value of an event: its compared fields, with the timestamp as exact epoch seconds. */
  public static String eventValue(TransactionEvent event) {
    String[] parts = {event.amount().toPlainString(), event.currency(), event.status(), event.account(), epochSeconds(event.timestamp())};
    StringBuilder value = new StringBuilder(64);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        value.append(US);
      }
      value.append(checked(parts[i]));
    }
    return value.toString();
  }

  static boolean isEvent(String field) {
    return field.charAt(0) == EVENT;
  }

  static Conflict conflict(String field) {
    int separator = field.indexOf(US);
    return new Conflict(field.substring(1, separator), field.substring(separator + 1));
  }

  static TransactionEvent event(String txnId, String field, String value) {
    int separator = field.indexOf(US);
    String source = field.substring(1, separator);
    String eventId = field.substring(separator + 1);
    String[] parts = value.split(String.valueOf(US), -1);
    if (parts.length != 5) {
      throw new IllegalStateException("correlation state of " + txnId + " holds a malformed entry for event " + eventId);
    }
    return new TransactionEvent(eventId, source, txnId, new BigDecimal(parts[0]), parts[1], parts[2], parts[3],
        instant(parts[4]), null, null, null, Map.of());
  }

  /** A packed state as the Redis function returns it; empty when it had nothing for the transaction. */
  record Decoded(Instant firstSeenAt, long entryCount, Map<String, String> entries) {}

  static Decoded decode(String txnId, String packed) {
    Map<String, String> entries = new LinkedHashMap<>();
    if (packed.isEmpty()) {
      return new Decoded(Instant.EPOCH, 0, entries);
    }
    int headerEnd = packed.indexOf(RS);
    String[] header = (headerEnd < 0 ? packed : packed.substring(0, headerEnd)).split(String.valueOf(US), -1);
    if (header.length != 4 || header[0].isEmpty()) {
      throw new IllegalStateException("correlation state of " + txnId + " has a malformed header");
    }
    int at = headerEnd;
    while (at >= 0) {
      int next = packed.indexOf(RS, at + 1);
      String entry = packed.substring(at + 1, next < 0 ? packed.length() : next);
      int group = entry.indexOf(GS);
      entries.put(entry.substring(0, group), entry.substring(group + 1));
      at = next;
    }
    return new Decoded(Instant.ofEpochMilli(Long.parseLong(header[0], 36)), Long.parseLong(header[1], 36), entries);
  }

  private static String field(char kind, String source, String eventId) {
    return kind + checked(source) + US + checked(eventId);
  }

  private static String checked(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == RS || c == US || c == GS) {
        throw new IllegalArgumentException("a control character cannot be kept in correlation state: " + text.replace(c, '?'));
      }
    }
    return text;
  }

  private static String epochSeconds(Instant instant) {
    if (instant.getNano() == 0) {
      return Long.toString(instant.getEpochSecond());
    }
    return BigDecimal.valueOf(instant.getEpochSecond()).add(BigDecimal.valueOf(instant.getNano(), 9)).stripTrailingZeros().toPlainString();
  }

  private static Instant instant(String epochSeconds) {
    BigDecimal seconds = new BigDecimal(epochSeconds);
    BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
    return Instant.ofEpochSecond(whole.longValueExact(), seconds.subtract(whole).movePointRight(9).longValueExact());
  }
}
