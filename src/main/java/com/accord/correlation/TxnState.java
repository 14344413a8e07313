package com.accord.correlation;

import com.accord.domain.Conflict;
import com.accord.domain.EventJson;
import com.accord.domain.TransactionEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A transaction's correlation state as the Redis function returned it.
 *
 * @param fresh the call created the state: Redis had nothing for this transaction (first event, or cache lost)
 * @param entries every entry field of the hash (events and conflicts) to its value
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
      if (field.startsWith(StateUpdate.EVENT_PREFIX)) {
        events.add(EventJson.fromJson(value));
      }
    });
    return events;
  }

  List<Conflict> conflicts() {
    List<Conflict> conflicts = new ArrayList<>();
    entries.forEach((field, value) -> {
      if (field.startsWith(StateUpdate.CONFLICT_PREFIX)) {
        String rest = field.substring(StateUpdate.CONFLICT_PREFIX.length());
        int colon = rest.indexOf(':');
        conflicts.add(new Conflict(rest.substring(0, colon), rest.substring(colon + 1)));
      }
    });
    return conflicts;
  }
}
