package com.accord.simulation;

import com.accord.domain.TransactionEvent;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Random;

/**
 * Drives a scenario's traffic into a sink at its rate: events of transactions are shuffled within
 * the reorder window (out-of-order arrival), conflicting re-sends follow their originals, held-back
 * events arrive after the late delay. Deterministic for a seed apart from wall-clock pacing.
 */
public final class Simulator {

  private static final long TICK_MILLIS = 10;
  private static final long PROGRESS_MILLIS = 1000;

  private final Scenario scenario;
  private final String txnPrefix;
  private final PrintStream progress;

  public Simulator(Scenario scenario, String txnPrefix, PrintStream progress) {
    this.scenario = scenario;
    this.txnPrefix = txnPrefix;
    this.progress = progress;
  }

  /** Outcome of a run: the ground truth and how many events went out over how long. */
  public record Run(GroundTruth truth, long events, Duration elapsed) {
    public double eventsPerSecond() {
      return events * 1000.0 / Math.max(1, elapsed.toMillis());
    }
  }

  public Run run(EventSink sink) throws Exception {
    Instant startedAt = Instant.now();
    TrafficGenerator generator = new TrafficGenerator(scenario, startedAt, txnPrefix);
    Random shuffle = new Random(scenario.seed() ^ 0x5DEECE66DL);
    List<GroundTruth.Expected> truth = new ArrayList<>(scenario.transactions());
    List<TransactionEvent> window = new ArrayList<>();
    List<TransactionEvent> afterWindow = new ArrayList<>();
    Deque<Held> heldBack = new ArrayDeque<>();
    long sent = 0;
    long nextProgress = PROGRESS_MILLIS;
    long startNanos = System.nanoTime();

    for (int n = 0; n < scenario.transactions(); n++) {
      if (scenario.ratePerSecond() > 0) {
        pace(startNanos, n);
      }
      GeneratedTransaction t = generator.transaction(n);
      truth.add(GroundTruth.of(t));
      window.addAll(t.events());
      afterWindow.addAll(t.lateEvents());
      if (!t.heldBack().isEmpty()) {
        heldBack.add(new Held(System.nanoTime() + scenario.lateDelay().toNanos(), t.heldBack()));
      }
      if (window.size() >= scenario.reorderWindow()) {
        sent += deliver(sink, window, afterWindow, shuffle);
      }
      sent += releaseDue(sink, heldBack, false);
      long elapsedMillis = (System.nanoTime() - startNanos) / 1_000_000;
      if (elapsedMillis >= nextProgress) {
        report(n + 1, sent, elapsedMillis);
        nextProgress = elapsedMillis + PROGRESS_MILLIS;
      }
    }
    sent += deliver(sink, window, afterWindow, shuffle);
    sink.flush();
    sent += releaseDue(sink, heldBack, true);
    sink.flush();
    Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
    report(scenario.transactions(), sent, elapsed.toMillis());
    return new Run(new GroundTruth(scenario.name(), scenario.seed(), startedAt, truth), sent, elapsed);
  }

  private record Held(long dueNanos, List<TransactionEvent> events) {}

  private static long deliver(EventSink sink, List<TransactionEvent> window, List<TransactionEvent> after, Random shuffle)
      throws Exception {
    Collections.shuffle(window, shuffle);
    List<TransactionEvent> batch = new ArrayList<>(window.size() + after.size());
    batch.addAll(window);
    batch.addAll(after);
    window.clear();
    after.clear();
    if (!batch.isEmpty()) {
      sink.send(batch);
    }
    return batch.size();
  }

  /** Sends held-back events whose delay has passed; at the end, waits for the rest. */
  private static long releaseDue(EventSink sink, Deque<Held> held, boolean waitForAll) throws Exception {
    long sent = 0;
    while (!held.isEmpty()) {
      long wait = held.peek().dueNanos() - System.nanoTime();
      if (wait > 0) {
        if (!waitForAll) {
          break;
        }
        Thread.sleep(Math.max(1, wait / 1_000_000));
      }
      List<TransactionEvent> events = held.poll().events();
      sink.send(events);
      sent += events.size();
    }
    return sent;
  }

  private void pace(long startNanos, int n) throws InterruptedException {
    long dueNanos = startNanos + (long) (n * 1e9 / scenario.ratePerSecond());
    long wait = dueNanos - System.nanoTime();
    if (wait > TICK_MILLIS * 1_000_000) {
      Thread.sleep(wait / 1_000_000);
    }
  }

  private void report(int transactions, long events, long elapsedMillis) {
    if (progress != null) {
      progress.printf("  simulator %-8s %,9d of %,d transactions  %,10d events  %,8.0f events/s%n",
          scenario.name(), transactions, scenario.transactions(), events, events * 1000.0 / Math.max(1, elapsedMillis));
    }
  }
}
