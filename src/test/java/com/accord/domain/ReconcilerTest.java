package com.accord.domain;

import static com.accord.domain.Events.ACCOUNT;
import java.util.Locale;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import static com.accord.domain.Events.T0;
import static com.accord.domain.Events.TXN;
import static com.accord.domain.Events.core;
import static com.accord.domain.Events.gateway;
import static com.accord.domain.Events.mobile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Specification of {@link Reconciler}: given the events seen for one transaction, the conflicts
 * recorded for it and whether its window has closed, this is the result.
 */
class ReconcilerTest {

  static final Instant FIRST_SEEN = T0.minusSeconds(3);
  static final long REVISION = 7;

  // ---------------------------------------------------------------- helpers

  static ReconciliationResult evaluate(
      ReconciliationRules rules, boolean windowClosed, List<Conflict> conflicts, Events.Builder... events) {
    List<TransactionEvent> built = Arrays.stream(events).map(Events.Builder::build).toList();
    return new Reconciler(rules).evaluate(TXN, built, conflicts, windowClosed, FIRST_SEEN, REVISION);
  }

  /** Window still open, default rules, no conflicts. */
  static ReconciliationResult open(Events.Builder... events) {
    return evaluate(ReconciliationRules.defaults(), false, List.of(), events);
  }

  /** Window closed, default rules, no conflicts. */
  static ReconciliationResult closed(Events.Builder... events) {
    return evaluate(ReconciliationRules.defaults(), true, List.of(), events);
  }

  /** The three default sources, all expected, with the given tolerances. */
  static ReconciliationRules rules(String absolute, String relative, Duration skew) {
    return new ReconciliationRules(
        List.of("core", "gateway", "mobile"),
        Set.of("core", "gateway", "mobile"),
        Duration.ofSeconds(30),
        new BigDecimal(absolute),
        new BigDecimal(relative),
        skew,
        ReconciliationRules.defaultVocabularies());
  }

  static Discrepancy missing(String source) {
    return new Discrepancy(DiscrepancyType.MISSING, source, null, null, null, null);
  }

  // ---------------------------------------------------------------- specs

  @Nested
  class WhenEverySourceAgrees {

    @Test
    void allThreeSourcesAgreeIsMatchedWithSourcesInConfiguredOrderAndCoreAsReference() {
      ReconciliationResult result = open(
          mobile().amount("100.0"),
          core().amount("100.00"),
          gateway().amount("100"));

      assertThat(result.txnId()).isEqualTo(TXN);
      assertThat(result.status()).isEqualTo(ResultStatus.MATCHED);
      assertThat(result.discrepancies()).isEmpty();
      assertThat(result.sourcesSeen()).containsExactly("core", "gateway", "mobile");
      assertThat(result.sourcesMissing()).isEmpty();
      // the reference amount is core's, exactly as core wrote it (scale included)
      assertThat(result.referenceAmount()).isEqualTo(new BigDecimal("100.00"));
      assertThat(result.currency()).isEqualTo("EUR");
      assertThat(result.firstSeenAt()).isEqualTo(FIRST_SEEN);
      assertThat(result.stateRevision()).isEqualTo(REVISION);
    }

    @Test
    void closingTheWindowDoesNotChangeAMatchedTransaction() {
      assertThat(closed(core(), gateway(), mobile())).isEqualTo(open(core(), gateway(), mobile()));
    }

    @Test
    void sourcesReportingWithTheirOwnVocabularyForCompletedAgree() {
      ReconciliationResult result = open(
          core().status("POSTED"), gateway().status("SETTLED"), mobile().status("SUCCESS"));

      assertThat(result.status()).isEqualTo(ResultStatus.MATCHED);
      assertThat(result.discrepancies()).isEmpty();
    }

    @Test
    void differentWordsOfOneVocabularyForTheSameCanonicalStatusAgree() {
      ReconciliationResult result = open(
          core().status("BOOKED"), gateway().status("CAPTURED"), mobile().status("SUCCESS"));

      assertThat(result.status()).isEqualTo(ResultStatus.MATCHED);
    }

    @Test
    void statusWordsAreCaseInsensitiveAndCanonicalNamesAreUnderstoodFromEverySource() {
      ReconciliationResult result = open(
          core().status("posted"), gateway().status("Settled"), mobile().status("COMPLETED"));

      assertThat(result.status()).isEqualTo(ResultStatus.MATCHED);
      assertThat(result.discrepancies()).isEmpty();
    }
  }

  @Nested
  class OneKindOfDisagreementAtATime {

    @Test
    void amountDifferenceIsOtherMinusReferenceAsPlainStrings() {
      ReconciliationResult result = open(
          core().amount("100.00"), gateway().amount("99.50"), mobile().amount("1E+2"));

      assertThat(result.status()).isEqualTo(ResultStatus.MISMATCHED);
      // mobile's 1E+2 equals 100.00; gateway is 0.50 short of core
      assertThat(result.discrepancies()).containsExactly(
          new Discrepancy(DiscrepancyType.AMOUNT, "core", "gateway", "100.00", "99.50", "-0.50"));
    }

    @Test
    void amountAboveTheReferenceHasAPositiveDifference() {
      ReconciliationResult result = open(core(), gateway(), mobile().amount("1.5E+2"));

      assertThat(result.discrepancies()).containsExactly(
          new Discrepancy(DiscrepancyType.AMOUNT, "core", "mobile", "100.00", "150", "50.00"));
    }

    @Test
    void differentCurrencyIsACurrencyDiscrepancy() {
      ReconciliationResult result = open(core(), gateway().currency("USD"), mobile());

      assertThat(result.status()).isEqualTo(ResultStatus.MISMATCHED);
      assertThat(result.discrepancies()).containsExactly(
          new Discrepancy(DiscrepancyType.CURRENCY, "core", "gateway", "EUR", "USD", null));
    }

    @Test
    void statusWordsMappingToDifferentCanonicalStatusesAreAStatusDiscrepancy() {
      ReconciliationResult result = open(core().status("POSTED"), gateway().status("DECLINED"), mobile());

      assertThat(result.status()).isEqualTo(ResultStatus.MISMATCHED);
      assertThat(result.discrepancies()).singleElement().satisfies(d -> {
        assertThat(d.type()).isEqualTo(DiscrepancyType.STATUS);
        assertThat(d.sourceA()).isEqualTo("core");
        assertThat(d.sourceB()).isEqualTo("gateway");
        assertThat(d.valueA()).isEqualTo("POSTED");
        assertThat(d.valueB()).isEqualTo("DECLINED");
        assertThat(d.difference()).containsSubsequence("COMPLETED", "FAILED");
      });
    }

    @Test
    void aStatusWordOutsideTheSourcesVocabularyIsRejected() {
      // SETTLED is gateway's word; core does not know it
      assertThatThrownBy(() -> open(core().status("SETTLED"), gateway(), mobile()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("SETTLED")
          .hasMessageContaining("core");
    }

    @Test
    void differentAccountIsAnAccountDiscrepancy() {
      ReconciliationResult result = open(core(), gateway(), mobile().account("GB29NWBK60161331926819"));

      assertThat(result.status()).isEqualTo(ResultStatus.MISMATCHED);
      assertThat(result.discrepancies()).containsExactly(
          new Discrepancy(DiscrepancyType.ACCOUNT, "core", "mobile", ACCOUNT, "GB29NWBK60161331926819", null));
    }

    @Test
    void accountsAreComparedIgnoringWhitespaceAndLetterCase() {
      ReconciliationResult result = open(
          core().account("DE89 3704 0044"), gateway().account("de8937040044"), mobile().account(" De89\t37040044 "));

      assertThat(result.status()).isEqualTo(ResultStatus.MATCHED);
      assertThat(result.discrepancies()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"DE89 3704 0044", "de8937040044", " \tDe89\n\u000B3704\f0044\r ", "GB29\u00A0NWBK", "", "  ",
        "\u2003x y\u2003"})
    void accountsLoseExactlyTheWhitespaceOfRegexBackslashS(String account) {
      assertThat(Reconciler.normaliseAccount(account)).isEqualTo(account.replaceAll("\\s+", "").toUpperCase(Locale.ROOT));
    }

    @Test
    void eventTimesJustOverTheSkewAreATimestampDiscrepancyWithTheIsoDuration() {
      ReconciliationResult result = open(
          core(), gateway(), mobile().after(Duration.ofMinutes(5).plusSeconds(1)));

      assertThat(result.status()).isEqualTo(ResultStatus.MISMATCHED);
      assertThat(result.discrepancies()).containsExactly(new Discrepancy(DiscrepancyType.TIMESTAMP,
          "core", "mobile", "2024-03-01T10:00:00Z", "2024-03-01T10:05:01Z", "PT5M1S"));
    }

    @Test
    void eventTimeBeforeTheReferenceHasANegativeDuration() {
      ReconciliationResult result = open(
          core(), gateway().after(Duration.ofMinutes(-5).minusMillis(1)), mobile());

      assertThat(result.discrepancies()).singleElement().satisfies(d -> {
        assertThat(d.type()).isEqualTo(DiscrepancyType.TIMESTAMP);
        assertThat(d.sourceB()).isEqualTo("gateway");
        assertThat(Duration.parse(d.difference())).isEqualTo(Duration.ofMinutes(-5).minusMillis(1));
      });
    }

    @Test
    void eventTimesExactlyTheSkewApartAgree() {
      ReconciliationResult result = open(
          core(), gateway().after(Duration.ofMinutes(-5)), mobile().after(Duration.ofMinutes(5)));

      assertThat(result.status()).isEqualTo(ResultStatus.MATCHED);
      assertThat(result.discrepancies()).isEmpty();
    }

    @Test
    void aSourceAbsentWhenTheWindowClosesIsMissing() {
      ReconciliationResult result = closed(core(), gateway());

      assertThat(result.status()).isEqualTo(ResultStatus.MISSING);
      assertThat(result.sourcesSeen()).containsExactly("core", "gateway");
      assertThat(result.sourcesMissing()).containsExactly("mobile");
      assertThat(result.discrepancies()).containsExactly(missing("mobile"));
    }

    @Test
    void twoDistinctEventsFromOneSourceAreADuplicate() {
      ReconciliationResult result = open(core(), gateway().id("gw-1"), gateway().id("gw-2"), mobile());

      assertThat(result.status()).isEqualTo(ResultStatus.MISMATCHED);
      assertThat(result.sourcesSeen()).containsExactly("core", "gateway", "mobile");
      assertThat(result.discrepancies()).containsExactly(new Discrepancy(
          DiscrepancyType.DUPLICATE, "gateway", "gateway", "gw-1", "gw-2", "reported 2 times"));
    }

    @Test
    void aConflictingResendIsReportedAsADuplicateNamingTheEventTwice() {
      ReconciliationResult result = evaluate(ReconciliationRules.defaults(), false,
          List.of(new Conflict("gateway", "gateway-1")), core(), gateway(), mobile());

      assertThat(result.status()).isEqualTo(ResultStatus.MISMATCHED);
      assertThat(result.discrepancies()).singleElement().satisfies(d -> {
        assertThat(d.type()).isEqualTo(DiscrepancyType.DUPLICATE);
        assertThat(d.sourceA()).isEqualTo("gateway");
        assertThat(d.sourceB()).isEqualTo("gateway");
        assertThat(d.valueA()).isEqualTo("gateway-1");
        assertThat(d.valueB()).isEqualTo("gateway-1");
      });
    }

    @Test
    void theSameConflictRecordedTwiceIsReportedOnce() {
      Conflict conflict = new Conflict("mobile", "mobile-1");
      ReconciliationResult result = evaluate(ReconciliationRules.defaults(), false,
          List.of(conflict, new Conflict("mobile", "mobile-1")), core(), gateway(), mobile());

      assertThat(result.discrepancies()).hasSize(1);
    }
  }

  @Nested
  class AmountsAndTolerances {

    @Test
    void amountsAreComparedByValueNotScale() {
      ReconciliationResult result = open(core().amount("100.0"), gateway().amount("100.00"), mobile().amount("100.000"));

      assertThat(result.status()).isEqualTo(ResultStatus.MATCHED);
    }

    @Test
    void withoutToleranceTheSmallestDifferenceCounts() {
      ReconciliationResult result = open(core(), gateway().amount("100.001"), mobile());

      assertThat(result.discrepancies()).extracting(Discrepancy::type).containsExactly(DiscrepancyType.AMOUNT);
    }

    @Test
    void absoluteToleranceAcceptsADifferenceOfExactlyTheTolerance() {
      ReconciliationRules rules = rules("0.01", "0", Duration.ofMinutes(5));

      ReconciliationResult result = evaluate(rules, false, List.of(),
          core().amount("100.00"), gateway().amount("100.01"), mobile().amount("99.99"));

      assertThat(result.status()).isEqualTo(ResultStatus.MATCHED);
      assertThat(result.discrepancies()).isEmpty();
    }

    @Test
    void absoluteToleranceRejectsADifferenceJustOverTheTolerance() {
      ReconciliationRules rules = rules("0.01", "0", Duration.ofMinutes(5));

      ReconciliationResult result = evaluate(rules, false, List.of(),
          core().amount("100.00"), gateway().amount("100.011"), mobile().amount("99.989"));

      assertThat(result.status()).isEqualTo(ResultStatus.MISMATCHED);
      assertThat(result.discrepancies()).containsExactly(
          new Discrepancy(DiscrepancyType.AMOUNT, "core", "gateway", "100.00", "100.011", "0.011"),
          new Discrepancy(DiscrepancyType.AMOUNT, "core", "mobile", "100.00", "99.989", "-0.011"));
    }

    @Test
    void relativeToleranceAcceptsADifferenceUpToItsShareOfTheReference() {
      ReconciliationRules rules = rules("0", "0.001", Duration.ofMinutes(5));

      ReconciliationResult result = evaluate(rules, false, List.of(),
          core().amount("1000.00"), gateway().amount("1001.00"), mobile().amount("999.00"));

      assertThat(result.status()).isEqualTo(ResultStatus.MATCHED);
    }

    @Test
    void relativeToleranceRejectsADifferenceOverItsShareOfTheReference() {
      ReconciliationRules rules = rules("0", "0.001", Duration.ofMinutes(5));

      ReconciliationResult result = evaluate(rules, false, List.of(),
          core().amount("1000.00"), gateway().amount("1001.01"), mobile().amount("998.99"));

      assertThat(result.discrepancies()).containsExactly(
          new Discrepancy(DiscrepancyType.AMOUNT, "core", "gateway", "1000.00", "1001.01", "1.01"),
          new Discrepancy(DiscrepancyType.AMOUNT, "core", "mobile", "1000.00", "998.99", "-1.01"));
    }

    @Test
    void relativeToleranceIsAShareOfTheReferenceNotOfTheOtherAmount() {
      // 1000.00 vs 999.00 differ by 1.00: within 0.1% of a 1000.00 reference, beyond 0.1% of a 999.00 one (0.999)
      ReconciliationRules rules = rules("0", "0.001", Duration.ofMinutes(5));

      assertThat(evaluate(rules, false, List.of(), core().amount("1000.00"), gateway().amount("999.00"), mobile().amount("1000"))
          .status()).isEqualTo(ResultStatus.MATCHED);
      assertThat(evaluate(rules, false, List.of(), core().amount("999.00"), gateway().amount("1000.00"), mobile().amount("999"))
          .discrepancies()).extracting(Discrepancy::sourceB).containsExactly("gateway");
    }

    @Test
    void eitherToleranceSufficesWhenBothAreSet() {
      ReconciliationRules rules = rules("0.50", "0.001", Duration.ofMinutes(5));

      // small amount: absolute tolerance applies; large amount: relative tolerance applies
      assertThat(evaluate(rules, false, List.of(), core().amount("10.00"), gateway().amount("10.50"), mobile().amount("9.50"))
          .status()).isEqualTo(ResultStatus.MATCHED);
      assertThat(evaluate(rules, false, List.of(), core().amount("5000.00"), gateway().amount("5005.00"), mobile().amount("4995.00"))
          .status()).isEqualTo(ResultStatus.MATCHED);
      assertThat(evaluate(rules, false, List.of(), core().amount("10.00"), gateway().amount("10.51"), mobile().amount("10"))
          .status()).isEqualTo(ResultStatus.MISMATCHED);
    }

    @Test
    void negativeAmountsCompareByValue() {
      ReconciliationResult result = open(core().amount("-250.00"), gateway().amount("-250.0"), mobile().amount("250.00"));

      assertThat(result.referenceAmount()).isEqualTo(new BigDecimal("-250.00"));
      assertThat(result.discrepancies()).containsExactly(
          new Discrepancy(DiscrepancyType.AMOUNT, "core", "mobile", "-250.00", "250.00", "500.00"));
    }

    @Test
    void relativeToleranceUsesTheMagnitudeOfANegativeReference() {
      ReconciliationRules rules = rules("0", "0.001", Duration.ofMinutes(5));

      ReconciliationResult agreeing = evaluate(rules, false, List.of(),
          core().amount("-1000.00"), gateway().amount("-1001.00"), mobile().amount("-999.00"));
      ReconciliationResult disagreeing = evaluate(rules, false, List.of(),
          core().amount("-1000.00"), gateway().amount("-1001.01"), mobile().amount("-1000"));

      assertThat(agreeing.status()).isEqualTo(ResultStatus.MATCHED);
      assertThat(disagreeing.discrepancies()).containsExactly(
          new Discrepancy(DiscrepancyType.AMOUNT, "core", "gateway", "-1000.00", "-1001.01", "-1.01"));
    }
  }

  @Nested
  class PendingVersusMissing {

    @Test
    void twoAgreeingSourcesWithTheWindowOpenArePending() {
      ReconciliationResult result = open(core(), gateway());

      assertThat(result.status()).isEqualTo(ResultStatus.PENDING);
      assertThat(result.sourcesSeen()).containsExactly("core", "gateway");
      assertThat(result.sourcesMissing()).containsExactly("mobile");
      assertThat(result.discrepancies()).isEmpty();
    }

    @Test
    void theSameSourcesWithTheWindowClosedAreMissing() {
      ReconciliationResult result = closed(core(), gateway());

      assertThat(result.status()).isEqualTo(ResultStatus.MISSING);
      assertThat(result.sourcesMissing()).containsExactly("mobile");
      assertThat(result.discrepancies()).containsExactly(missing("mobile"));
    }

    @Test
    void aSingleSourceLeavesTheOthersMissingInConfiguredOrder() {
      ReconciliationResult pending = open(mobile());
      ReconciliationResult missing = closed(mobile());

      assertThat(pending.status()).isEqualTo(ResultStatus.PENDING);
      assertThat(pending.sourcesMissing()).containsExactly("core", "gateway");
      assertThat(missing.status()).isEqualTo(ResultStatus.MISSING);
      assertThat(missing.discrepancies()).containsExactly(missing("core"), missing("gateway"));
    }

    @Test
    void aDisagreementIsReportedAtOnceWhileTheWindowIsOpen() {
      ReconciliationResult result = open(core(), gateway().amount("90.00"));

      assertThat(result.status()).isEqualTo(ResultStatus.MISMATCHED);
      assertThat(result.sourcesMissing()).containsExactly("mobile");
      assertThat(result.discrepancies()).containsExactly(
          new Discrepancy(DiscrepancyType.AMOUNT, "core", "gateway", "100.00", "90.00", "-10.00"));
    }

    @Test
    void aDisagreementWithASourceStillAbsentWhenTheWindowClosesIsMissingAndKeepsTheDisagreement() {
      ReconciliationResult result = closed(core(), gateway().amount("90.00"));

      assertThat(result.status()).isEqualTo(ResultStatus.MISSING);
      assertThat(result.discrepancies()).containsExactly(
          new Discrepancy(DiscrepancyType.AMOUNT, "core", "gateway", "100.00", "90.00", "-10.00"),
          missing("mobile"));
    }

    @Test
    void aSourceThatIsNotExpectedIsNeverMissing() {
      ReconciliationRules mobileOptional = new ReconciliationRules(
          List.of("core", "gateway", "mobile"), Set.of("core", "gateway"), Duration.ofSeconds(30),
          BigDecimal.ZERO, BigDecimal.ZERO, Duration.ofMinutes(5), ReconciliationRules.defaultVocabularies());

      ReconciliationResult result = evaluate(mobileOptional, true, List.of(), core(), gateway());

      assertThat(result.status()).isEqualTo(ResultStatus.MATCHED);
      assertThat(result.sourcesMissing()).isEmpty();
    }

    @Test
    void aLateEventCompletesATransactionThatWasMissing() {
      ReconciliationResult beforeMobile = closed(core(), gateway());
      ReconciliationResult afterMobile = closed(core(), gateway(), mobile());

      assertThat(beforeMobile.status()).isEqualTo(ResultStatus.MISSING);
      assertThat(afterMobile.status()).isEqualTo(ResultStatus.MATCHED);
      assertThat(afterMobile.sourcesMissing()).isEmpty();
      assertThat(afterMobile.discrepancies()).isEmpty();
    }
  }

  @Nested
  class WhichEventSpeaksForASource {

    @Test
    void withoutCoreTheGatewayIsTheReference() {
      ReconciliationResult result = open(mobile().amount("81.00"), gateway().amount("80.00").currency("USD"));

      assertThat(result.sourcesSeen()).containsExactly("gateway", "mobile");
      assertThat(result.sourcesMissing()).containsExactly("core");
      assertThat(result.referenceAmount()).isEqualTo(new BigDecimal("80.00"));
      assertThat(result.currency()).isEqualTo("USD");
      assertThat(result.discrepancies()).containsExactly(
          new Discrepancy(DiscrepancyType.AMOUNT, "gateway", "mobile", "80.00", "81.00", "1.00"),
          new Discrepancy(DiscrepancyType.CURRENCY, "gateway", "mobile", "USD", "EUR", null));
    }

    @Test
    void aRedeliveredEventCountsOnce() {
      TransactionEvent gatewayEvent = gateway().build();
      List<TransactionEvent> events = List.of(
          core().build(), gatewayEvent, mobile().build(), gatewayEvent, gateway().build());

      ReconciliationResult result = new Reconciler(ReconciliationRules.defaults())
          .evaluate(TXN, events, List.of(), true, FIRST_SEEN, REVISION);

      assertThat(result.status()).isEqualTo(ResultStatus.MATCHED);
      assertThat(result.discrepancies()).isEmpty();
    }

    @Test
    void theEarliestEventRepresentsASourceWhateverTheInputOrder() {
      Events.Builder early = gateway().id("gw-b").amount("100.00").after(Duration.ZERO);
      Events.Builder late = gateway().id("gw-a").amount("120.00").after(Duration.ofMinutes(1));

      ReconciliationResult earlyFirst = open(core(), early, late, mobile());
      ReconciliationResult lateFirst = open(late, mobile(), core(), early);

      assertThat(earlyFirst).isEqualTo(lateFirst);
      // gw-b speaks for gateway: no AMOUNT discrepancy, only the duplicate
      assertThat(earlyFirst.discrepancies()).containsExactly(new Discrepancy(
          DiscrepancyType.DUPLICATE, "gateway", "gateway", "gw-b", "gw-a", "reported 2 times"));
    }

    @Test
    void betweenEventsOfTheSameTimeTheLowestEventIdRepresentsTheSource() {
      Events.Builder second = gateway().id("gw-2").amount("120.00");
      Events.Builder first = gateway().id("gw-1").amount("100.00");

      ReconciliationResult result = open(core(), second, first, mobile());

      assertThat(result.discrepancies()).containsExactly(new Discrepancy(
          DiscrepancyType.DUPLICATE, "gateway", "gateway", "gw-1", "gw-2", "reported 2 times"));
    }

    @Test
    void theEarliestEventOfTheReferenceSourceGivesTheReferenceAmount() {
      ReconciliationResult result = open(
          core().id("core-late").amount("70.00").after(Duration.ofSeconds(10)),
          core().id("core-early").amount("100.00"),
          gateway(), mobile());

      assertThat(result.referenceAmount()).isEqualTo(new BigDecimal("100.00"));
      assertThat(result.discrepancies()).extracting(Discrepancy::type).containsExactly(DiscrepancyType.DUPLICATE);
    }

    @Test
    void everyExtraEventOfASourceIsReported() {
      ReconciliationResult result = open(core(), gateway(),
          mobile().id("m-3").after(Duration.ofSeconds(3)),
          mobile().id("m-1").after(Duration.ofSeconds(1)),
          mobile().id("m-2").after(Duration.ofSeconds(2)));

      assertThat(result.discrepancies()).containsExactly(
          new Discrepancy(DiscrepancyType.DUPLICATE, "mobile", "mobile", "m-1", "m-2", "reported 3 times"),
          new Discrepancy(DiscrepancyType.DUPLICATE, "mobile", "mobile", "m-1", "m-3", "reported 3 times"));
    }
  }

  @Nested
  class ArrivalOrder {

    @Test
    void allSixArrivalOrdersOfAMismatchedTransactionGiveTheSameResult() {
      List<TransactionEvent> events = List.of(
          core().build(), gateway().amount("101.00").build(), mobile().after(Duration.ofSeconds(2)).build());
      Reconciler reconciler = new Reconciler(ReconciliationRules.defaults());

      List<List<TransactionEvent>> orders = permutations(events);
      assertThat(orders).hasSize(6);
      ReconciliationResult expected = reconciler.evaluate(TXN, orders.get(0), List.of(), false, FIRST_SEEN, REVISION);
      assertThat(expected.status()).isEqualTo(ResultStatus.MISMATCHED);
      assertThat(expected.discrepancies()).containsExactly(
          new Discrepancy(DiscrepancyType.AMOUNT, "core", "gateway", "100.00", "101.00", "1.00"));
      for (List<TransactionEvent> order : orders) {
        assertThat(reconciler.evaluate(TXN, order, List.of(), false, FIRST_SEEN, REVISION))
            .as("arrival order %s", order.stream().map(TransactionEvent::source).toList())
            .isEqualTo(expected);
      }
    }

    static <T> List<List<T>> permutations(List<T> items) {
      if (items.isEmpty()) {
        return List.of(List.of());
      }
      List<List<T>> result = new ArrayList<>();
      for (int i = 0; i < items.size(); i++) {
        List<T> rest = new ArrayList<>(items);
        T head = rest.remove(i);
        for (List<T> tail : permutations(rest)) {
          List<T> permutation = new ArrayList<>();
          permutation.add(head);
          permutation.addAll(tail);
          result.add(permutation);
        }
      }
      return result;
    }
  }

  @Nested
  class InputsItRefuses {

    @Test
    void noEventsIsRejected() {
      Reconciler reconciler = new Reconciler(ReconciliationRules.defaults());

      assertThatThrownBy(() -> reconciler.evaluate(TXN, List.of(), List.of(), false, FIRST_SEEN, REVISION))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(TXN);
    }

    @Test
    void anEventOfAnotherTransactionIsRejected() {
      assertThatThrownBy(() -> open(core(), gateway().txn("txn-other").id("gw-x")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("gw-x")
          .hasMessageContaining("txn-other");
    }

    @Test
    void anUnknownSourceHasNoOrder() {
      ReconciliationRules rules = ReconciliationRules.defaults();

      assertThat(rules.order("core")).isZero();
      assertThat(rules.order("mobile")).isEqualTo(2);
      assertThatThrownBy(() -> rules.order("atm"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("atm");
    }

    @Test
    void anEventFromAnUnknownSourceIsRejectedEvenAlone() {
      assertThatThrownBy(() -> open(Events.from("atm")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("atm");
      assertThatThrownBy(() -> open(core(), Events.from("atm")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("atm");
    }
  }
}
