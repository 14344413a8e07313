package com.accord.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The verdict on one transaction, computed from every event seen for it.
 *
 * <p>{@code stateRevision} grows with every event added to the transaction's state and when its
 * window closes; persistence never lets a lower revision overwrite a higher one, so results
 * computed concurrently (several instances, pipelined batches) cannot regress.
 * {@code referenceAmount} and {@code currency} are those of the reference source (the first
 * configured source present) and serve the amount filters of the read API.
 */
public record ReconciliationResult(
    String txnId,
    ResultStatus status,
    List<String> sourcesSeen,
    List<String> sourcesMissing,
    List<Discrepancy> discrepancies,
    BigDecimal referenceAmount,
    String currency,
    Instant firstSeenAt,
    long stateRevision) {

  public ReconciliationResult {
    Objects.requireNonNull(txnId, "txnId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(firstSeenAt, "firstSeenAt");
    sourcesSeen = List.copyOf(sourcesSeen);
    sourcesMissing = List.copyOf(sourcesMissing);
    discrepancies = List.copyOf(discrepancies);
    if (stateRevision < 1) {
      throw new IllegalArgumentException("stateRevision must be positive, was " + stateRevision);
    }
  }

  /** True when both say the same thing about the transaction (revision and timing aside). */
  public boolean sameVerdictAs(ReconciliationResult other) {
    return txnId.equals(other.txnId)
        && status == other.status
        && sourcesSeen.equals(other.sourcesSeen)
        && sourcesMissing.equals(other.sourcesMissing)
        && discrepancies.equals(other.discrepancies);
  }
}
