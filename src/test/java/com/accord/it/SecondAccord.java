package com.accord.it;

import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * A further Accord with other settings for a test class, on a Vert.x of its own: two Accords on
 * one Vert.x share one event bus and would answer each other's messages.
 */
record SecondAccord(Vertx vertx, AccordFixture fixture) implements AutoCloseable {

  static SecondAccord start(Map<String, String> overrides) {
    Vertx vertx = Vertx.vertx();
    try {
      return new SecondAccord(vertx, AccordFixture.start(vertx, overrides));
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
  }

  @Override
  public void close() {
    try {
      fixture.close();
    } finally {
      vertx.close().await();
    }
  }
}
