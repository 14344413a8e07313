package com.accord.bench;

import java.time.Duration;
import java.util.Arrays;

/**
 * Latency percentiles of one measured operation, computed exactly from every recorded sample
 * (nearest rank on the sorted samples, no histogram buckets). Errors are counted apart: a failed
 * request is not a latency sample.
 */
public record LatencySummary(long count, long errors, Duration p50, Duration p99, Duration p999, Duration max) {

  public static final LatencySummary EMPTY = new LatencySummary(0, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);

  /**
   * @param nanos samples in nanoseconds; only the first {@code n} are read, and not modified
   * @param n number of samples recorded
   * @param errors operations that failed (not among the samples)
   */
  public static LatencySummary of(long[] nanos, int n, long errors) {
    if (n < 0 || n > nanos.length) {
      throw new IllegalArgumentException("n must be between 0 and " + nanos.length + ", got " + n);
    }
    if (n == 0) {
      return new LatencySummary(0, errors, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }
    long[] sorted = Arrays.copyOf(nanos, n);
    Arrays.sort(sorted);
    return new LatencySummary(n, errors,
        Duration.ofNanos(nearestRank(sorted, 500)),
        Duration.ofNanos(nearestRank(sorted, 990)),
        Duration.ofNanos(nearestRank(sorted, 999)),
        Duration.ofNanos(sorted[n - 1]));
  }

  /** The smallest sample with at least {@code perMille}/1000 of the samples at or below it. */
  static long nearestRank(long[] sorted, int perMille) {
    long rank = ((long) sorted.length * perMille + 999) / 1000; // ceil(p * n), exact in integers
    return sorted[(int) Math.max(1, rank) - 1];
  }
}
