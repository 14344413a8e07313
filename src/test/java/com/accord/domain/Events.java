package com.accord.domain;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Test data for reconciliation specs: one event per source that, left alone, agrees with the
 * others under {@link ReconciliationRules#defaults()}. Each spec changes only what it is about.
 */
final class Events {

  static final String TXN = "txn-42";
  static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");
  static final String ACCOUNT = "DE89370400440532013000";

  private Events() {}

  /** core reports 100.00 EUR POSTED at T0. */
  static Builder core() {
    return from("core").status("POSTED");
  }

  /** gateway reports 100.00 EUR SETTLED at T0. */
  static Builder gateway() {
    return from("gateway").status("SETTLED");
  }

  /** mobile reports 100.00 EUR SUCCESS at T0. */
  static Builder mobile() {
    return from("mobile").status("SUCCESS");
  }

  /** An event from any source, with status COMPLETED (the canonical name every source understands). */
  static Builder from(String source) {
    return new Builder(source);
  }

  static final class Builder {
    private String eventId;
    private final String source;
    private String txnId = TXN;
    private BigDecimal amount = new BigDecimal("100.00");
    private String currency = "EUR";
    private String status = "COMPLETED";
    private String account = ACCOUNT;
    private Instant timestamp = T0;

    private Builder(String source) {
      this.source = source;
      this.eventId = source + "-1";
    }

    Builder id(String eventId) {
      this.eventId = eventId;
      return this;
    }

    Builder txn(String txnId) {
      this.txnId = txnId;
      return this;
    }

    Builder amount(String amount) {
      this.amount = new BigDecimal(amount);
      return this;
    }

    Builder currency(String currency) {
      this.currency = currency;
      return this;
    }

    Builder status(String status) {
      this.status = status;
      return this;
    }

    Builder account(String account) {
      this.account = account;
      return this;
    }

    Builder at(Instant timestamp) {
      this.timestamp = timestamp;
      return this;
    }

    /** Event time T0 plus the offset (negative for earlier). */
    Builder after(Duration offset) {
      this.timestamp = T0.plus(offset);
      return this;
    }

    TransactionEvent build() {
      return new TransactionEvent(
          eventId, source, txnId, amount, currency, status, account, timestamp,
          "card", "ACME GmbH", "INV-" + txnId, Map.of("origin", source));
    }
  }
}
