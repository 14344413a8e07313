package com.accord.bus;

import com.accord.domain.Conflict;
import com.accord.domain.FieldError;
import com.accord.domain.ReconciliationResult;
import com.accord.domain.TransactionEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The records that travel on the event bus (see {@link Addresses}); all immutable. */
public final class Messages {
  private Messages() {}

  /** How an event entered Accord. */
  public enum Via { HTTP, KAFKA, REPLAY, SIMULATOR }

  /** What became of one submitted item. */
  public enum Disposition { ACCEPTED, DUPLICATE, CONFLICT, REJECTED }

  /** An item that failed validation, kept with its errors (and raw bytes where there are some). */
  public record Rejection(int index, String reason, List<FieldError> errors, byte[] raw, KafkaOrigin origin) {
    public Rejection(int index, String reason, List<FieldError> errors, byte[] raw) {
      this(index, reason, errors, raw, null);
    }
  }

  /** Where a Kafka record was read from. */
  public record KafkaOrigin(String topic, int partition, long offset) {}

  /** A valid event with its position in the submitted batch. */
  public record Submitted(int index, TransactionEvent event) {}

  public record IngestBatch(Via via, Instant receivedAt, List<Submitted> events, List<Rejection> rejections) {
    public IngestBatch {
      Objects.requireNonNull(via);
      Objects.requireNonNull(receivedAt);
      events = List.copyOf(events);
      rejections = List.copyOf(rejections);
    }
  }

  public record ItemOutcome(int index, Disposition disposition, String source, String eventId, List<FieldError> errors) {}

  public record IngestReceipt(List<ItemOutcome> items) {}

  /**
   * Events to write ahead, each unique by (source, event id) within the request, plus events
   * already known to conflict with an earlier one of the same request.
   */
  public record RawWrite(
      Via via, Instant receivedAt, List<TransactionEvent> events, List<TransactionEvent> conflicts, List<Rejection> rejections) {}

  /** Per event of the request, in its order: ACCEPTED (newly stored), DUPLICATE or CONFLICT. */
  /**
   * @param txnsWithHistory transactions that had events stored before this write: only these can
   *     have state Redis lacks (evicted, expired, lost), so only these are read back from PostgreSQL
   */
  public record RawWriteOutcome(List<Disposition> dispositions, Set<String> txnsWithHistory) {}

  /** A conflicting re-send, with the transaction it claims to belong to. */
  public record ConflictSeen(String txnId, Conflict conflict) {}

  /** @param txnsWithHistory see {@link RawWriteOutcome#txnsWithHistory()} */
  public record CorrelationBatch(Instant receivedAt, List<TransactionEvent> events, List<ConflictSeen> conflicts,
      Set<String> txnsWithHistory) {}

  public record CorrelationDone(int resultsComputed) {}

  public record ResultBatch(List<ReconciliationResult> results) {}

  /** A result whose verdict changed, with the version it was stored under. */
  public record StoredResult(ReconciliationResult result, int version, String previousStatus) {}

  public record ResultsStored(List<StoredResult> changed) {}

  public record LoadEvents(List<String> txnIds) {}

  /** Everything stored for some transactions: their events, conflicts and first receive times. */
  public record StoredEvents(
      Map<String, List<TransactionEvent>> events,
      Map<String, List<Conflict>> conflicts,
      Map<String, Instant> firstReceivedAt) {}

  /**
   * Transactions whose Redis state must exist: not yet settled, or touched since {@code since}.
   * Paged by txn id: {@code afterTxnId} is exclusive, null for the first page.
   */
  public record LoadOpenTransactions(Instant since, String afterTxnId, int limit) {}

  public record OpenTransactions(StoredEvents page, String lastTxnId) {}
}
