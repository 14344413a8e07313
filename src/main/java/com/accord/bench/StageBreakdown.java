package com.accord.bench;

import com.accord.metrics.PipelineMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where the detection latency went: the pipeline's own timers ({@link PipelineMetrics}) read
 * before and after a measured window, and the difference summarised per timer. Their histograms
 * count into fixed buckets, so a percentile is given as the upper bound of the bucket it falls in
 * (the buckets are about a third apart), and the mean is exact.
 */
final class StageBreakdown {

  /** One timer over the window. Times in milliseconds; p50 and p99 are bucket upper bounds. */
  record Line(String name, String counts, long count, double meanMillis, double p50Millis, double p99Millis) {}

  /** The timers' cumulative state at one moment, by a readable name. */
  record Snapshot(Map<String, Reading> timers) {}

  record Reading(String counts, long count, double totalMillis, double[] bounds, double[] cumulative) {}

  private StageBreakdown() {}

  static Snapshot take(MeterRegistry registry) {
    Map<String, Reading> timers = new LinkedHashMap<>();
    for (Timer timer : registry.find(PipelineMetrics.KAFKA_RECORD_AGE).timers()) {
      timers.put("Kafka record age at poll (producer timestamp → poll)", reading(timer, "records"));
    }
    for (PipelineMetrics.Stage stage : PipelineMetrics.Stage.values()) {
      Timer timer = registry.find(PipelineMetrics.STAGE).tag("stage", stage.tag()).timer();
      if (timer != null) {
        timers.put("stage: " + stage.tag(),
            reading(timer, switch (stage) {
              case WRITE_AHEAD_STATEMENT -> "statements";
              case KAFKA_COMMIT -> "commits";
              default -> "batches";
            }));
      }
    }
    for (Timer timer : registry.find(PipelineMetrics.DETECTION).timers()) {
      timers.put("detection (" + timer.getId().getTag("via") + "): received → result stored", reading(timer, "events"));
    }
    return new Snapshot(timers);
  }

  private static Reading reading(Timer timer, String counts) {
    HistogramSnapshot snapshot = timer.takeSnapshot();
    CountAtBucket[] buckets = snapshot.histogramCounts();
    double[] bounds = new double[buckets.length];
    double[] cumulative = new double[buckets.length];
    for (int i = 0; i < buckets.length; i++) {
      bounds[i] = buckets[i].bucket(TimeUnit.MILLISECONDS);
      cumulative[i] = buckets[i].count();
    }
    return new Reading(counts, snapshot.count(), snapshot.total(TimeUnit.MILLISECONDS), bounds, cumulative);
  }

  /** What each timer counted between the two snapshots; timers that counted nothing are left out. */
  static List<Line> between(Snapshot before, Snapshot after) {
    List<Line> lines = new ArrayList<>();
    after.timers().forEach((name, end) -> {
      Reading start = before.timers().get(name);
      long count = end.count() - (start == null ? 0 : start.count());
      if (count <= 0) {
        return;
      }
      double total = end.totalMillis() - (start == null ? 0 : start.totalMillis());
      double[] inWindow = new double[end.cumulative().length];
      for (int i = 0; i < inWindow.length; i++) {
        inWindow[i] = end.cumulative()[i] - (start == null ? 0 : start.cumulative()[i]);
      }
      lines.add(new Line(name, end.counts(), count, total / count, upperBound(end.bounds(), inWindow, count, 0.5),
          upperBound(end.bounds(), inWindow, count, 0.99)));
    });
    return lines;
  }

  /** The upper bound of the first bucket holding at least {@code q} of the samples (cumulative counts); infinity beyond the last. */
  static double upperBound(double[] bounds, double[] cumulative, long count, double q) {
    double wanted = Math.ceil(q * count);
    for (int i = 0; i < bounds.length; i++) {
      if (cumulative[i] >= wanted) {
        return bounds[i];
      }
    }
    return Double.POSITIVE_INFINITY;
  }
}
