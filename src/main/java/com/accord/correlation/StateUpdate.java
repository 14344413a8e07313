package com.accord.correlation;

import com.accord.domain.Conflict;
import com.accord.domain.TransactionEvent;
import java.time.Instant;

/**
 * One call of the Redis function: add an entry to a transaction's state (or, with a null field,
 * only read it). Fields and values are {@link PackedState}'s.
 */
record StateUpdate(String txnId, String field, String value, Instant receivedAt) {

  static StateUpdate event(TransactionEvent event, Instant receivedAt) {
    return new StateUpdate(event.txnId(), PackedState.eventField(event), PackedState.eventValue(event), receivedAt);
  }

  static StateUpdate conflict(String txnId, Conflict conflict, Instant receivedAt) {
    return new StateUpdate(txnId, PackedState.conflictField(txnId, conflict), "", receivedAt);
  }

  static StateUpdate read(String txnId, Instant now) {
    return new StateUpdate(txnId, null, null, now);
  }
}
