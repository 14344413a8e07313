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
import java.util.List;
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

  private final java.util.function.Supplier<String> authorization;

  /** @param authorization the Authorization header value for each request (see {@link AccessToken}) */
  public HttpSink(String apiBase, java.util.function.Supplier<String> authorization) {
    this.endpoint = URI.create(apiBase + "/api/v1/events");
    this.authorization = authorization;
  }

  @Override
  public void send(List<TransactionEvent> events) throws InterruptedException {
    rethrow();
    for (int from = 0; from < events.size(); from += EVENTS_PER_REQUEST) {
      List<TransactionEvent> chunk = events.subList(from, Math.min(events.size(), from + EVENTS_PER_REQUEST));
      String body = chunk.stream().map(EventJson::toJson).collect(Collectors.joining(",", "[", "]"));
      HttpRequest request = HttpRequest.newBuilder(endpoint)
          .header("Content-Type", "application/json")
          .header("Authorization", authorization.get())
          .timeout(Duration.ofSeconds(60))
          .POST(HttpRequest.BodyPublishers.ofString(body))
          .build();
      inFlight.acquire();
      pending.add(http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
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
          .whenComplete((v, e) -> inFlight.release()));
    }
    pending.removeIf(CompletableFuture::isDone);
  }

  @Override
  public void flush() {
    CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    pending.clear();
    rethrow();
  }

  private void rethrow() {
    RuntimeException error = failure.get();
    if (error != null) {
      throw error;
    }
  }

  @Override
  public void close() {
    flush();
  }
}
