package com.accord.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One system's report of one transaction: the unit Accord ingests, stores in {@code raw_events}
 * and correlates by {@link #txnId()}. {@code (source, eventId)} identifies it.
 *
 * <p>{@code status} is the source's own vocabulary; {@link ReconciliationRules#canonicalStatus}
 * maps it. Amounts are exact decimals; timestamps are UTC instants.
 */
public record TransactionEvent(
    String eventId,
    String source,
    String txnId,
    BigDecimal amount,
    String currency,
    String status,
    String account,
    Instant timestamp,
    String channel,
    String counterparty,
    String reference,
    Map<String, String> metadata) {

  public TransactionEvent {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(txnId, "txnId");
    Objects.requireNonNull(amount, "amount");
    Objects.requireNonNull(currency, "currency");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(account, "account");
    Objects.requireNonNull(timestamp, "timestamp");
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** True when both events carry the same content; how amounts are written (1.0 vs 1.00) does not matter. */
  public boolean sameContentAs(TransactionEvent other) {
    return eventId.equals(other.eventId)
        && source.equals(other.source)
        && txnId.equals(other.txnId)
        && amount.compareTo(other.amount) == 0
        && currency.equals(other.currency)
        && status.equals(other.status)
        && account.equals(other.account)
        && timestamp.equals(other.timestamp)
        && Objects.equals(channel, other.channel)
        && Objects.equals(counterparty, other.counterparty)
        && Objects.equals(reference, other.reference)
        && metadata.equals(other.metadata);
  }
}
