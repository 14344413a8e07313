package com.accord.simulation;

import com.accord.domain.TransactionEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Deterministic three-source traffic with injected defects: the same seed gives the same
 * transactions, events and ground truth. Events of each transaction carry each system's own
 * status words, the way the core ledger, the gateway and the mobile channel would send them.
 */
public final class TrafficGenerator {

  private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "CHF"};
  private static final Map<String, String> COMPLETED = Map.of("core", "POSTED", "gateway", "SETTLED", "mobile", "SUCCESS");
  private static final Map<String, String> FAILED = Map.of("core", "REJECTED", "gateway", "DECLINED", "mobile", "ERROR");
  private static final List<String> SOURCES = List.of("core", "gateway", "mobile");

  private final Random random;
  private final Scenario scenario;
  private final Instant start;
  private final String txnPrefix;

  /**
   * @param defectShares share of transactions per defect (the rest is clean), e.g. AMOUNT → 0.03
   */
  public TrafficGenerator(long seed, Map<Defect, Double> defectShares, Instant start) {
    this(Scenario.of("custom", seed, 1, defectShares), start, "TXN-" + Long.toString(Math.abs(seed), 36) + "-");
  }

  /** @param txnPrefix starts every transaction id, so several runs can share one Accord */
  public TrafficGenerator(Scenario scenario, Instant start, String txnPrefix) {
    this.random = new Random(scenario.seed());
    this.scenario = scenario;
    this.start = start;
    this.txnPrefix = txnPrefix;
    double total = scenario.defects().values().stream().mapToDouble(Double::doubleValue).sum();
    if (total > 1.0) {
      throw new IllegalArgumentException("defect shares add up to more than 1: " + total);
    }
  }

  /** Roughly the defect mix a payment operations team sees on a bad day, every type present. */
  public static Map<Defect, Double> seedMix() {
    Map<Defect, Double> mix = new EnumMap<>(Defect.class);
    mix.put(Defect.AMOUNT, 0.04);
    mix.put(Defect.CURRENCY, 0.02);
    mix.put(Defect.STATUS, 0.04);
    mix.put(Defect.ACCOUNT, 0.02);
    mix.put(Defect.TIMESTAMP, 0.03);
    mix.put(Defect.MISSING_SOURCE, 0.05);
    mix.put(Defect.DUPLICATE, 0.02);
    mix.put(Defect.CONFLICT, 0.02);
    mix.put(Defect.REDELIVERY, 0.03);
    return mix;
  }

  public List<GeneratedTransaction> generate(int count) {
    List<GeneratedTransaction> transactions = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      transactions.add(transaction(i));
    }
    return transactions;
  }

  public GeneratedTransaction transaction(int n) {
    String txnId = txnPrefix + String.format("%07d", n);
    Defect defect = pickDefect();
    BigDecimal amount = BigDecimal.valueOf(100 + random.nextInt(500_000), 2);
    String currency = CURRENCIES[random.nextInt(CURRENCIES.length)];
    String account = "DE" + String.format("%020d", Math.floorMod(random.nextLong(), 100_000_000_000_000_000L));
    boolean failed = random.nextDouble() < scenario.failedShare();
    Instant time = start.plusMillis(n * 7L + random.nextInt(1000));
    String channel = pick(scenario.channels(), "card");
    String affected = defect == Defect.MISSING_SOURCE ? pick(scenario.missingSources(), "mobile")
        : random.nextBoolean() ? "gateway" : "mobile";

    List<TransactionEvent> events = new ArrayList<>();
    List<TransactionEvent> late = new ArrayList<>();
    List<TransactionEvent> heldBack = new ArrayList<>();
    for (String source : SOURCES) {
      if (defect == Defect.MISSING_SOURCE && source.equals(affected)) {
        continue;
      }
      boolean hit = source.equals(affected);
      BigDecimal eventAmount = hit && defect == Defect.AMOUNT ? amount.add(BigDecimal.valueOf(1 + random.nextInt(5000), 2)) : amount;
      String eventCurrency = hit && defect == Defect.CURRENCY ? otherCurrency(currency) : currency;
      String status = (failed ^ (hit && defect == Defect.STATUS) ? FAILED : COMPLETED).get(source);
      String eventAccount = hit && defect == Defect.ACCOUNT ? account.substring(0, 21) + ((account.charAt(21) - '0' + 1) % 10) : account;
      Instant eventTime = hit && defect == Defect.TIMESTAMP ? time.plus(Duration.ofMinutes(6 + random.nextInt(60))) : time.plusMillis(random.nextInt(900));
      TransactionEvent event = new TransactionEvent(
          source.toUpperCase() + "-" + txnId, source, txnId, eventAmount, eventCurrency, status, eventAccount,
          eventTime, channel, "merchant-" + random.nextInt(500), "ref-" + n, Map.of());
      if (hit && defect == Defect.LATE_ARRIVAL) {
        heldBack.add(event);
        continue;
      }
      events.add(event);
      if (hit && defect == Defect.DUPLICATE) {
        events.add(withEventId(event, event.eventId() + "-2"));
      }
      if (hit && defect == Defect.REDELIVERY) {
        events.add(event);
      }
      if (hit && defect == Defect.CONFLICT) {
        late.add(withAmount(event, event.amount().add(BigDecimal.TEN).setScale(2, RoundingMode.UNNECESSARY)));
      }
    }
    return new GeneratedTransaction(txnId, defect, events, late, heldBack);
  }

  private String pick(Map<String, Double> shares, String fallback) {
    double total = shares.values().stream().mapToDouble(Double::doubleValue).sum();
    double roll = random.nextDouble() * total;
    double cumulative = 0;
    for (Map.Entry<String, Double> share : shares.entrySet()) {
      cumulative += share.getValue();
      if (roll < cumulative) {
        return share.getKey();
      }
    }
    return fallback;
  }

  private Defect pickDefect() {
    double roll = random.nextDouble();
    double cumulative = 0;
    for (Map.Entry<Defect, Double> share : scenario.defects().entrySet()) {
      cumulative += share.getValue();
      if (roll < cumulative) {
        return share.getKey();
      }
    }
    return Defect.NONE;
  }

  private String otherCurrency(String currency) {
    String other;
    do {
      other = CURRENCIES[random.nextInt(CURRENCIES.length)];
    } while (other.equals(currency));
    return other;
  }

  private static TransactionEvent withEventId(TransactionEvent e, String eventId) {
    return new TransactionEvent(eventId, e.source(), e.txnId(), e.amount(), e.currency(), e.status(), e.account(),
        e.timestamp(), e.channel(), e.counterparty(), e.reference(), e.metadata());
  }

  private static TransactionEvent withAmount(TransactionEvent e, BigDecimal amount) {
    return new TransactionEvent(e.eventId(), e.source(), e.txnId(), amount, e.currency(), e.status(), e.account(),
        e.timestamp(), e.channel(), e.counterparty(), e.reference(), e.metadata());
  }
}
