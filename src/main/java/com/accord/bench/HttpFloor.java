package com.accord.bench;

import com.accord.domain.EventParser;
import com.accord.domain.MalformedBodyException;
import com.accord.domain.ParsedItem;
import com.accord.domain.ReconciliationRules;
import com.accord.domain.TransactionEvent;
import com.accord.simulation.HttpSink;
import com.accord.simulation.Scenario;
import com.accord.simulation.Simulator;
import com.accord.simulation.TrafficGenerator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The HTTP floor under detection latency on this machine: the detection run's HTTP client, rate,
 * linger and requests in flight, posting to a bare Vert.x HTTP server of the benchmark's own on
 * one event loop, as Accord's API runs. The server reads each body with Accord's parser and hands
 * the events to its work; with {@link #RECEIVE_ONLY} it does nothing else and answers at once, so
 * its latency — the due time of a transaction's last first-per-source event to the request that
 * carries it being read — is what any HTTP receiver here waits before it can start work. With a
 * {@link BarePipeline} it also does the least work Accord's guarantees need. It checks no token:
 * a floor need not pay for what Accord pays for.
 */
final class HttpFloor {

  /** What the bare server does with each request's events, on its event loop. */
  interface Work {
    /** The probe, for the console and the report: what stands where Accord would. */
    String describe();

    /**
     * Takes one request's events, read at {@code receivedAt}; the request is answered (202) when
     * the future succeeds, and with a 500 naming the cause when it fails. Notes in {@code doneAt}
     * the {@link System#nanoTime()} each event is done, under {@code source/txnId}.
     */
    Future<Void> accept(List<TransactionEvent> events, Instant receivedAt, Map<String, Long> doneAt);

    /** The key {@code doneAt} holds for the measured event {@code source/txnId}. */
    default String doneKey(String eventKey) {
      return eventKey;
    }
  }

  /** Nothing but the read: an event is done when the request carrying it has been parsed. */
  static final Work RECEIVE_ONLY = new Work() {
    @Override
    public String describe() {
      return "the same HTTP client → a bare HTTP server, no Accord";
    }

    @Override
    public Future<Void> accept(List<TransactionEvent> events, Instant receivedAt, Map<String, Long> doneAt) {
      long now = System.nanoTime();
      for (TransactionEvent event : events) {
        doneAt.putIfAbsent(eventKey(event.source(), event.txnId()), now);
      }
      return Future.succeededFuture();
    }
  };

  private HttpFloor() {}

  static String eventKey(String source, String txnId) {
    return source + "/" + txnId;
  }

  /**
   * Serves {@code work} on {@code vertx} (whose event loop then also runs the work's clients) at a
   * port of its own and drives it open loop at {@code eventsPerSecond} for the warm-up and {@code phase}.
   */
  static KafkaFloor.Report measure(Vertx vertx, Scenario scenario, double eventsPerSecond, Duration phase,
      ReconciliationRules rules, int requestsInFlight, Duration linger, Work work, PrintStream out) throws Exception {
    out.printf("== HTTP floor: %s, open loop at %,.0f events/s for %d s ==%n", work.describe(), eventsPerSecond, phase.toSeconds());
    Map<String, Long> doneAt = new ConcurrentHashMap<>();
    HttpServer server = serve(vertx, rules, work, doneAt);
    try {
      Map<String, Long> dueOf = new ConcurrentHashMap<>();
      Bench.Window window = new Bench.Window(System.nanoTime(), phase);
      Optional<CpuProfile.Usage> cpu;
      try (HttpSink sink = new HttpSink("http://127.0.0.1:" + server.actualPort(), () -> "Bearer none", requestsInFlight, linger);
          CpuProfile.Sampler sampler = new CpuProfile.Sampler()) {
        OpenLoop.run(new TrafficGenerator(scenario, Instant.now(), "floor-"), eventsPerSecond, window.start(), window.stopAt(), sink,
            OpenLoop.lastFirstPerSource(window, rules.expectedSources().size(), HttpFloor::eventKey, dueOf));
        sink.flush();
        cpu = sampler.usage("HTTP floor: " + work.describe(), window.measuredFrom(), window.end(), eventsPerSecond);
      }
      Thread.sleep(2000); // the last events of the measured window are long done by now
      return new KafkaFloor.Report(Bench.summarise(dueOf, key -> doneAt.get(work.doneKey(key)), window), cpu);
    } finally {
      server.close().await();
    }
  }

  /** Takes the parsed events and nothing more: done at once, noting nothing. */
  private static final Work DISCARD = new Work() {
    @Override
    public String describe() {
      return "the drain's HTTP client → a bare HTTP server that parses and drops, no Accord";
    }

    @Override
    public Future<Void> accept(List<TransactionEvent> events, Instant receivedAt, Map<String, Long> doneAt) {
      return Future.succeededFuture();
    }
  };

  /** How the receiving probe's bare server treats each request's body. */
  enum Receiver {
    /** Reads the body whole and answers it: the least any HTTP receiver does. */
    READ_ONLY("read only", "only reads each request's body"),
    /** Reads the body and parses it with Accord's parser into events, then answers. */
    PARSED("read and parsed with Accord's parser", "reads each body and parses it with Accord's parser");

    private final String describe;
    private final String serverDoes;

    Receiver(String describe, String serverDoes) {
      this.describe = describe;
      this.serverDoes = serverDoes;
    }

    String describe() {
      return describe;
    }

    /** What the bare server does with each request, for the bound row's notes. */
    String serverDoes() {
      return serverDoes;
    }
  }

  /** The answer of a server that parses nothing: the sink fails a run on any rejection, and there is none to count. */
  static final String READ_ONLY_ANSWER = "{\"rejected\":0}";

  /**
   * The CPU it costs this machine to take in the HTTP drain's traffic and do nothing else with it:
   * the drain's client (requests of the drain's size and number in flight), closed loop, posting
   * {@code scenario}'s events as fast as a bare server on one event loop of a Vert.x of its own
   * answers them. The server is the {@link Receiver}: it checks no token and stores nothing. A
   * short run first, unmeasured, compiles the paths. Empty off Linux.
   */
  static Optional<CpuProfile.Usage> receiving(Scenario scenario, ReconciliationRules rules, Receiver receiver, PrintStream out)
      throws Exception {
    out.printf("== HTTP receiving: the drain's client → a bare HTTP server, %s, no Accord: %,d transactions ==%n",
        receiver.describe(), scenario.transactions());
    Vertx vertx = Vertx.vertx();
    try {
      HttpServer server = receiver == Receiver.READ_ONLY ? serveReadOnly(vertx) : serve(vertx, rules, DISCARD, Map.of());
      String base = "http://127.0.0.1:" + server.actualPort();
      try (HttpSink warmUp = new HttpSink(base, () -> "Bearer none")) {
        new Simulator(scenario.withTransactions(Math.min(scenario.transactions(), 20_000)).withSeed(scenario.seed() - 1),
            "recv-warm-", null).run(warmUp);
      }
      try (HttpSink sink = new HttpSink(base, () -> "Bearer none"); CpuProfile.Sampler sampler = new CpuProfile.Sampler()) {
        Simulator.Run run = new Simulator(scenario, "recv-", out).run(sink);
        sink.flush();
        Optional<CpuProfile.Usage> cpu = sampler.usage("HTTP receiving, " + receiver.describe(), System.nanoTime(), run.events());
        cpu.ifPresent(u -> out.printf("HTTP receiving, %s: %,d events at %,.0f events/s, %.1f µs of CPU per event in the "
            + "server's event loop, %.1f in the client%n", receiver.describe(), run.events(), u.eventsPerSecond(),
            u.microsPerEvent(CpuProfile.EVENT_LOOPS), u.microsPerEvent(CpuProfile.HTTP_CLIENT)));
        return cpu;
      }
    } finally {
      vertx.close().await();
    }
  }

  /** A bare server on a free port of 127.0.0.1 that reads each request's body whole and answers 202, parsing nothing. */
  static HttpServer serveReadOnly(Vertx vertx) {
    return vertx.createHttpServer().requestHandler(request -> request.body().onComplete(body -> {
      if (body.succeeded()) {
        request.response().setStatusCode(202).putHeader("Content-Type", "application/json").end(READ_ONLY_ANSWER);
      } else {
        request.response().setStatusCode(500).end("bench HTTP receiving: " + body.cause());
      }
    })).listen(0, "127.0.0.1").await();
  }

  /** The bare server on a free port of 127.0.0.1, answering every request as {@code POST /api/v1/events}. */
  static HttpServer serve(Vertx vertx, ReconciliationRules rules, Work work, Map<String, Long> doneAt) {
    EventParser parser = new EventParser(rules, Integer.MAX_VALUE);
    return vertx.createHttpServer().requestHandler(request -> serve(request, parser, work, doneAt)).listen(0, "127.0.0.1").await();
  }

  /**
   * Reads the body, parses it with Accord's parser and answers as {@code /api/v1/events} does once
   * the work lets it. The load generator sends only valid events: anything else is answered 400,
   * which fails the run.
   */
  private static void serve(HttpServerRequest request, EventParser parser, Work work, Map<String, Long> doneAt) {
    request.body().compose(body -> {
      Instant receivedAt = Instant.now();
      List<ParsedItem> items = parser.parseBatch(body.getBytes());
      List<TransactionEvent> events = new ArrayList<>(items.size());
      for (ParsedItem item : items) {
        if (!(item instanceof ParsedItem.Valid valid)) {
          throw new MalformedBodyException("item " + item.index() + " is not a valid event: "
              + ((ParsedItem.Invalid) item).errors(), "$[" + item.index() + "]");
        }
        events.add(valid.event());
      }
      return work.accept(events, receivedAt, doneAt).map(v -> events.size());
    }).onComplete(done -> {
      if (done.succeeded()) {
        request.response().setStatusCode(202).putHeader("Content-Type", "application/json")
            .end(new JsonObject().put("accepted", done.result()).put("rejected", 0).encode());
      } else {
        int status = done.cause() instanceof MalformedBodyException ? 400 : 500;
        request.response().setStatusCode(status).end("bench HTTP floor: " + done.cause());
      }
    });
  }
}
