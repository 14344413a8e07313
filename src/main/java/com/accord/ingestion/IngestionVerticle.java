package com.accord.ingestion;

import com.accord.bus.Addresses;
import com.accord.bus.LocalCodec;
import com.accord.bus.Messages.IngestBatch;
import com.accord.metrics.PipelineMetrics;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes validated batches from any channel, writes them ahead to {@code raw_events} and hands
 * what was stored to correlation. The receipt is given only once the events are stored and
 * correlated, so a producer that waits for it is held back when Accord is behind.
 */
public final class IngestionVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(IngestionVerticle.class);

  private final PipelineMetrics metrics;
  private IngestionFlow flow;

  public IngestionVerticle(PipelineMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public Future<?> start() {
    LocalCodec.registerAll(vertx.eventBus());
    flow = new IngestionFlow(vertx.eventBus(), metrics);
    return vertx.eventBus().<IngestBatch>consumer(Addresses.INGEST, this::ingest).completion();
  }

  private void ingest(Message<IngestBatch> message) {
    IngestBatch batch = message.body();
    flow.writeAhead(batch)
        .compose(flow::correlate)
        .onSuccess(message::reply)
        .onFailure(e -> {
          log.atError().addKeyValue("via", batch.via()).addKeyValue("events", batch.events().size())
              .setCause(e).log("ingestion of a batch failed");
          message.fail(503, e.getMessage());
        });
  }
}
