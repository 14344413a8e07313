package com.accord.simulation;

import com.accord.domain.EventJson;
import com.accord.domain.TransactionEvent;
import io.vertx.core.json.JsonObject;
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
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/** Posts events to Accord's HTTP API in batches, a few requests in flight. */
public final class HttpSink implements EventSink {

  private static final int EVENTS_PER_REQUEST = 500;
  private static final int REQUESTS_IN_FLIGHT = 4;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI endpoint;
  private final Semaphore inFlight = new Semaphore(REQUESTS_IN_FLIGHT);
  private final List<CompletableFuture<?>> pending = new ArrayList<>();
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
  /** Identity (source, event id) → the request in flight that carries it. */
  private final Map<String, CompletableFuture<Void>> carriedBy = new ConcurrentHashMap<>();
  /** Re-sends waiting for the answer to an earlier copy of their event. */
  private final List<TransactionEvent> heldBack = new ArrayList<>();

  private final java.util.function.Supplier<String> authorization;

  /** @param authorization the Authorization header value for each request (see {@link AccessToken}) */
  public HttpSink(String apiBase, java.util.function.Supplier<String> authorization) {
    this.endpoint = URI.create(apiBase + "/api/v1/events");
    this.authorization = authorization;
  }

  /**
   * Posts the events, {@value #EVENTS_PER_REQUEST} per request. A re-send (redelivery or
   * conflicting copy) goes out only after the request that carried its event before has been
   * answered, as a real producer re-sends after its first attempt: requests in flight at once have
   * no order, and which of two payloads is the original must not be left to a race. Such copies
   * are held back and go with a later call, so the other requests keep flowing.
   */
  @Override
  public void send(List<TransactionEvent> events) throws InterruptedException {
    rethrow();
    List<TransactionEvent> candidates = new ArrayList<>(heldBack.size() + events.size());
    candidates.addAll(heldBack);
    candidates.addAll(events);
    heldBack.clear();
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
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
    inFlight.acquire();
    CompletableFuture<Void> answered = http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenAccept(response -> {
          if (response.statusCode() != 202) {
            failure.compareAndSet(null, new IllegalStateException(
                "POST /api/v1/events answered " + response.statusCode() + ": " + response.body()));
          } else if (new JsonObject(response.body()).getInteger("rejected") > 0) {
            failure.compareAndSet(null, new IllegalStateException("generated events were rejected: " + response.body()));
          }
        })
        .exceptionally(e -> {
          failure.compareAndSet(null, new IllegalStateException("POST /api/v1/events failed: " + e.getMessage(), e));
          return null;
        })
        .whenComplete((v, e) -> inFlight.release());
    for (TransactionEvent event : chunk) {
      String identity = identity(event);
      carriedBy.put(identity, answered);
      answered.whenComplete((v, e) -> carriedBy.remove(identity, answered));
    }
    pending.add(answered);
  }

  private static String identity(TransactionEvent event) {
    return event.source() + '\u0000' + event.eventId();
  }

  /** Waits for every request, sending held-back copies as their predecessors are answered. */
  @Override
  public void flush() throws InterruptedException {
    while (true) {
      CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
      pending.clear();
      rethrow();
      if (heldBack.isEmpty()) {
        return;
      }
      send(List.of());
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
    flush();
  }
}
