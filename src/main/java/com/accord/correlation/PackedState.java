package com.accord.correlation;

import com.accord.domain.Conflict;
import com.accord.domain.TransactionEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The compact text a transaction's correlation state is kept as in Redis (see
 * {@code redis/accord.lua}): a header (first receive time and due times, in base 36) and one entry
 * per event or conflicting re-send. An event keeps only what reconciliation compares — amount,
 * currency, status, account, timestamp (epoch milliseconds in base 36) — about 45 bytes instead of
 * its 250-byte JSON; the whole event stays in PostgreSQL.
 *
 * <p>Two rules keep the later events of a transaction small. Where an event id contains the
 * transaction id, the entry holds {@link #FS} in its place. And the Redis function stores a later
 * event's compared fields that equal the transaction's first event's as empty, and its time as
 * {@code ~} and the milliseconds after the first event's: {@link #decode} restores them from that
 * first event, which is never abbreviated. No compared field can be empty (the event parser refuses
 * blank values), so an empty one is never ambiguous.
 *
 * <p>Separators are control characters. The event parser refuses them in identifiers, accounts
 * and statuses; encoding one anyway fails rather than corrupting the state.
 */
public final class PackedState {

  static final char RS = '\u001e';
  static final char US = '\u001f';
  static final char GS = '\u001d';
  /** Stands for the transaction id inside an event id. */
  static final char FS = '\u001c';
  private static final int COMPARED_FIELDS = 5;
  private static final String US_TEXT = String.valueOf(US);
  /** Marks a later event's time kept as milliseconds after the first event's. */
  private static final String SHIFTED = "~";
  /** Starts the field of a conflicting re-send; an event's field starts with its source. */
  static final char CONFLICT = '\u001a';

  private PackedState() {}

  /** The entry field of an event: its source and id (the transaction id in it kept as {@link #FS}). */
  public static String eventField(TransactionEvent event) {
    return field(event.source(), event.txnId(), event.eventId());
  }

  static String conflictField(String txnId, Conflict conflict) {
    return CONFLICT + field(conflict.source(), txnId, conflict.eventId());
  }

  /** The entry value of an event: its compared fields, none of them empty. */
  public static String eventValue(TransactionEvent event) {
    String[] parts = {event.amount().toPlainString(), event.currency(), event.status(), event.account(), time(event.timestamp())};
    StringBuilder value = new StringBuilder(48);
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].isEmpty()) {
        throw new IllegalArgumentException("an event's compared field cannot be empty in correlation state: event " + event.eventId());
      }
      if (i > 0) {
        value.append(US);
      }
      value.append(checked(parts[i]));
    }
    return value.toString();
  }

  static boolean isEvent(String field) {
    return field.charAt(0) != CONFLICT;
  }

  static Conflict conflict(String txnId, String field) {
    int separator = field.indexOf(US);
    return new Conflict(field.substring(1, separator), eventId(txnId, field.substring(separator + 1)));
  }

  /** The event of an entry whose value {@link #decode} has restored to all its compared fields. */
  static TransactionEvent event(String txnId, String field, String value) {
    int separator = field.indexOf(US);
    String source = field.substring(0, separator);
    String eventId = eventId(txnId, field.substring(separator + 1));
    String[] parts = new String[COMPARED_FIELDS];
    if (!splitCompared(value, parts)) {
      throw new IllegalStateException("correlation state of " + txnId + " holds a malformed entry for event " + eventId);
    }
    try {
      return new TransactionEvent(eventId, source, txnId, new BigDecimal(parts[0]), parts[1], parts[2], parts[3],
          instant(parts[4]), null, null, null, Map.of());
    } catch (RuntimeException e) {
      throw new IllegalStateException("correlation state of " + txnId + " holds a malformed entry for event " + eventId + ": " + e.getMessage(), e);
    }
  }

  /** Splits an entry value into its {@value #COMPARED_FIELDS} compared fields; false when it holds another number of them. */
  private static boolean splitCompared(String value, String[] parts) {
    int start = 0;
    for (int i = 0; i < COMPARED_FIELDS - 1; i++) {
      int end = value.indexOf(US, start);
      if (end < 0) {
        return false;
      }
      parts[i] = value.substring(start, end);
      start = end + 1;
    }
    if (value.indexOf(US, start) >= 0) {
      return false;
    }
    parts[COMPARED_FIELDS - 1] = value.substring(start);
    return true;
  }

  /**
   * The sources with an event in a packed state as the Redis function returns it (conflicting
   * re-sends aside), decoded as correlation decodes it.
   *
   * @throws IllegalStateException when the state is malformed
   */
  public static Set<String> sourcesSeen(String txnId, String packed) {
    Set<String> sources = new LinkedHashSet<>();
    for (String field : decode(txnId, packed).entries().keySet()) {
      if (isEvent(field)) {
        sources.add(field.substring(0, field.indexOf(US)));
      }
    }
    return sources;
  }

  /** A packed state as the Redis function returns it; empty when it had nothing for the transaction. */
  record Decoded(Instant firstSeenAt, long entryCount, Map<String, String> entries) {}

  static Decoded decode(String txnId, String packed) {
    Map<String, String> entries = new LinkedHashMap<>();
    if (packed.isEmpty()) {
      return new Decoded(Instant.EPOCH, 0, entries);
    }
    int headerEnd = packed.indexOf(RS);
    String[] header = (headerEnd < 0 ? packed : packed.substring(0, headerEnd)).split(US_TEXT, -1);
    if (header.length < 2 || header.length > 3 || header[0].isEmpty()) {
      throw new IllegalStateException("correlation state of " + txnId + " has a malformed header");
    }
    String[] reference = null;
    int at = headerEnd;
    while (at >= 0) {
      int next = packed.indexOf(RS, at + 1);
      int end = next < 0 ? packed.length() : next;
      int group = packed.indexOf(GS, at + 1);
      if (group < 0 || group >= end || group == at + 1) {
        throw new IllegalStateException("correlation state of " + txnId + " holds an entry without a field");
      }
      String field = packed.substring(at + 1, group);
      String value = packed.substring(group + 1, end);
      if (isEvent(field)) {
        if (reference == null) {
          reference = new String[COMPARED_FIELDS];
          if (!splitCompared(value, reference)) {
            throw new IllegalStateException("correlation state of " + txnId + " holds a malformed event entry");
          }
        } else {
          value = restored(txnId, value, reference);
        }
      }
      entries.put(field, value);
      at = next;
    }
    return new Decoded(Instant.ofEpochMilli(Long.parseLong(header[0], 36)), entries.size(), entries);
  }

  /**
   * A later event's value with the fields it shares with the first event filled in again, and its
   * time made absolute where it was kept as '~' and milliseconds after the first event's.
   */
  private static String restored(String txnId, String value, String[] reference) {
    String[] parts = new String[COMPARED_FIELDS];
    if (!splitCompared(value, parts)) {
      throw new IllegalStateException("correlation state of " + txnId + " holds a malformed event entry");
    }
    int time = COMPARED_FIELDS - 1;
    StringBuilder restored = new StringBuilder(value.length() + 48);
    for (int i = 0; i < COMPARED_FIELDS; i++) {
      if (i > 0) {
        restored.append(US);
      }
      if (parts[i].isEmpty()) {
        restored.append(reference[i]);
      } else if (i == time && parts[i].startsWith(SHIFTED)) {
        restored.append(shifted(txnId, reference[time], parts[i].substring(SHIFTED.length())));
      } else {
        restored.append(parts[i]);
      }
    }
    return restored.toString();
  }

  private static String shifted(String txnId, String firstTime, String offset) {
    try {
      int point = offset.indexOf('.');
      long millis = Long.parseLong(millisPart(firstTime), 36) + Long.parseLong(point < 0 ? offset : offset.substring(0, point), 36);
      return Long.toString(millis, 36) + (point < 0 ? "" : offset.substring(point));
    } catch (NumberFormatException e) {
      throw new IllegalStateException("correlation state of " + txnId + " holds a malformed event time: " + e.getMessage(), e);
    }
  }

  private static String millisPart(String time) {
    int point = time.indexOf('.');
    return point < 0 ? time : time.substring(0, point);
  }

  private static String field(String source, String txnId, String eventId) {
    checked(eventId);
    int at = txnId.isEmpty() ? -1 : eventId.indexOf(txnId);
    String id = at < 0 ? eventId : eventId.substring(0, at) + FS + eventId.substring(at + txnId.length());
    return checked(source) + US + id;
  }

  private static String eventId(String txnId, String id) {
    int at = id.indexOf(FS);
    return at < 0 ? id : id.substring(0, at) + txnId + id.substring(at + 1);
  }

  private static String checked(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == RS || c == US || c == GS || c == FS || c == CONFLICT) {
        throw new IllegalArgumentException("a control character cannot be kept in correlation state: " + text.replace(c, '?'));
      }
    }
    return text;
  }

  /**
   * Epoch milliseconds (floored) in base 36, then — only when the instant is finer than a
   * millisecond — '.' and the rest as a decimal fraction of a millisecond: 8 characters for a
   * millisecond timestamp, not 14.
   */
  static String time(Instant instant) {
    String millis = Long.toString(instant.toEpochMilli(), 36);
    int nanos = instant.getNano() % 1_000_000;
    if (nanos == 0) {
      return millis;
    }
    String fraction = Integer.toString(1_000_000 + nanos).substring(1); // six digits, leading zeros kept
    int end = fraction.length();
    while (fraction.charAt(end - 1) == '0') {
      end--;
    }
    return millis + '.' + fraction.substring(0, end);
  }

  static Instant instant(String time) {
    int point = time.indexOf('.');
    Instant millis = Instant.ofEpochMilli(Long.parseLong(millisPart(time), 36));
    if (point < 0) {
      return millis;
    }
    String fraction = time.substring(point + 1);
    if (fraction.isEmpty() || fraction.length() > 6 || !fraction.chars().allMatch(Character::isDigit)) {
      throw new NumberFormatException("not a fraction of a millisecond: " + fraction);
    }
    return millis.plusNanos(Long.parseLong((fraction + "00000").substring(0, 6)));
  }
}
