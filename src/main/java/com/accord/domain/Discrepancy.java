package com.accord.domain;

import java.util.Objects;

/**
 * One disagreement in a transaction: which sources were compared, what each said, and the difference.
 *
 * <p>For {@link DiscrepancyType#MISSING} {@code sourceA} is the absent source and the other fields
 * are null. For {@link DiscrepancyType#DUPLICATE} both sources are the reporting source and the
 * values name the events involved.
 */
public record Discrepancy(
    DiscrepancyType type,
    String sourceA,
    String sourceB,
    String valueA,
    String valueB,
    String difference) {

  public Discrepancy {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(sourceA, "sourceA");
  }
}
