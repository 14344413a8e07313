package com.accord.simulation;

import com.accord.domain.EventJson;
import com.accord.domain.TransactionEvent;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Posts events to Accord's HTTP API in batches, a few requests in flight, each sent by a blocking
 * call on a sender thread of its own. (The JDK client's {@code sendAsync} completes every response
 * through CompletableFuture's default executor, which on a machine of fewer than three cores starts
 * a thread per task: a thread start between every answer and the next request.)
 */
public final class HttpSink implements EventSink {

  private static final int EVENTS_PER_REQUEST = 500;
  private static final int REQUESTS_IN_FLIGHT = 4;
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI endpoint;
  private final Semaphore inFlight;
  private final ExecutorService senders;
  private final Duration linger;
  private final List<CompletableFuture<?>> pending = new ArrayList<>();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  /** Identity (source, event id) → the request in flight that carries it. */
  private final Map<String, CompletableFuture<Void>> carriedBy = new ConcurrentHashMap<>();
  /** Re-sends waiting for the answer to an earlier copy of their event. */
  private final List<TransactionEvent> heldBack = new ArrayList<>();
  /** Events handed over but not posted yet, while the linger of the oldest runs. */
  private final List<TransactionEvent> lingering = new ArrayList<>();
  private long lingeringSince;

  private final Supplier<String> authorization;

  /** @param authorization the Authorization header value for each request (see {@link AccessToken}) */
  public HttpSink(String apiBase, Supplier<String> authorization) {
    this(apiBase, authorization, REQUESTS_IN_FLIGHT, Duration.ZERO);
  }

  /**
   * @param requestsInFlight requests posted at once; a send waits for one of them to be answered
   * @param linger how long an event may wait for others to share its request, as a Kafka
   *     producer's {@code linger.ms}; zero posts whatever each {@link #send} is given
   */
  public HttpSink(String apiBase, Supplier<String> authorization, int requestsInFlight, Duration linger) {
    this.endpoint = URI.create(apiBase + "/api/v1/events");
    this.authorization = authorization;
    this.inFlight = new Semaphore(requestsInFlight);
    this.linger = linger;
    this.senders = Executors.newFixedThreadPool(requestsInFlight, runnable -> {
      Thread thread = new Thread(runnable, "http-sink-sender");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * Posts the events, {@value #EVENTS_PER_REQUEST} per request, once the oldest of those not yet
   * posted has waited the linger. A re-send (redelivery or conflicting copy) goes out only after
   * the request that carried its event before has been answered, as a real producer re-sends after
   * its first attempt: requests in flight at once have no order, and which of two payloads is the
   * original must not be left to a race. Such copies are held back and go with a later call, so
   * the other requests keep flowing.
   */
  @Override
  public void send(List<TransactionEvent> events) throws InterruptedException {
    rethrow();
    if (lingering.isEmpty()) {
      lingeringSince = System.nanoTime();
    }
    lingering.addAll(events);
    if (lingering.size() >= EVENTS_PER_REQUEST || System.nanoTime() - lingeringSince >= linger.toNanos()) {
      dispatch();
    }
  }

  private void dispatch() throws InterruptedException {
    List<TransactionEvent> candidates = new ArrayList<>(heldBack.size() + lingering.size());
    candidates.addAll(heldBack);
    candidates.addAll(lingering);
    heldBack.clear();
    lingering.clear();
    List<TransactionEvent> ready = new ArrayList<>(candidates.size());
    Set<String> inThisCall = new HashSet<>();
    for (TransactionEvent event : candidates) {
      String identity = identity(event);
      if (carriedBy.containsKey(identity) || !inThisCall.add(identity)) {
        heldBack.add(event);
      } else {
        ready.add(event);
      }
    }
    for (int from = 0; from < ready.size(); from += EVENTS_PER_REQUEST) {
      post(ready.subList(from, Math.min(ready.size(), from + EVENTS_PER_REQUEST)));
    }
    pending.removeIf(CompletableFuture::isDone);
  }

  private void post(List<TransactionEvent> chunk) throws InterruptedException {
    String body = chunk.stream().map(EventJson::toJson).collect(Collectors.joining(",", "[", "]"));
    HttpRequest request = HttpRequest.newBuilder(endpoint)
        .header("Content-Type", "application/json")
        .header("Authorization", authorization.get())
        .timeout(REQUEST_TIMEOUT)
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    inFlight.acquire();
    CompletableFuture<Void> answered = new CompletableFuture<>();
    for (TransactionEvent event : chunk) {
      String identity = identity(event);
      carriedBy.put(identity, answered);
      answered.whenComplete((v, e) -> carriedBy.remove(identity, answered));
    }
    pending.add(answered);
    senders.execute(() -> {
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
          failure.compareAndSet(null, new IllegalStateException(
              "POST /api/v1/events answered " + response.statusCode() + ": " + response.body()));
        } else if (new JsonObject(response.body()).getInteger("rejected") > 0) {
          failure.compareAndSet(null, new IllegalStateException("generated events were rejected: " + response.body()));
        }
      } catch (IOException | RuntimeException e) {
        failure.compareAndSet(null, new IllegalStateException("POST /api/v1/events failed: " + e.getMessage(), e));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure.compareAndSet(null, new IllegalStateException("POST /api/v1/events interrupted", e));
      } finally {
        inFlight.release();
        answered.complete(null);
      }
    });
  }

  private static String identity(TransactionEvent event) {
    return event.source() + '\u0000' + event.eventId();
  }

  /** Posts what lingers and waits for every request, sending held-back copies as their predecessors are answered. */
  @Override
  public void flush() throws InterruptedException {
    dispatch();
    while (true) {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
      pending.clear();
      rethrow();
      if (heldBack.isEmpty()) {
        return;
      }
      dispatch();
    }
  }

  /** Throws the first failure once: closing after a failed send does not throw it again. */
  private void rethrow() {
    RuntimeException error = failure.getAndSet(null);
    if (error != null) {
      throw error;
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      flush();
    } finally {
      senders.shutdownNow();
    }
  }
}
