package com.accord.it;

import static com.accord.it.Ev.core;
import static com.accord.it.Ev.gateway;
import static com.accord.it.Ev.mobile;
import static org.assertj.core.api.Assertions.assertThat;

import com.accord.bus.Addresses;
import com.accord.bus.Messages.CorrelationBatch;
import com.accord.bus.Messages.RawWrite;
import com.accord.bus.Messages.ResultBatch;
import com.accord.bus.Messages.Via;
import com.accord.domain.ReconciliationResult;
import com.accord.domain.TransactionEvent;
import com.accord.persistence.PersistenceVerticle;
import com.accord.testing.AccordFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A batch a stage cannot take fails with an answer, at once, and gives its place back: more such
 * batches than the stage runs at a time do not stop the batches after them.
 */
@ExtendWith(VertxExtension.class)
class FailedBatchTest {

  private static AccordFixture fixture;

  @BeforeAll
  static void start(Vertx vertx) {
    fixture = AccordFixture.start(vertx);
  }

  @AfterAll
  static void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @Test
  void batchesThatCannotBeCorrelatedFailPromptlyAndTheNextAreCorrelated() throws Exception {
    int bad = fixture.config().correlation().batchesInFlightMax() + 2;
    List<Future<Message<Object>>> answers = new ArrayList<>();
    for (int i = 0; i < bad; i++) {
      // past what epoch milliseconds can hold; the parsers refuse it, this batch comes straight over the bus
      TransactionEvent event = new TransactionEvent("core-CF-" + i, "core", "CF-" + i, new java.math.BigDecimal("1.00"), "EUR",
          "POSTED", "ACC-1", Instant.MAX, null, null, null, java.util.Map.of());
      answers.add(fixture.vertx().eventBus().request(Addresses.CORRELATE,
          new CorrelationBatch(Instant.now(), List.of(event), List.of(), Set.of()), new DeliveryOptions().setSendTimeout(10_000)));
    }
    for (Future<Message<Object>> answer : answers) {
      assertRefused(answer, "correlation failed");
    }

    String id = Support.txn("after");
    Support.post(fixture, core(id), gateway(id), mobile(id));
    assertThat(fixture.awaitStatus(id, "MATCHED").getJsonObject("result").getJsonArray("sources_seen")).hasSize(3);
  }

  @Test
  void writeAheadsThatCannotBeWrittenFailPromptlyAndTheNextAreWritten() throws Exception {
    int bad = PersistenceVerticle.WRITE_AHEADS_IN_FLIGHT_MAX + 2;
    List<Future<Message<Object>>> answers = new ArrayList<>();
    List<TransactionEvent> holdingNull = new ArrayList<>();
    holdingNull.add(null); // no channel sends this; it stands for any write that fails before its statement
    for (int i = 0; i < bad; i++) {
      answers.add(fixture.vertx().eventBus().request(Addresses.PERSIST_RAW,
          new RawWrite(Via.HTTP, Instant.now(), holdingNull, List.of(), List.of()), new DeliveryOptions().setSendTimeout(10_000)));
    }
    for (Future<Message<Object>> answer : answers) {
      assertRefused(answer, "raw events could not be stored");
    }

    String id = Support.txn("written");
    Support.post(fixture, core(id), gateway(id), mobile(id));
    assertThat(fixture.count("SELECT count(*) FROM raw_events WHERE txn_id = $1", id)).isEqualTo(3);
  }

  @Test
  void aResultBatchThatCannotBeStoredIsAnsweredAtOnce() throws Exception {
    List<ReconciliationResult> holdingNull = new ArrayList<>();
    holdingNull.add(null); // stands for any batch that fails before its statement
    assertRefused(fixture.vertx().eventBus().request(Addresses.PERSIST_RESULTS,
        new ResultBatch(holdingNull), new DeliveryOptions().setSendTimeout(10_000)), "results could not be stored");
  }

  /** The answer is a 503 whose message starts with {@code reason}, well before the request's own timeout. */
  private static void assertRefused(Future<Message<Object>> answer, String reason) throws Exception {
    try {
      answer.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      Throwable failure = e.getCause();
      assertThat(failure).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) failure).failureCode()).as(failure.getMessage()).isEqualTo(503);
      assertThat(failure.getMessage()).startsWith(reason);
      return;
    }
    throw new AssertionError("the batch was taken: " + answer.result().body());
  }
}
