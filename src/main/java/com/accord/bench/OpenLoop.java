package com.accord.bench;

import com.accord.domain.TransactionEvent;
import com.accord.simulation.EventSink;
import com.accord.simulation.GeneratedTransaction;
import com.accord.simulation.TrafficGenerator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load: the n-th event is due at {@code start + n / rate} and is sent then, whatever
 * the receiver does, so a stall delays nothing that is scheduled and a latency taken from the due
 * time counts the queueing behind it (no coordinated omission). A transaction's events go out in
 * their scenario order, its late re-sends right after them.
 */
final class OpenLoop {

  /** Told of what was sent, on the sending thread. */
  interface Listener {
    /** One event, sent; {@code due} is its scheduled {@link System#nanoTime()}. */
    default void sent(TransactionEvent event, long due) {}

    /** A transaction's events, all sent; the due time of each source's first event, in sending order. */
    default void transactionSent(GeneratedTransaction transaction, Map<String, Long> firstDuePerSource) {}
  }

  private OpenLoop() {}

  /**
   * Notes in {@code dueOf}, under {@code key(source, txnId)}, the due time of each measured
   * transaction's last first-per-source event: the event after which its detection can start.
   * Only transactions every expected source reports on time count; late re-sends do not.
   */
  static Listener lastFirstPerSource(Bench.Window window, int expectedSources, BiFunction<String, String, String> key,
      Map<String, Long> dueOf) {
    return new Listener() {
      @Override
      public void transactionSent(GeneratedTransaction t, Map<String, Long> firstDuePerSource) {
        Map.Entry<String, Long> last = firstDuePerSource.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
        if (firstDuePerSource.size() == expectedSources && t.heldBack().isEmpty() && window.measures(last.getValue())) {
          dueOf.put(key.apply(last.getKey(), t.txnId()), last.getValue());
        }
      }
    };
  }

  /** Sends from {@code start} until {@code stopAt} (both {@link System#nanoTime()}); returns the transactions sent. */
  static int run(TrafficGenerator generator, double eventsPerSecond, long start, long stopAt, EventSink sink, Listener listener)
      throws Exception {
    double nanosPerEvent = 1e9 / eventsPerSecond;
    long eventIndex = 0;
    int transactions = 0;
    while (System.nanoTime() < stopAt) {
      GeneratedTransaction t = generator.transaction(transactions++);
      List<TransactionEvent> events = new ArrayList<>(t.events());
      events.addAll(t.lateEvents());
      Map<String, Long> firstDuePerSource = new LinkedHashMap<>();
      for (TransactionEvent event : events) {
        long due = start + (long) (eventIndex++ * nanosPerEvent);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        firstDuePerSource.putIfAbsent(event.source(), due);
        sink.send(List.of(event));
        listener.sent(event, due);
      }
      listener.transactionSent(t, firstDuePerSource);
    }
    return transactions;
  }
}
