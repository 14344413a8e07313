package com.accord.correlation;

import com.accord.domain.Conflict;
import com.accord.domain.EventJson;
import com.accord.domain.TransactionEvent;
import java.time.Instant;

/**
 * One call of the Redis function: add an entry to a transaction's state (or, with a null field,
 * only read it).
 */
record StateUpdate(String txnId, String field, String value, Instant receivedAt) {

  static final String EVENT_PREFIX = "e:";
  static final String CONFLICT_PREFIX = "c:";

  static StateUpdate event(TransactionEvent event, Instant receivedAt) {
    return new StateUpdate(event.txnId(), EVENT_PREFIX + event.source() + ":" + event.eventId(), EventJson.toJson(event), receivedAt);
  }

  static StateUpdate conflict(String txnId, Conflict conflict, Instant receivedAt) {
    return new StateUpdate(txnId, CONFLICT_PREFIX + conflict.source() + ":" + conflict.eventId(), "1", receivedAt);
  }

  static StateUpdate read(String txnId, Instant now) {
    return new StateUpdate(txnId, null, null, now);
  }
}
