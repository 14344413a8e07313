package com.accord.simulation;

import com.accord.bus.Addresses;
import com.accord.bus.Messages.IngestBatch;
import com.accord.bus.Messages.Submitted;
import com.accord.bus.Messages.Via;
import com.accord.domain.TransactionEvent;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Delivers simulated events straight to ingestion over the event bus, the way an HTTP batch
 * arrives, for the simulator an admin starts from the dashboard. Blocks its (non-Vert.x) caller
 * until each batch is stored: the simulator never outruns Accord.
 */
public final class BusSink implements EventSink {

  private static final int BATCH_MAX = 500;

  private final Vertx vertx;
  private final java.util.concurrent.atomic.AtomicLong sent;

  /** @param sent counts the events stored so far */
  public BusSink(Vertx vertx, java.util.concurrent.atomic.AtomicLong sent) {
    this.vertx = vertx;
    this.sent = sent;
  }

  /** @throws IllegalStateException when the calling thread was interrupted: the run was stopped */
  @Override
  public void send(List<TransactionEvent> events) {
    if (Thread.currentThread().isInterrupted()) {
      throw new IllegalStateException("stopped");
    }
    for (int from = 0; from < events.size(); from += BATCH_MAX) {
      List<Submitted> batch = new ArrayList<>();
      List<TransactionEvent> chunk = events.subList(from, Math.min(events.size(), from + BATCH_MAX));
      for (int i = 0; i < chunk.size(); i++) {
        batch.add(new Submitted(i, chunk.get(i)));
      }
      vertx.eventBus().request(Addresses.INGEST, new IngestBatch(Via.SIMULATOR, Instant.now(), batch, List.of()),
          new DeliveryOptions().setSendTimeout(60_000)).await();
      sent.addAndGet(chunk.size());
    }
  }

  @Override
  public void flush() {
    // every send already waited for its batch to be stored
  }

  @Override
  public void close() {
    // nothing held
  }
}
