package com.accord.simulation;

import com.accord.domain.TransactionEvent;
import java.util.List;

/**
 * One generated transaction with its ground truth.
 *
 * @param events delivered first, in any order
 * @param lateEvents must come after all of {@code events} (conflicting re-sends of an event id)
 * @param heldBack delivered only after the scenario's late delay (late arrival)
 */
public record GeneratedTransaction(
    String txnId, Defect defect, List<TransactionEvent> events, List<TransactionEvent> lateEvents, List<TransactionEvent> heldBack) {

  public GeneratedTransaction(String txnId, Defect defect, List<TransactionEvent> events, List<TransactionEvent> lateEvents) {
    this(txnId, defect, events, lateEvents, List.of());
  }
}
