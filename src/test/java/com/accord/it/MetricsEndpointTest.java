package com.accord.it;

import static com.accord.it.Ev.core;
import static com.accord.it.Ev.gateway;
import static com.accord.it.Ev.mobile;
import static com.accord.it.Support.awaitSettled;
import static com.accord.it.Support.post;
import static com.accord.it.Support.txn;
import static org.assertj.core.api.Assertions.assertThat;

import com.accord.metrics.Metrics;
import com.accord.testing.AccordFixture;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Specifies the Prometheus endpoint: the pipeline's stage timers count what went through, and no transaction data is in it. */
@ExtendWith(VertxExtension.class)
class MetricsEndpointTest {

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
  void stageTimersCountTheBatchesAndEventsThatWentThrough() throws Exception {
    String before = fixture.scrapeMetrics();
    String txnId = txn("metrics");
    post(fixture, core(txnId), gateway(txnId), mobile(txnId));
    awaitSettled(fixture, txnId);

    String after = fixture.scrapeMetrics();
    assertThat(AccordFixture.series(after, "accord_detection_seconds_count", "via=\"http\"")
        - AccordFixture.series(before, "accord_detection_seconds_count", "via=\"http\"")).isEqualTo(3);
    for (String stage : new String[] {"write_ahead_wait", "write_ahead", "correlation_queue", "redis", "results"}) {
      assertThat(AccordFixture.series(after, "accord_pipeline_stage_seconds_count", "stage=\"" + stage + "\"")
          - AccordFixture.series(before, "accord_pipeline_stage_seconds_count", "stage=\"" + stage + "\""))
          .as("batches timed in stage %s", stage).isGreaterThanOrEqualTo(1);
    }
    assertThat(after).contains("accord_pipeline_stage_seconds_bucket{stage=\"results\",le=");
    assertThat(after).doesNotContain(txnId).doesNotContain(Ev.ACCOUNT);
  }

  @Test
  void aVertxMadeForMetricsReportsItsOwnMetersToTheRegistry() {
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    Vertx vertx = Metrics.vertx(registry, true);
    try {
      vertx.createHttpServer().requestHandler(request -> request.response().end("ok")).listen(0, "127.0.0.1")
          .compose(server -> vertx.createHttpClient().request(io.vertx.core.http.HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
              .compose(request -> request.send().compose(response -> response.body())))
          .await();
      assertThat(registry.scrape()).contains("vertx_http_server_requests_total");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void messagesBetweenVerticlesAreNotMeteredOneByOne() {
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    Vertx vertx = Metrics.vertx(registry, true);
    try {
      vertx.eventBus().<String>localConsumer("metrics-test", message -> message.reply("pong")).completion().await();
      assertThat(vertx.eventBus().<String>request("metrics-test", "ping").await().body()).isEqualTo("pong");
      assertThat(registry.scrape()).contains("jvm_").doesNotContain("vertx_eventbus");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void metricsCanBeSwitchedOff(Vertx vertx) {
    try (AccordFixture off = AccordFixture.start(vertx, Map.of("ACCORD_METRICS_ENABLED", "false"))) {
      assertThat(off.accord().metricsPort()).isEmpty();
    }
  }
}
