package com.accord.api;

import com.accord.simulation.BusSink;
import com.accord.simulation.Scenario;
import com.accord.simulation.Simulator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops a simulator inside this Accord, for admins on the dashboard: one run at a
 * time, on a thread of its own (never an event loop), feeding ingestion over the event bus.
 */
final class SimulatorControl {

  private static final Logger log = LoggerFactory.getLogger(SimulatorControl.class);
  private static final List<String> SCENARIOS = List.of("seed", "clean", "chaos", "burst");

  private final Vertx vertx;
  private volatile Thread running;
  private volatile JsonObject current = new JsonObject().put("running", false);
  private final AtomicLong sent = new AtomicLong();

  SimulatorControl(Vertx vertx) {
    this.vertx = vertx;
  }

  void mount(RouterBuilder builder, Guard guard) {
    ApiVerticle.route(builder, guard, "getSimulator", ctx -> Responses.json(ctx, 200, status()));
    ApiVerticle.route(builder, guard, "startSimulator", this::start);
    ApiVerticle.route(builder, guard, "stopSimulator", this::stop);
  }

  private JsonObject status() {
    return current.copy().put("running", running != null && running.isAlive()).put("sent", sent.get());
  }

  private synchronized void start(RoutingContext ctx) {
    JsonObject body = Responses.bodyObject(ctx);
    if (body == null) {
      return;
    }
    if (running != null && running.isAlive()) {
      Problems.send(ctx, 409, "Conflict", "a simulator is running; stop it first");
      return;
    }
    String name = body.getString("scenario", "seed");
    if (!SCENARIOS.contains(name)) {
      Problems.send(ctx, 400, "Invalid scenario", "scenario must be one of " + SCENARIOS);
      return;
    }
    Scenario scenario;
    try {
      scenario = Scenario.resolve(name).withRate(body.getInteger("rate", 200)).withTransactions(body.getInteger("transactions", 10_000))
          .withSeed(System.currentTimeMillis());
    } catch (java.io.IOException e) {
      ctx.fail(e);
      return;
    }
    sent.set(0);
    current = new JsonObject().put("scenario", name).put("rate", scenario.ratePerSecond())
        .put("transactions", scenario.transactions()).put("started_at", Instant.now().toString());
    String prefix = "SIM-" + name.toUpperCase() + "-" + Long.toString(System.currentTimeMillis() % 10_000_000, 36) + "-";
    Thread thread = new Thread(() -> run(scenario, prefix), "accord-simulator");
    thread.setDaemon(true);
    running = thread;
    thread.start();
    Responses.json(ctx, 202, status());
  }

  private void run(Scenario scenario, String prefix) {
    try (BusSink sink = new BusSink(vertx, sent)) {
      new Simulator(scenario, prefix, new PrintStream(new ByteArrayOutputStream())).run(sink);
      log.atInfo().addKeyValue("scenario", scenario.name()).addKeyValue("events", sent.get()).log("simulator run finished");
    } catch (Exception e) {
      log.atInfo().addKeyValue("scenario", scenario.name()).addKeyValue("events", sent.get())
          .log("simulator run ended: " + e.getMessage());
    }
  }

  private synchronized void stop(RoutingContext ctx) {
    Thread thread = running;
    if (thread != null) {
      thread.interrupt();
    }
    Responses.json(ctx, 202, status().put("running", false));
  }
}
