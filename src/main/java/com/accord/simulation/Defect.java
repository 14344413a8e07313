package com.accord.simulation;

import com.accord.domain.DiscrepancyType;
import com.accord.domain.ResultStatus;
import java.util.Set;

/** What can be wrong with a generated transaction, and the result Accord must reach for it. */
public enum Defect {
  NONE(ResultStatus.MATCHED, Set.of()),
  AMOUNT(ResultStatus.MISMATCHED, Set.of(DiscrepancyType.AMOUNT)),
  CURRENCY(ResultStatus.MISMATCHED, Set.of(DiscrepancyType.CURRENCY)),
  STATUS(ResultStatus.MISMATCHED, Set.of(DiscrepancyType.STATUS)),
  ACCOUNT(ResultStatus.MISMATCHED, Set.of(DiscrepancyType.ACCOUNT)),
  TIMESTAMP(ResultStatus.MISMATCHED, Set.of(DiscrepancyType.TIMESTAMP)),
  MISSING_SOURCE(ResultStatus.MISSING, Set.of(DiscrepancyType.MISSING)),
  /** A source reports the transaction twice under two event ids. */
  DUPLICATE(ResultStatus.MISMATCHED, Set.of(DiscrepancyType.DUPLICATE)),
  /** A source re-sends an event id with different content, after the original. */
  CONFLICT(ResultStatus.MISMATCHED, Set.of(DiscrepancyType.DUPLICATE)),
  /** The same event delivered twice: transport noise, not a break. */
  REDELIVERY(ResultStatus.MATCHED, Set.of()),
  /** One source's event arrives after the window closed: MISSING first, then re-opened and MATCHED. */
  LATE_ARRIVAL(ResultStatus.MATCHED, Set.of());

  private final ResultStatus expectedStatus;
  private final Set<DiscrepancyType> expectedTypes;

  Defect(ResultStatus expectedStatus, Set<DiscrepancyType> expectedTypes) {
    this.expectedStatus = expectedStatus;
    this.expectedTypes = expectedTypes;
  }

  public ResultStatus expectedStatus() {
    return expectedStatus;
  }

  public Set<DiscrepancyType> expectedTypes() {
    return expectedTypes;
  }
}
