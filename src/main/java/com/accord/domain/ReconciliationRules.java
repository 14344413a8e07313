package com.accord.domain;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The rules a transaction is reconciled by: which sources exist (in reference order: the first
 * present source is the one the others are compared against), which must report, how long they
 * have, and how close is close enough.
 *
 * @param sources every source Accord accepts, in reference order
 * @param expectedSources the sources that must report every transaction before its window closes
 * @param window time from a transaction's first event until absent expected sources make it MISSING
 * @param amountToleranceAbsolute two amounts agree when they differ by at most this much ...
 * @param amountToleranceRelative ... or by at most this fraction of the reference amount's magnitude
 * @param timestampSkew two event times agree when at most this far apart
 * @param statusVocabularies per source, its own status words mapped to canonical statuses (case-insensitive);
 *     the canonical names themselves are always understood
 */
public record ReconciliationRules(
    List<String> sources,
    Set<String> expectedSources,
    Duration window,
    BigDecimal amountToleranceAbsolute,
    BigDecimal amountToleranceRelative,
    Duration timestampSkew,
    Map<String, Map<String, CanonicalStatus>> statusVocabularies) {

  public ReconciliationRules {
    sources = List.copyOf(sources);
    expectedSources = Set.copyOf(expectedSources);
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(amountToleranceAbsolute, "amountToleranceAbsolute");
    Objects.requireNonNull(amountToleranceRelative, "amountToleranceRelative");
    Objects.requireNonNull(timestampSkew, "timestampSkew");
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("sources must not be empty");
    }
    if (Set.copyOf(sources).size() != sources.size()) {
      throw new IllegalArgumentException("sources must not repeat a name: " + sources);
    }
    if (!sources.containsAll(expectedSources)) {
      throw new IllegalArgumentException("expectedSources " + expectedSources + " must be among sources " + sources);
    }
    if (expectedSources.isEmpty()) {
      throw new IllegalArgumentException("expectedSources must name at least one source");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window must be positive, was " + window);
    }
    if (timestampSkew.isNegative()) {
      throw new IllegalArgumentException("timestampSkew must not be negative, was " + timestampSkew);
    }
    if (amountToleranceAbsolute.signum() < 0) {
      throw new IllegalArgumentException("amountToleranceAbsolute must not be negative, was " + amountToleranceAbsolute);
    }
    if (amountToleranceRelative.signum() < 0 || amountToleranceRelative.compareTo(BigDecimal.ONE) > 0) {
      throw new IllegalArgumentException("amountToleranceRelative must be between 0 and 1, was " + amountToleranceRelative);
    }
    Map<String, Map<String, CanonicalStatus>> normalised = new LinkedHashMap<>();
    List<String> knownSources = sources;
    statusVocabularies.forEach((source, vocabulary) -> {
      if (!knownSources.contains(source)) {
        throw new IllegalArgumentException("statusVocabularies names unknown source '" + source + "'");
      }
      Map<String, CanonicalStatus> words = new LinkedHashMap<>();
      vocabulary.forEach((word, status) -> words.put(word.toUpperCase(Locale.ROOT), Objects.requireNonNull(status)));
      normalised.put(source, Map.copyOf(words));
    });
    statusVocabularies = Map.copyOf(normalised);
  }

  /** True when Accord accepts events from this source. */
  public boolean knowsSource(String source) {
    return sources.contains(source);
  }

  /** Position of a source in reference order; lower compares first. */
  public int order(String source) {
    int index = sources.indexOf(source);
    if (index < 0) {
      throw new IllegalArgumentException("unknown source '" + source + "'");
    }
    return index;
  }

  /**
   * The canonical status a source's own status word stands for, or empty when the source's
   * vocabulary does not know the word. Canonical names are understood from every source.
   */
  public Optional<CanonicalStatus> canonicalStatus(String source, String status) {
    String word = status.toUpperCase(Locale.ROOT);
    CanonicalStatus mapped = statusVocabularies.getOrDefault(source, Map.of()).get(word);
    if (mapped != null) {
      return Optional.of(mapped);
    }
    for (CanonicalStatus canonical : CanonicalStatus.values()) {
      if (canonical.name().equals(word)) {
        return Optional.of(canonical);
      }
    }
    return Optional.empty();
  }

  /** The rules Accord ships with: three sources, all expected, exact amounts, five minutes of skew. */
  public static ReconciliationRules defaults() {
    return new ReconciliationRules(
        List.of("core", "gateway", "mobile"),
        Set.of("core", "gateway", "mobile"),
        Duration.ofSeconds(30),
        BigDecimal.ZERO,
        BigDecimal.ZERO,
        Duration.ofMinutes(5),
        defaultVocabularies());
  }

  /** Status words of the three default systems. */
  public static Map<String, Map<String, CanonicalStatus>> defaultVocabularies() {
    return Map.of(
        "core", Map.of(
            "POSTED", CanonicalStatus.COMPLETED,
            "BOOKED", CanonicalStatus.COMPLETED,
            "HELD", CanonicalStatus.PENDING,
            "REJECTED", CanonicalStatus.FAILED,
            "REVERSED", CanonicalStatus.REVERSED),
        "gateway", Map.of(
            "SETTLED", CanonicalStatus.COMPLETED,
            "CAPTURED", CanonicalStatus.COMPLETED,
            "AUTHORIZED", CanonicalStatus.PENDING,
            "DECLINED", CanonicalStatus.FAILED,
            "REFUNDED", CanonicalStatus.REVERSED),
        "mobile", Map.of(
            "SUCCESS", CanonicalStatus.COMPLETED,
            "PROCESSING", CanonicalStatus.PENDING,
            "ERROR", CanonicalStatus.FAILED,
            "CANCELLED", CanonicalStatus.REVERSED));
  }
}
