package com.accord.bench;

import com.accord.domain.EventJson;
import com.accord.domain.TransactionEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Events and results shaped like the ones Accord stores, for the ceiling measurements: the
 * canonical event JSON (about 250 bytes), three sources per transaction, the discrepancy JSON of
 * an amount mismatch. Deterministic in the transaction number.
 */
final class SyntheticEvents {

  static final List<String> SOURCES = List.of("core", "gateway", "mobile");
  static final String EXPECTED_SOURCES = String.join(",", SOURCES);
  private static final Map<String, String> COMPLETED = Map.of("core", "POSTED", "gateway", "SETTLED", "mobile", "SUCCESS");
  private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "CHF"};

  /** Every 25th transaction is an amount mismatch: 4 %, close to the simulator's seed mix. */
  static final int MISMATCH_EVERY = 25;

  private SyntheticEvents() {}

  static String txnId(String prefix, long n) {
    return prefix + String.format("%09d", n);
  }

  static String eventId(String source, String txnId) {
    return source.toUpperCase() + "-" + txnId;
  }

  static boolean mismatched(long n) {
    return n % MISMATCH_EVERY == 0;
  }

  /** Amount in minor units; the gateway reports 0.50 more on a mismatched transaction. */
  static BigDecimal amount(long n, String source) {
    BigDecimal amount = BigDecimal.valueOf(100 + Math.floorMod(n * 7919, 500_000), 2);
    return mismatched(n) && source.equals("gateway") ? amount.add(new BigDecimal("0.50")) : amount;
  }

  static String currency(long n) {
    return CURRENCIES[(int) Math.floorMod(n, CURRENCIES.length)];
  }

  /** This source's report of transaction {@code n}. */
  static TransactionEvent event(String txnId, long n, String source, Instant timestamp) {
    String account = "DE" + String.format("%020d", Math.floorMod(n * 2_654_435_761L, 100_000_000_000_000_000L));
    return new TransactionEvent(eventId(source, txnId), source, txnId, amount(n, source), currency(n),
        COMPLETED.get(source), account, timestamp, "card", "merchant-" + Math.floorMod(n, 500), "ref-" + n, Map.of());
  }

  /** The canonical JSON Accord stores for this source's report of transaction {@code n}. */
  static String eventJson(String txnId, long n, String source, Instant timestamp) {
    return EventJson.toJson(event(txnId, n, source, timestamp));
  }

  /** What {@code DiscrepancyJson} writes for the amount mismatch of transaction {@code n}. */
  static String amountDiscrepancyJson(long n) {
    BigDecimal core = amount(n, "core");
    BigDecimal gateway = amount(n, "gateway");
    return "[{\"type\":\"AMOUNT\",\"source_a\":\"core\",\"source_b\":\"gateway\",\"value_a\":\"" + core.toPlainString()
        + "\",\"value_b\":\"" + gateway.toPlainString() + "\",\"difference\":\"" + gateway.subtract(core).toPlainString() + "\"}]";
  }
}
