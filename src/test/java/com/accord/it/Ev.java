package com.accord.it;

import com.accord.domain.TransactionEvent;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Test events: one per source that, left alone, agrees with the others of its transaction under
 * the default rules (100.00 EUR, the source's own word for "completed", one account, event time
 * {@link #T0}). Each test changes only what it is about.
 */
final class Ev {

  static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");
  static final String ACCOUNT = "DE89370400440532013000";

  private Ev() {}

  /** core: 100.00 EUR POSTED at T0, event id {@code core-<txn>}. */
  static Builder core(String txnId) {
    return new Builder("core", txnId).status("POSTED");
  }

  /** gateway: 100.00 EUR SETTLED at T0, event id {@code gateway-<txn>}. */
  static Builder gateway(String txnId) {
    return new Builder("gateway", txnId).status("SETTLED");
  }

  /** mobile: 100.00 EUR SUCCESS at T0, event id {@code mobile-<txn>}. */
  static Builder mobile(String txnId) {
    return new Builder("mobile", txnId).status("SUCCESS");
  }

  static final class Builder {
    private final String source;
    private final String txnId;
    private String eventId;
    private BigDecimal amount = new BigDecimal("100.00");
    private String currency = "EUR";
    private String status;
    private String account = ACCOUNT;
    private Instant timestamp = T0;

    private Builder(String source, String txnId) {
      this.source = source;
      this.txnId = txnId;
      this.eventId = source + "-" + txnId;
    }

    Builder id(String eventId) {
      this.eventId = eventId;
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

    /** Event time T0 plus {@code offset}. */
    Builder after(Duration offset) {
      this.timestamp = T0.plus(offset);
      return this;
    }

    TransactionEvent build() {
      return new TransactionEvent(eventId, source, txnId, amount, currency, status, account, timestamp,
          "card", "ACME GmbH", "INV-" + txnId, Map.of("origin", source));
    }
  }
}
