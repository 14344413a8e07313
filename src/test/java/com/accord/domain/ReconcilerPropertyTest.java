package com.accord.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link Reconciler} over randomly generated transactions (seeded, so every failure
 * names the seed that reproduces it):
 *
 * <ul>
 *   <li>the result does not depend on the order of the events or of the conflicts;
 *   <li>it reports exactly the defects the generator planted, and nothing else;
 *   <li>its status is consistent with its discrepancies and missing sources.
 * </ul>
 *
 * <p>The generator plants defects only in non-reference sources' representative events (so the
 * expected discrepancies are known without re-implementing the reconciler), adds harmless
 * variations that must not be reported (amount scale, account spacing and case, other words for
 * the same status, skew within the limit, redeliveries), and extra events per source that are later
 * than the representative (same time: higher event id) with arbitrary content, which may only ever
 * show up as DUPLICATE.
 */
class ReconcilerPropertyTest {

  private static final int SEEDS = 500;
  private static final int SHUFFLES = 6;
  private static final List<String> SOURCES = List.of("core", "gateway", "mobile");
  private static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");
  private static final Duration SKEW = Duration.ofMinutes(5);
  private static final Map<String, Map<CanonicalStatus, List<String>>> WORDS = Map.of(
      "core", Map.of(
          CanonicalStatus.COMPLETED, List.of("POSTED", "BOOKED", "posted", "COMPLETED"),
          CanonicalStatus.PENDING, List.of("HELD", "PENDING"),
          CanonicalStatus.FAILED, List.of("REJECTED", "failed"),
          CanonicalStatus.REVERSED, List.of("REVERSED")),
      "gateway", Map.of(
          CanonicalStatus.COMPLETED, List.of("SETTLED", "CAPTURED", "Settled"),
          CanonicalStatus.PENDING, List.of("AUTHORIZED"),
          CanonicalStatus.FAILED, List.of("DECLINED"),
          CanonicalStatus.REVERSED, List.of("REFUNDED", "REVERSED")),
      "mobile", Map.of(
          CanonicalStatus.COMPLETED, List.of("SUCCESS", "completed"),
          CanonicalStatus.PENDING, List.of("PROCESSING"),
          CanonicalStatus.FAILED, List.of("ERROR"),
          CanonicalStatus.REVERSED, List.of("CANCELLED")));

  /** What the generator planted, and what must therefore be reported. */
  private record Scenario(
      List<TransactionEvent> events,
      List<Conflict> conflicts,
      boolean windowClosed,
      List<String> present,
      List<String> absent,
      List<String> expectedDiscrepancies,
      TransactionEvent referenceEvent) {}

  private final Reconciler reconciler = new Reconciler(ReconciliationRules.defaults());

  @Test
  void randomTransactionsGiveTheSameResultInEveryOrderAndReportExactlyTheirDefects() {
    Map<ResultStatus, Integer> statuses = new EnumMap<>(ResultStatus.class);
    Map<DiscrepancyType, Integer> types = new EnumMap<>(DiscrepancyType.class);
    for (int seed = 1; seed <= SEEDS; seed++) {
      Random random = new Random(seed);
      Scenario scenario = generate(random, "txn-" + seed);
      ReconciliationResult result = evaluate(scenario, scenario.events(), scenario.conflicts());
      String context = "seed " + seed + ", scenario " + scenario;

      for (int shuffle = 0; shuffle < SHUFFLES; shuffle++) {
        List<TransactionEvent> events = new ArrayList<>(scenario.events());
        List<Conflict> conflicts = new ArrayList<>(scenario.conflicts());
        if (shuffle == 0) {
          Collections.reverse(events);
          Collections.reverse(conflicts);
        } else {
          Collections.shuffle(events, random);
          Collections.shuffle(conflicts, random);
        }
        assertThat(evaluate(scenario, events, conflicts))
            .as("%s: result for arrival order %s", context, events.stream().map(TransactionEvent::eventId).toList())
            .isEqualTo(result);
      }

      assertInvariants(result, scenario, context);
      assertThat(result.discrepancies())
          .as("%s: reported discrepancies", context)
          .extracting(d -> d.type() + " " + d.sourceA() + "/" + d.sourceB())
          .containsExactlyInAnyOrderElementsOf(scenario.expectedDiscrepancies());
      assertThat(result.status())
          .as("%s: status", context)
          .isEqualTo(expectedStatus(scenario));
      statuses.merge(result.status(), 1, Integer::sum);
      result.discrepancies().forEach(d -> types.merge(d.type(), 1, Integer::sum));
    }

    // the generator must reach every outcome often enough for the properties above to mean something
    assertThat(statuses).as("statuses reached").hasSize(ResultStatus.values().length)
        .allSatisfy((status, count) -> assertThat(count).as("%s", status).isGreaterThanOrEqualTo(20));
    assertThat(types).as("discrepancy types reached").hasSize(DiscrepancyType.values().length)
        .allSatisfy((type, count) -> assertThat(count).as("%s", type).isGreaterThanOrEqualTo(20));
  }

  private ReconciliationResult evaluate(Scenario scenario, List<TransactionEvent> events, List<Conflict> conflicts) {
    return reconciler.evaluate(
        scenario.events().get(0).txnId(), events, conflicts, scenario.windowClosed(), T0, 1);
  }

  private static void assertInvariants(ReconciliationResult result, Scenario scenario, String context) {
    assertThat(result.sourcesSeen()).as("%s: sourcesSeen", context).containsExactlyElementsOf(scenario.present());
    assertThat(result.sourcesMissing()).as("%s: sourcesMissing", context).containsExactlyElementsOf(scenario.absent());
    assertThat(result.referenceAmount()).as("%s: referenceAmount", context).isEqualTo(scenario.referenceEvent().amount());
    assertThat(result.currency()).as("%s: currency", context).isEqualTo(scenario.referenceEvent().currency());

    switch (result.status()) {
      case MATCHED -> {
        assertThat(result.discrepancies()).as("%s: MATCHED has no discrepancies", context).isEmpty();
        assertThat(result.sourcesMissing()).as("%s: MATCHED has no missing sources", context).isEmpty();
      }
      case MISSING -> {
        assertThat(scenario.windowClosed()).as("%s: MISSING only once the window closed", context).isTrue();
        assertThat(result.sourcesMissing()).as("%s: MISSING names missing sources", context).isNotEmpty();
      }
      case PENDING -> {
        assertThat(scenario.windowClosed()).as("%s: PENDING only while the window is open", context).isFalse();
        assertThat(result.sourcesMissing()).as("%s: PENDING waits for someone", context).isNotEmpty();
        assertThat(result.discrepancies()).as("%s: PENDING has no discrepancies", context).isEmpty();
      }
      case MISMATCHED -> assertThat(result.discrepancies())
          .as("%s: MISMATCHED has a disagreement", context)
          .anyMatch(d -> d.type() != DiscrepancyType.MISSING);
    }

    for (Discrepancy d : result.discrepancies()) {
      if (d.type() == DiscrepancyType.MISSING) {
        assertThat(result.sourcesMissing()).as("%s: source of %s", context, d).contains(d.sourceA());
        assertThat(d.sourceB()).as("%s: %s", context, d).isNull();
      } else {
        assertThat(result.sourcesSeen()).as("%s: sources of %s", context, d).contains(d.sourceA(), d.sourceB());
      }
    }
  }

  private static ResultStatus expectedStatus(Scenario scenario) {
    if (scenario.windowClosed() && !scenario.absent().isEmpty()) {
      return ResultStatus.MISSING;
    }
    if (!scenario.expectedDiscrepancies().isEmpty()) {
      return ResultStatus.MISMATCHED;
    }
    return scenario.absent().isEmpty() ? ResultStatus.MATCHED : ResultStatus.PENDING;
  }

  // ---------------------------------------------------------------- generator

  private static Scenario generate(Random random, String txnId) {
    List<String> present = new ArrayList<>();
    while (present.isEmpty()) {
      for (String source : SOURCES) {
        if (random.nextInt(3) > 0) {
          present.add(source);
        }
      }
    }
    List<String> absent = SOURCES.stream().filter(source -> !present.contains(source)).toList();
    String referenceSource = present.get(0);
    boolean windowClosed = random.nextBoolean();
    boolean clean = random.nextInt(3) == 0; // only harmless variations: the source of MATCHED and PENDING

    long cents = random.nextInt(2_000_000) - 200_000;
    BigDecimal amount = BigDecimal.valueOf(cents, 2);
    String currency = random.nextBoolean() ? "EUR" : "GBP";
    CanonicalStatus status = CanonicalStatus.values()[random.nextInt(CanonicalStatus.values().length)];
    String account = "DE8937040044053201" + (1000 + random.nextInt(9000));
    Instant time = T0.plusSeconds(random.nextInt(86_400));

    List<TransactionEvent> events = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    TransactionEvent referenceEvent = null;
    for (String source : present) {
      boolean mayDiffer = !source.equals(referenceSource);
      BigDecimal eventAmount = harmlessRescale(random, amount);
      String eventCurrency = currency;
      CanonicalStatus eventStatus = status;
      String eventAccount = harmlessReformat(random, account);
      Duration offset = Duration.ofSeconds(random.nextInt(601) - 300); // within skew of the reference
      if (mayDiffer && !clean) {
        if (random.nextInt(4) == 0) {
          BigDecimal delta = BigDecimal.valueOf(random.nextInt(10_000) + 1, random.nextInt(4));
          eventAmount = random.nextBoolean() ? eventAmount.add(delta) : eventAmount.subtract(delta);
          expected.add("AMOUNT " + referenceSource + "/" + source);
        }
        if (random.nextInt(5) == 0) {
          eventCurrency = currency.equals("EUR") ? "USD" : "EUR";
          expected.add("CURRENCY " + referenceSource + "/" + source);
        }
        if (random.nextInt(4) == 0) {
          eventStatus = otherThan(random, status);
          expected.add("STATUS " + referenceSource + "/" + source);
        }
        if (random.nextInt(5) == 0) {
          eventAccount = "GB29NWBK6016133192" + (1000 + random.nextInt(9000));
          expected.add("ACCOUNT " + referenceSource + "/" + source);
        }
        switch (random.nextInt(6)) {
          case 0 -> {
            offset = SKEW.plusSeconds(1 + random.nextInt(3600));
            offset = random.nextBoolean() ? offset : offset.negated();
            expected.add("TIMESTAMP " + referenceSource + "/" + source);
          }
          case 1 -> offset = random.nextBoolean() ? SKEW : SKEW.negated(); // exactly at the limit: agrees
          default -> { }
        }
      } else if (!mayDiffer) {
        offset = Duration.ZERO;
      }
      TransactionEvent representative = new TransactionEvent(
          source + "-1", source, txnId, eventAmount, eventCurrency, word(random, source, eventStatus),
          eventAccount, time.plus(offset), "card", null, null, Map.of());
      events.add(representative);
      if (!mayDiffer) {
        referenceEvent = representative;
      }

      int extras = !clean && random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0;
      for (int i = 0; i < extras; i++) {
        // later than the representative, or at the same time with a higher event id; content arbitrary
        Duration later = random.nextBoolean() ? Duration.ZERO : Duration.ofSeconds(1 + random.nextInt(7200));
        events.add(new TransactionEvent(
            source + "-" + (2 + i), source, txnId,
            BigDecimal.valueOf(random.nextInt(100_000), 2),
            random.nextBoolean() ? "EUR" : "CHF",
            word(random, source, CanonicalStatus.values()[random.nextInt(CanonicalStatus.values().length)]),
            "X" + random.nextInt(1000), representative.timestamp().plus(later), "web", null, null, Map.of()));
        expected.add("DUPLICATE " + source + "/" + source);
      }
    }

    // redeliveries of stored events count once
    int redeliveries = random.nextInt(3);
    for (int i = 0; i < redeliveries; i++) {
      events.add(events.get(random.nextInt(events.size())));
    }

    // conflicts recorded against present sources' events; the same conflict may be recorded twice
    List<Conflict> conflicts = new ArrayList<>();
    for (String source : present) {
      if (!clean && random.nextInt(6) == 0) {
        Conflict conflict = new Conflict(source, source + "-1");
        conflicts.add(conflict);
        if (random.nextBoolean()) {
          conflicts.add(new Conflict(source, source + "-1"));
        }
        expected.add("DUPLICATE " + source + "/" + source);
      }
    }

    if (windowClosed) {
      absent.forEach(source -> expected.add("MISSING " + source + "/null"));
    }
    return new Scenario(List.copyOf(events), List.copyOf(conflicts), windowClosed, List.copyOf(present),
        absent, List.copyOf(expected), referenceEvent);
  }

  /** The same value, written with more decimal places. */
  private static BigDecimal harmlessRescale(Random random, BigDecimal amount) {
    return amount.setScale(amount.scale() + random.nextInt(3));
  }

  /** The same account, in groups of four, lower case, or as is. */
  private static String harmlessReformat(Random random, String account) {
    return switch (random.nextInt(3)) {
      case 0 -> account.replaceAll("(.{4})(?!$)", "$1 ");
      case 1 -> account.toLowerCase();
      default -> account;
    };
  }

  private static CanonicalStatus otherThan(Random random, CanonicalStatus status) {
    CanonicalStatus[] values = CanonicalStatus.values();
    return values[(status.ordinal() + 1 + random.nextInt(values.length - 1)) % values.length];
  }

  private static String word(Random random, String source, CanonicalStatus status) {
    List<String> words = WORDS.get(source).get(status);
    return words.get(random.nextInt(words.size()));
  }
}
