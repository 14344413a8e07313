package com.accord.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SteadyRateTest {

  @Test
  void unitsBeforeTheWarmUpEndsAreNotMeasured() {
    SteadyRate rate = new SteadyRate(100);
    rate.add(60);
    assertThat(rate.measuredUnits()).as("still warming up: everything so far").isEqualTo(60);
    rate.add(60); // crosses 100: measuring starts at 120 done
    rate.add(30);
    rate.add(30);

    assertThat(rate.done()).isEqualTo(180);
    assertThat(rate.measuredUnits()).isEqualTo(60);
  }

  @Test
  void elapsedRunsFromWhenTheWarmUpEnded() throws InterruptedException {
    long start = System.nanoTime() - Duration.ofSeconds(10).toNanos();
    SteadyRate rate = new SteadyRate(1);
    rate.add(1);
    long end = System.nanoTime();

    assertThat(rate.measuredElapsed(start, end)).isLessThan(Duration.ofSeconds(1));
    assertThat(new SteadyRate(1_000).measuredElapsed(start, end)).as("warm-up never ended: the whole run")
        .isGreaterThanOrEqualTo(Duration.ofSeconds(10));
  }
}
