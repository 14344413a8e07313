package com.accord.domain;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Computes a transaction's result from the set of events seen for it.
 *
 * <p>The result is a pure function of that set, the conflicts recorded for it and whether the
 * window has closed: arrival order, batching and restarts cannot change it. Each source is
 * represented by its earliest event (by event time, then event id); every other source present is
 * compared field by field against the reference source, the first present in configured order.
 */
public final class Reconciler {

  private static final Comparator<TransactionEvent> EARLIEST_FIRST =
      Comparator.comparing(TransactionEvent::timestamp).thenComparing(TransactionEvent::eventId);

  private final ReconciliationRules rules;

  public Reconciler(ReconciliationRules rules) {
    this.rules = Objects.requireNonNull(rules, "rules");
  }

  public ReconciliationRules rules() {
    return rules;
  }

  /**
   * @param events every event stored for the transaction (redeliveries of one event id count once)
   * @param conflicts event ids re-sent with different content
   * @param windowClosed whether the transaction's window has passed, making absent sources MISSING
   * @param stateRevision revision of the correlation state these inputs were read from
   */
  public ReconciliationResult evaluate(
      String txnId,
      Collection<TransactionEvent> events,
      Collection<Conflict> conflicts,
      boolean windowClosed,
      Instant firstSeenAt,
      long stateRevision) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("transaction " + txnId + " has no events to reconcile");
    }
    Map<String, List<TransactionEvent>> bySource = groupBySource(txnId, events);
    List<String> seen = new ArrayList<>(bySource.keySet());
    List<String> missing = rules.sources().stream()
        .filter(source -> rules.expectedSources().contains(source) && !bySource.containsKey(source))
        .toList();

    List<Discrepancy> discrepancies = new ArrayList<>();
    String referenceSource = seen.get(0);
    TransactionEvent reference = bySource.get(referenceSource).get(0);
    for (String source : seen.subList(1, seen.size())) {
      compare(reference, bySource.get(source).get(0), discrepancies);
    }
    bySource.forEach((source, sourceEvents) -> reportDuplicates(source, sourceEvents, discrepancies));
    reportConflicts(conflicts, discrepancies);
    if (windowClosed) {
      missing.forEach(source -> discrepancies.add(new Discrepancy(DiscrepancyType.MISSING, source, null, null, null, null)));
    }

    ResultStatus status = statusOf(windowClosed, missing, discrepancies);
    return new ReconciliationResult(
        txnId, status, seen, missing, discrepancies,
        reference.amount(), reference.currency(), firstSeenAt, stateRevision);
  }

  private Map<String, List<TransactionEvent>> groupBySource(String txnId, Collection<TransactionEvent> events) {
    Map<String, Map<String, TransactionEvent>> byId = new TreeMap<>(Comparator.comparingInt(rules::order));
    for (TransactionEvent event : events) {
      if (!event.txnId().equals(txnId)) {
        throw new IllegalArgumentException("event " + event.eventId() + " belongs to " + event.txnId() + ", not " + txnId);
      }
      byId.computeIfAbsent(event.source(), source -> new TreeMap<>()).putIfAbsent(event.eventId(), event);
    }
    Map<String, List<TransactionEvent>> bySource = new LinkedHashMap<>();
    byId.forEach((source, sourceEvents) -> bySource.put(
        source, sourceEvents.values().stream().sorted(EARLIEST_FIRST).toList()));
    return bySource;
  }

  private void compare(TransactionEvent a, TransactionEvent b, List<Discrepancy> out) {
    if (!amountsAgree(a.amount(), b.amount())) {
      out.add(new Discrepancy(DiscrepancyType.AMOUNT, a.source(), b.source(),
          a.amount().toPlainString(), b.amount().toPlainString(), b.amount().subtract(a.amount()).toPlainString()));
    }
    if (!a.currency().equals(b.currency())) {
      out.add(new Discrepancy(DiscrepancyType.CURRENCY, a.source(), b.source(), a.currency(), b.currency(), null));
    }
    CanonicalStatus statusA = canonical(a);
    CanonicalStatus statusB = canonical(b);
    if (statusA != statusB) {
      out.add(new Discrepancy(DiscrepancyType.STATUS, a.source(), b.source(), a.status(), b.status(),
          statusA + " vs " + statusB));
    }
    if (!normaliseAccount(a.account()).equals(normaliseAccount(b.account()))) {
      out.add(new Discrepancy(DiscrepancyType.ACCOUNT, a.source(), b.source(), a.account(), b.account(), null));
    }
    Duration skew = Duration.between(a.timestamp(), b.timestamp());
    if (skew.abs().compareTo(rules.timestampSkew()) > 0) {
      out.add(new Discrepancy(DiscrepancyType.TIMESTAMP, a.source(), b.source(),
          a.timestamp().toString(), b.timestamp().toString(), skew.toString()));
    }
  }

  /** Within tolerance when the difference is at most the absolute tolerance or the relative share of the reference. */
  boolean amountsAgree(BigDecimal reference, BigDecimal other) {
    BigDecimal difference = reference.subtract(other).abs();
    if (difference.compareTo(rules.amountToleranceAbsolute()) <= 0) {
      return true;
    }
    BigDecimal relativeAllowance = reference.abs().multiply(rules.amountToleranceRelative());
    return difference.compareTo(relativeAllowance) <= 0;
  }

  private CanonicalStatus canonical(TransactionEvent event) {
    return rules.canonicalStatus(event.source(), event.status()).orElseThrow(() -> new IllegalArgumentException(
        "status '" + event.status() + "' of event " + event.eventId() + " is not in the vocabulary of source " + event.source()));
  }

  /**
   * Accounts are compared as written without spaces and letter case (IBANs are printed in groups
   * of four): without the whitespace of regex {@code \s} (space, tab, line feed, vertical tab, form
   * feed, carriage return), in upper case.
   */
  static String normaliseAccount(String account) {
    StringBuilder kept = null;
    for (int i = 0; i < account.length(); i++) {
      char c = account.charAt(i);
      boolean whitespace = c == ' ' || (c >= '\t' && c <= '\r');
      if (whitespace && kept == null) {
        kept = new StringBuilder(account.length()).append(account, 0, i);
      } else if (!whitespace && kept != null) {
        kept.append(c);
      }
    }
    return (kept == null ? account : kept.toString()).toUpperCase(Locale.ROOT);
  }

  private static void reportDuplicates(String source, List<TransactionEvent> events, List<Discrepancy> out) {
    TransactionEvent kept = events.get(0);
    for (TransactionEvent extra : events.subList(1, events.size())) {
      out.add(new Discrepancy(DiscrepancyType.DUPLICATE, source, source, kept.eventId(), extra.eventId(),
          "reported " + events.size() + " times"));
    }
  }

  private static void reportConflicts(Collection<Conflict> conflicts, List<Discrepancy> out) {
    Set<Conflict> distinct = new LinkedHashSet<>(conflicts.stream()
        .sorted(Comparator.comparing(Conflict::source).thenComparing(Conflict::eventId))
        .toList());
    for (Conflict conflict : distinct) {
      out.add(new Discrepancy(DiscrepancyType.DUPLICATE, conflict.source(), conflict.source(),
          conflict.eventId(), conflict.eventId(), "same event id re-sent with different content"));
    }
  }

  private static ResultStatus statusOf(boolean windowClosed, List<String> missing, List<Discrepancy> discrepancies) {
    if (windowClosed && !missing.isEmpty()) {
      return ResultStatus.MISSING;
    }
    boolean disagreement = discrepancies.stream().anyMatch(d -> d.type() != DiscrepancyType.MISSING);
    if (disagreement) {
      return ResultStatus.MISMATCHED;
    }
    return missing.isEmpty() ? ResultStatus.MATCHED : ResultStatus.PENDING;
  }
}
