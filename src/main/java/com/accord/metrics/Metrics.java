package com.accord.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;

/**
 * The registry a process's meters land in, and a Vert.x instance that reports its own meters (HTTP
 * servers and clients, pools, the JVM) to it. Not the event bus's: Vert.x registers a gauge and
 * counters for every message delivered, which on a batch's hops between verticles cost more than
 * the hop, and the pipeline's own timers ({@link PipelineMetrics}) say what those hops did.
 */
public final class Metrics {

  private Metrics() {}

  public static PrometheusMeterRegistry newRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  }

  /** With metrics off ({@code metrics.enabled: false}) a plain Vert.x: its own meters cost nothing. */
  public static Vertx vertx(PrometheusMeterRegistry registry, boolean enabled) {
    if (!enabled) {
      return Vertx.vertx();
    }
    return Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)
            .addDisabledMetricsCategory(MetricsDomain.EVENT_BUS)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }
}
