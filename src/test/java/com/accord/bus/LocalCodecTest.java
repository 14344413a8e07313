package com.accord.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class LocalCodecTest {

  @Test
  void sharedJsonReachesEveryConsumerAsThePublishedObjectItselfWhereTheDefaultCodecCopiesIt() {
    Vertx vertx = Vertx.vertx();
    try {
      LocalCodec.registerAll(vertx.eventBus());
      LocalCodec.registerAll(vertx.eventBus()); // a second verticle registering them is harmless
      Promise<JsonObject> first = Promise.promise();
      Promise<JsonObject> second = Promise.promise();
      Future.all(
              vertx.eventBus().<JsonObject>consumer("shared", m -> first.tryComplete(m.body())).completion(),
              vertx.eventBus().<JsonObject>consumer("shared", m -> second.tryComplete(m.body())).completion())
          .await();
      JsonObject published = new JsonObject().put("changes", new io.vertx.core.json.JsonArray().add(new JsonObject().put("txn_id", "T1")));

      vertx.eventBus().publish("shared", published, LocalCodec.shared());

      assertThat(first.future().await()).isSameAs(published);
      assertThat(second.future().await()).isSameAs(published);

      Promise<JsonObject> copied = Promise.promise();
      vertx.eventBus().<JsonObject>consumer("copied", m -> copied.tryComplete(m.body())).completion().await();
      vertx.eventBus().publish("copied", published);
      assertThat(copied.future().await()).isEqualTo(published).isNotSameAs(published);
    } finally {
      vertx.close().await();
    }
  }
}
