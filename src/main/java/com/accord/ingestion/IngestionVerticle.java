package com.accord.ingestion;

import com.accord.bus.Addresses;
import com.accord.bus.LocalCodec;
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
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes validated batches from any channel, writes them ahead to {@code raw_events} and hands
 * what was stored to correlation. The receipt is given only once the events are stored and
 * correlated, so a producer that waits for it is held back when Accord is behind.
 */
public final class IngestionVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(IngestionVerticle.class);

  @Override
  public Future<?> start() {
    LocalCodec.registerAll(vertx.eventBus());
    return vertx.eventBus().<IngestBatch>consumer(Addresses.INGEST, this::ingest).completion();
  }

  private void ingest(Message<IngestBatch> message) {
    IngestBatch batch = message.body();
    InBatch deduplicated = InBatch.of(batch.events());
    RawWrite write = new RawWrite(batch.via(), batch.receivedAt(), deduplicated.unique(),
        deduplicated.conflictingInBatch(), batch.rejections());
    vertx.eventBus().<RawWriteOutcome>request(Addresses.PERSIST_RAW, write)
        .map(Message::body)
        .compose(stored -> correlate(batch, deduplicated, stored).map(v -> receipt(batch, deduplicated, stored)))
        .onSuccess(message::reply)
        .onFailure(e -> {
          log.atError().addKeyValue("via", batch.via()).addKeyValue("events", batch.events().size())
              .setCause(e).log("ingestion of a batch failed");
          message.fail(503, e.getMessage());
        });
  }

  /**
   * Stored and re-delivered events both go to correlation: a producer re-sends a batch whose
   * first attempt failed after the write-ahead, and the re-send must still produce its results.
   */
  private Future<Void> correlate(IngestBatch batch, InBatch events, RawWriteOutcome stored) {
    List<TransactionEvent> toCorrelate = new ArrayList<>();
    List<ConflictSeen> conflicts = new ArrayList<>();
    for (int i = 0; i < events.unique().size(); i++) {
      TransactionEvent event = events.unique().get(i);
      if (stored.dispositions().get(i) == Disposition.CONFLICT) {
        conflicts.add(new ConflictSeen(event.txnId(), new Conflict(event.source(), event.eventId())));
      } else {
        toCorrelate.add(event);
      }
    }
    for (TransactionEvent conflicting : events.conflictingInBatch()) {
      conflicts.add(new ConflictSeen(conflicting.txnId(), new Conflict(conflicting.source(), conflicting.eventId())));
    }
    if (toCorrelate.isEmpty() && conflicts.isEmpty()) {
      return Future.succeededFuture();
    }
    return vertx.eventBus().request(Addresses.CORRELATE, new CorrelationBatch(batch.receivedAt(), toCorrelate, conflicts)).mapEmpty();
  }

  private static IngestReceipt receipt(IngestBatch batch, InBatch events, RawWriteOutcome stored) {
    List<ItemOutcome> items = new ArrayList<>(batch.events().size() + batch.rejections().size());
    for (Submitted submitted : batch.events()) {
      TransactionEvent event = submitted.event();
      Disposition disposition = events.dispositionOf(submitted, stored);
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
  private record InBatch(
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
