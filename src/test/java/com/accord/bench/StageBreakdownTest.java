package com.accord.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.metrics.Metrics;
import com.accord.metrics.PipelineMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StageBreakdownTest {

  @Test
  void summarisesOnlyWhatWasRecordedBetweenTheSnapshots() {
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    PipelineMetrics metrics = new PipelineMetrics(registry);
    // before the window: slow batches that must not count
    for (int i = 0; i < 100; i++) {
      metrics.stage(PipelineMetrics.Stage.RESULTS, System.nanoTime() - 2_000_000_000L);
    }
    StageBreakdown.Snapshot before = StageBreakdown.take(registry);
    for (int i = 0; i < 99; i++) {
      metrics.stage(PipelineMetrics.Stage.RESULTS, System.nanoTime() - 3_000_000L);
    }
    metrics.stage(PipelineMetrics.Stage.RESULTS, System.nanoTime() - 400_000_000L);
    metrics.detected("kafka", Instant.now().minusMillis(20), 10);
    List<StageBreakdown.Line> lines = StageBreakdown.between(before, StageBreakdown.take(registry));

    StageBreakdown.Line results = lines.stream().filter(l -> l.name().equals("stage: results")).findFirst().orElseThrow();
    assertThat(results.count()).isEqualTo(100);
    assertThat(results.meanMillis()).isBetween(6.9, 8.5); // (99 × 3 + 400) / 100, plus the time the test took
    assertThat(results.p50Millis()).isBetween(3.0, 4.5); // the bucket holding 3 ms
    assertThat(results.p99Millis()).isBetween(3.0, 4.5); // the 99th of 100 is still a 3 ms batch
    StageBreakdown.Line detection = lines.stream().filter(l -> l.name().startsWith("detection (kafka)")).findFirst().orElseThrow();
    assertThat(detection.count()).isEqualTo(10);
    assertThat(detection.p99Millis()).isBetween(20.0, 30.0);
    assertThat(lines).noneMatch(l -> l.name().equals("stage: redis")); // nothing recorded there
  }

  @Test
  void aPercentileBeyondTheLastBucketIsInfinite() {
    assertThat(StageBreakdown.upperBound(new double[] {1, 2}, new double[] {1, 1}, 3, 0.99)).isInfinite();
    assertThat(StageBreakdown.upperBound(new double[] {1, 2}, new double[] {1, 3}, 3, 0.5)).isEqualTo(2);
  }
}
