package com.accord.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LatencySummaryTest {

  @Test
  void nearestRankOnOneToOneThousand() {
    long[] nanos = new long[1000];
    for (int i = 0; i < nanos.length; i++) {
      nanos[i] = (1000 - i) * 1_000L; // descending: the summary must sort
    }
    LatencySummary s = LatencySummary.of(nanos, 1000, 3);
    assertThat(s.count()).isEqualTo(1000);
    assertThat(s.errors()).isEqualTo(3);
    assertThat(s.p50()).isEqualTo(Duration.ofNanos(500_000));
    assertThat(s.p99()).isEqualTo(Duration.ofNanos(990_000));
    assertThat(s.p999()).isEqualTo(Duration.ofNanos(999_000));
    assertThat(s.max()).isEqualTo(Duration.ofNanos(1_000_000));
    assertThat(nanos[0]).as("the caller's array is left as it was").isEqualTo(1_000_000);
  }

  @Test
  void smallSamplesRoundTheRankUp() {
    // 10 samples: p50 is the 5th, p99 and p99.9 the 10th (ceil(9.9) = ceil(9.99) = 10)
    long[] nanos = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100};
    LatencySummary s = LatencySummary.of(nanos, 10, 0);
    assertThat(s.p50().toNanos()).isEqualTo(50);
    assertThat(s.p99().toNanos()).isEqualTo(100);
    assertThat(s.p999().toNanos()).isEqualTo(100);
    // 101 samples: p50 is the 51st, p99 the 100th (ceil(99.99))
    long[] many = new long[101];
    for (int i = 0; i < many.length; i++) {
      many[i] = i + 1;
    }
    LatencySummary m = LatencySummary.of(many, 101, 0);
    assertThat(m.p50().toNanos()).isEqualTo(51);
    assertThat(m.p99().toNanos()).isEqualTo(100);
    assertThat(m.p999().toNanos()).isEqualTo(101);
  }

  @Test
  void onlyTheFirstNSamplesCount() {
    long[] nanos = {5, 1, 3, 999_999, 999_999};
    LatencySummary s = LatencySummary.of(nanos, 3, 0);
    assertThat(s.count()).isEqualTo(3);
    assertThat(s.max().toNanos()).isEqualTo(5);
    assertThat(s.p50().toNanos()).isEqualTo(3);
  }

  @Test
  void noSamplesGiveZerosButKeepTheErrors() {
    LatencySummary s = LatencySummary.of(new long[4], 0, 7);
    assertThat(s.count()).isZero();
    assertThat(s.errors()).isEqualTo(7);
    assertThat(s.max()).isEqualTo(Duration.ZERO);
    assertThatThrownBy(() -> LatencySummary.of(new long[2], 3, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void percentilesAreOrderedAndAreSamples() {
    Random random = new Random(1);
    long[] nanos = new long[5000];
    for (int i = 0; i < nanos.length; i++) {
      nanos[i] = (long) (Math.exp(random.nextGaussian() * 2) * 1_000_000);
    }
    LatencySummary s = LatencySummary.of(nanos, nanos.length, 0);
    assertThat(s.p50()).isLessThanOrEqualTo(s.p99());
    assertThat(s.p99()).isLessThanOrEqualTo(s.p999());
    assertThat(s.p999()).isLessThanOrEqualTo(s.max());
    assertThat(nanos).contains(s.p50().toNanos(), s.p99().toNanos(), s.p999().toNanos());
    long atOrBelowP99 = java.util.Arrays.stream(nanos).filter(n -> n <= s.p99().toNanos()).count();
    assertThat(atOrBelowP99).isGreaterThanOrEqualTo(4950);
  }
}
