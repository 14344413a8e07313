package com.accord.correlation;

import com.accord.domain.Conflict;
import com.accord.domain.TransactionEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A transaction's correlation state as the Redis function returned it.
 *
 * @param fresh the call created the state: Redis had nothing for this transaction (first event, or cache lost)
 * @param entries every entry of the state (events and conflicts), field to value
 */
record TxnState(String txnId, boolean fresh, boolean windowClosed, Map<String, String> entries, Instant firstSeenAt, long entryCount) {

  boolean isEmpty() {
    return entries.isEmpty();
  }

  /** Grows with every entry added and once more when the window closes; see ReconciliationResult. */
  long revision() {
    return entryCount * 2 + (windowClosed ? 1 : 0);
  }

  boolean has(String field) {
    return entries.containsKey(field);
  }

  List<TransactionEvent> events() {
    List<TransactionEvent> events = new ArrayList<>();
    entries.forEach((field, value) -> {
      if (PackedState.isEvent(field)) {
        events.add(PackedState.event(txnId, field, value));
      }
    });
    return events;
  }

  List<Conflict> conflicts() {
    List<Conflict> conflicts = new ArrayList<>();
    entries.forEach((field, value) -> {
      if (!PackedState.isEvent(field)) {
        conflicts.add(PackedState.conflict(txnId, field));
      }
    });
    return conflicts;
  }
}
