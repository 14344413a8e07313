package com.accord.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;

/** The registry a process's meters land in, and a Vert.x instance that reports its own meters (HTTP, pools, event bus, JVM) to it. */
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
        .with(new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)))
        .withMetrics(new MicrometerMetricsFactory(registry))
        .build();
  }
}
