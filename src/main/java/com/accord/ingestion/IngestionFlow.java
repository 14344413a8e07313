package com.accord.ingestion;

import com.accord.bus.Addresses;
import com.accord.bus.Messages.ConflictSeen;
import com.accord.bus.Messages.CorrelationBatch;
import com.accord.bus.Messages.Disposition;
import com.accord.bus.Messages.IngestBatch;
import com.accord.bus.Messages.IngestReceipt;
import com.accord.bus.Messages.ItemOutcome;
import com.accord.bus.Messages.RawWrite;
import com.accord.bus.Messages.RawWriteOutcome;
import com.accord.bus.Messages.Rejection;
import com.accord.bus.Messages.Submitted;
import com.accord.domain.Conflict;
import com.accord.domain.TransactionEvent;
import com.accord.metrics.PipelineMetrics;
import com.accord.metrics.PipelineMetrics.Stage;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The two steps of taking in a validated batch, over the event bus: the write-ahead to
 * {@code raw_events}, then correlation of what was stored. Split so that a channel with an order
 * (a Kafka partition) can write batches ahead one after another, in that order, while their
 * correlation overlaps: which of two different payloads under one event identity is the original
 * and which the conflicting re-send is decided by the write-ahead, so it must follow arrival order.
 */
public final class IngestionFlow {

  private final EventBus bus;
  private final PipelineMetrics metrics;

  public IngestionFlow(EventBus bus, PipelineMetrics metrics) {
    this.bus = bus;
    this.metrics = metrics;
  }

  /** A batch written ahead: its events with repeats resolved, and what the database made of each. */
  public record Written(IngestBatch batch, InBatch events, RawWriteOutcome stored) {}

  public Future<Written> writeAhead(IngestBatch batch) {
    metrics.stage(Stage.WRITE_AHEAD_WAIT, batch.receivedAt());
    long started = System.nanoTime();
    InBatch deduplicated = InBatch.of(batch.events());
    RawWrite write = new RawWrite(batch.via(), batch.receivedAt(), deduplicated.unique(),
        deduplicated.conflictingInBatch(), batch.rejections());
    return bus.<RawWriteOutcome>request(Addresses.PERSIST_RAW, write)
        .map(Message::body)
        .map(stored -> {
          metrics.stage(Stage.WRITE_AHEAD, started);
          return new Written(batch, deduplicated, stored);
        });
  }

  /**
   * Stored and re-delivered events both go to correlation: a producer re-sends a batch whose
   * first attempt failed after the write-ahead, and the re-send must still produce its results.
   * Safe to repeat: correlation is idempotent.
   */
  public Future<IngestReceipt> correlate(Written written) {
    List<TransactionEvent> toCorrelate = new ArrayList<>();
    List<ConflictSeen> conflicts = new ArrayList<>();
    InBatch events = written.events();
    for (int i = 0; i < events.unique().size(); i++) {
      TransactionEvent event = events.unique().get(i);
      if (written.stored().dispositions().get(i) == Disposition.CONFLICT) {
        conflicts.add(new ConflictSeen(event.txnId(), new Conflict(event.source(), event.eventId())));
      } else {
        toCorrelate.add(event);
      }
    }
    for (TransactionEvent conflicting : events.conflictingInBatch()) {
      conflicts.add(new ConflictSeen(conflicting.txnId(), new Conflict(conflicting.source(), conflicting.eventId())));
    }
    Future<Void> correlated = toCorrelate.isEmpty() && conflicts.isEmpty()
        ? Future.succeededFuture()
        : bus.request(Addresses.CORRELATE, new CorrelationBatch(written.batch().receivedAt(), toCorrelate, conflicts,
            written.stored().txnsWithHistory())).mapEmpty();
    return correlated.map(v -> {
      metrics.detected(written.batch().via().name().toLowerCase(java.util.Locale.ROOT), written.batch().receivedAt(),
          toCorrelate.size());
      return receipt(written);
    });
  }

  private static IngestReceipt receipt(Written written) {
    IngestBatch batch = written.batch();
    List<ItemOutcome> items = new ArrayList<>(batch.events().size() + batch.rejections().size());
    for (Submitted submitted : batch.events()) {
      TransactionEvent event = submitted.event();
      Disposition disposition = written.events().dispositionOf(submitted, written.stored());
      items.add(new ItemOutcome(submitted.index(), disposition, event.source(), event.eventId(), List.of()));
    }
    for (Rejection rejection : batch.rejections()) {
      items.add(new ItemOutcome(rejection.index(), Disposition.REJECTED, null, null, rejection.errors()));
    }
    items.sort((a, b) -> Integer.compare(a.index(), b.index()));
    return new IngestReceipt(items);
  }

  /**
   * A batch with its repeats resolved: the first occurrence of each (source, event id) is written;
   * a later identical one is a duplicate, a later different one a conflict, without asking the database.
   */
  public record InBatch(
      List<TransactionEvent> unique,
      Map<Integer, Integer> uniqueIndexOf,
      Map<Integer, Disposition> repeats,
      List<TransactionEvent> conflictingInBatch) {

    static InBatch of(List<Submitted> submitted) {
      List<TransactionEvent> unique = new ArrayList<>();
      Map<String, Integer> firstByKey = new HashMap<>();
      Map<Integer, Integer> uniqueIndexOf = new HashMap<>();
      Map<Integer, Disposition> repeats = new HashMap<>();
      List<TransactionEvent> conflicting = new ArrayList<>();
      for (Submitted item : submitted) {
        TransactionEvent event = item.event();
        String key = event.source() + '\u0000' + event.eventId();
        Integer first = firstByKey.get(key);
        if (first == null) {
          firstByKey.put(key, unique.size());
          uniqueIndexOf.put(item.index(), unique.size());
          unique.add(event);
        } else if (unique.get(first).sameContentAs(event)) {
          repeats.put(item.index(), Disposition.DUPLICATE);
        } else {
          repeats.put(item.index(), Disposition.CONFLICT);
          conflicting.add(event);
        }
      }
      return new InBatch(unique, uniqueIndexOf, repeats, conflicting);
    }

    Disposition dispositionOf(Submitted item, RawWriteOutcome stored) {
      Disposition repeat = repeats.get(item.index());
      return repeat != null ? repeat : stored.dispositions().get(uniqueIndexOf.get(item.index()));
    }
  }
}
