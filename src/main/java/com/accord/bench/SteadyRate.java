package com.accord.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts work done by several workers and measures the rate after a warm-up share of it: the first
 * seconds of a run (JIT compilation, empty caches, pools opening) would otherwise pull a ceiling
 * down and flatter every ratio against it.
 */
final class SteadyRate {

  private final long warmUpUnits;
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong measuredFromNanos = new AtomicLong();
  private volatile long unitsAtMeasureStart;

  /** @param warmUpUnits units done before measuring starts */
  SteadyRate(long warmUpUnits) {
    this.warmUpUnits = warmUpUnits;
  }

  /** Called by a worker after finishing {@code units}. */
  void add(long units) {
    long total = done.addAndGet(units);
    if (total >= warmUpUnits && measuredFromNanos.get() == 0 && measuredFromNanos.compareAndSet(0, System.nanoTime())) {
      unitsAtMeasureStart = total;
    }
  }

  long done() {
    return done.get();
  }

  /** Units done since measuring started (all of them if the warm-up never ended). */
  long measuredUnits() {
    return measuredFromNanos.get() == 0 ? done.get() : done.get() - unitsAtMeasureStart;
  }

  /** Time since measuring started, up to {@code endNanos}. */
  Duration measuredElapsed(long startNanos, long endNanos) {
    long from = measuredFromNanos.get() == 0 ? startNanos : measuredFromNanos.get();
    return Duration.ofNanos(endNanos - from);
  }

  /**
   * Waits for the workers, printing a progress line a second; a worker's failure fails the whole
   * measurement, naming it.
   */
  static void awaitAll(java.util.List<java.util.concurrent.Future<?>> workers, String what,
      java.util.function.Supplier<String> progressLine, java.io.PrintStream progress) {
    try {
      for (java.util.concurrent.Future<?> worker : workers) {
        while (true) {
          try {
            worker.get(1, java.util.concurrent.TimeUnit.SECONDS);
            break;
          } catch (java.util.concurrent.TimeoutException e) {
            progress.println(what + ": " + progressLine.get());
          }
        }
      }
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(what + " failed: " + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " interrupted", e);
    }
  }
}
