package com.accord.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Specification of the {@link ReconciliationRules} a {@link Reconciler} works by: what is accepted and what is refused. */
class ReconcilerRulesTest {

  private static final List<String> SOURCES = List.of("core", "gateway", "mobile");
  private static final Set<String> EXPECTED = Set.of("core", "gateway", "mobile");
  private static final Duration WINDOW = Duration.ofSeconds(30);
  private static final BigDecimal ABSOLUTE = new BigDecimal("0.01");
  private static final BigDecimal RELATIVE = new BigDecimal("0.001");
  private static final Duration SKEW = Duration.ofMinutes(5);
  private static final Map<String, Map<String, CanonicalStatus>> VOCABULARIES = ReconciliationRules.defaultVocabularies();

  @Test
  void defaultsAreThreeExpectedSourcesExactAmountsAndFiveMinutesOfSkew() {
    ReconciliationRules rules = ReconciliationRules.defaults();

    assertThat(rules.sources()).containsExactly("core", "gateway", "mobile");
    assertThat(rules.expectedSources()).containsExactlyInAnyOrder("core", "gateway", "mobile");
    assertThat(rules.amountToleranceAbsolute()).isZero();
    assertThat(rules.amountToleranceRelative()).isZero();
    assertThat(rules.timestampSkew()).isEqualTo(Duration.ofMinutes(5));
    assertThat(rules.window()).isPositive();
  }

  @Test
  void defaultVocabulariesMapEachSystemsWords() {
    ReconciliationRules rules = ReconciliationRules.defaults();

    assertThat(rules.canonicalStatus("core", "POSTED")).contains(CanonicalStatus.COMPLETED);
    assertThat(rules.canonicalStatus("core", "booked")).contains(CanonicalStatus.COMPLETED);
    assertThat(rules.canonicalStatus("gateway", "SETTLED")).contains(CanonicalStatus.COMPLETED);
    assertThat(rules.canonicalStatus("gateway", "DECLINED")).contains(CanonicalStatus.FAILED);
    assertThat(rules.canonicalStatus("mobile", "SUCCESS")).contains(CanonicalStatus.COMPLETED);
    assertThat(rules.canonicalStatus("mobile", "CANCELLED")).contains(CanonicalStatus.REVERSED);
    assertThat(rules.canonicalStatus("mobile", "pending")).contains(CanonicalStatus.PENDING);
    // a word is only understood from the source whose vocabulary it belongs to
    assertThat(rules.canonicalStatus("core", "SETTLED")).isEqualTo(Optional.empty());
    assertThat(rules.canonicalStatus("gateway", "GIBBERISH")).isEmpty();
  }

  @Test
  void vocabularyWordsAreMatchedRegardlessOfHowTheyWereConfigured() {
    ReconciliationRules rules = new ReconciliationRules(SOURCES, EXPECTED, WINDOW, ABSOLUTE, RELATIVE, SKEW,
        Map.of("core", Map.of("Gebucht", CanonicalStatus.COMPLETED)));

    assertThat(rules.canonicalStatus("core", "GEBUCHT")).contains(CanonicalStatus.COMPLETED);
    assertThat(rules.canonicalStatus("core", "gebucht")).contains(CanonicalStatus.COMPLETED);
  }

  @Test
  void knowsOnlyConfiguredSources() {
    ReconciliationRules rules = ReconciliationRules.defaults();

    assertThat(rules.knowsSource("gateway")).isTrue();
    assertThat(rules.knowsSource("atm")).isFalse();
  }

  @Test
  void acceptsBoundaryValues() {
    assertThatCode(() -> new ReconciliationRules(List.of("core"), Set.of("core"), Duration.ofMillis(1),
        BigDecimal.ZERO, BigDecimal.ONE, Duration.ZERO, Map.of())).doesNotThrowAnyException();
  }

  @Test
  void rejectsNoSources() {
    assertThatThrownBy(() -> new ReconciliationRules(List.of(), Set.of(), WINDOW, ABSOLUTE, RELATIVE, SKEW, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sources");
  }

  @Test
  void rejectsARepeatedSource() {
    assertThatThrownBy(() -> new ReconciliationRules(List.of("core", "gateway", "core"), Set.of("core"),
        WINDOW, ABSOLUTE, RELATIVE, SKEW, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sources");
  }

  @Test
  void rejectsAnExpectedSourceThatIsNotASource() {
    assertThatThrownBy(() -> new ReconciliationRules(SOURCES, Set.of("core", "atm"),
        WINDOW, ABSOLUTE, RELATIVE, SKEW, VOCABULARIES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expectedSources")
        .hasMessageContaining("atm");
  }

  @Test
  void rejectsNoExpectedSources() {
    assertThatThrownBy(() -> new ReconciliationRules(SOURCES, Set.of(), WINDOW, ABSOLUTE, RELATIVE, SKEW, VOCABULARIES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expectedSources");
  }

  @Test
  void rejectsAZeroWindow() {
    assertThatThrownBy(() -> new ReconciliationRules(SOURCES, EXPECTED, Duration.ZERO, ABSOLUTE, RELATIVE, SKEW, VOCABULARIES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window");
  }

  @Test
  void rejectsANegativeWindow() {
    assertThatThrownBy(() -> new ReconciliationRules(SOURCES, EXPECTED, Duration.ofSeconds(-1), ABSOLUTE, RELATIVE, SKEW, VOCABULARIES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("window");
  }

  @Test
  void rejectsANegativeAbsoluteTolerance() {
    assertThatThrownBy(() -> new ReconciliationRules(SOURCES, EXPECTED, WINDOW, new BigDecimal("-0.01"), RELATIVE, SKEW, VOCABULARIES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("amountToleranceAbsolute");
  }

  @Test
  void rejectsARelativeToleranceAboveOne() {
    assertThatThrownBy(() -> new ReconciliationRules(SOURCES, EXPECTED, WINDOW, ABSOLUTE, new BigDecimal("1.0001"), SKEW, VOCABULARIES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("amountToleranceRelative");
  }

  @Test
  void rejectsANegativeRelativeTolerance() {
    assertThatThrownBy(() -> new ReconciliationRules(SOURCES, EXPECTED, WINDOW, ABSOLUTE, new BigDecimal("-0.001"), SKEW, VOCABULARIES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("amountToleranceRelative");
  }

  @Test
  void rejectsANegativeSkew() {
    assertThatThrownBy(() -> new ReconciliationRules(SOURCES, EXPECTED, WINDOW, ABSOLUTE, RELATIVE, Duration.ofSeconds(-1), VOCABULARIES))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timestampSkew");
  }

  @Test
  void rejectsAVocabularyForAnUnknownSource() {
    assertThatThrownBy(() -> new ReconciliationRules(SOURCES, EXPECTED, WINDOW, ABSOLUTE, RELATIVE, SKEW,
        Map.of("atm", Map.of("OK", CanonicalStatus.COMPLETED))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("statusVocabularies")
        .hasMessageContaining("atm");
  }
}
