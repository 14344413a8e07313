package com.accord.persistence;

import com.accord.bus.Messages.RawWrite;
import com.accord.bus.Messages.Via;
import com.accord.domain.TransactionEvent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.function.Function;

/**
 * Which write-aheads waiting behind the ones in flight may share one statement. A statement stores
 * its events in one snapshot, so two writes that hold the same event identity must not share one:
 * which of them is the original and which the re-send is decided by the order the database sees
 * them in, as it is for writes in separate statements. So writes are taken from the head of the
 * queue, in order, while they come through one channel, hold identities none taken before them
 * holds, and keep the statement within {@link #EVENTS_PER_STATEMENT_MAX} events; the first that
 * cannot join waits for the next statement, and so does everything behind it.
 */
final class WriteAheadMerge {

  /** A Kafka poll's default size: larger statements hold their locks longer without saving much. */
  static final int EVENTS_PER_STATEMENT_MAX = 5000;

  private WriteAheadMerge() {}

  /** Removes from {@code waiting} and returns the writes for the next statement: at least one while any wait. */
  static <T> List<T> take(Queue<T> waiting, Function<T, RawWrite> writeOf) {
    List<T> taken = new ArrayList<>();
    Set<String> identities = new HashSet<>();
    Via via = null;
    int events = 0;
    T next;
    while ((next = waiting.peek()) != null) {
      RawWrite write = writeOf.apply(next);
      if (!taken.isEmpty()
          && (write.via() != via || events + write.events().size() > EVENTS_PER_STATEMENT_MAX || !disjoint(identities, write))) {
        break;
      }
      waiting.poll();
      taken.add(next);
      via = write.via();
      events += write.events().size();
      write.events().forEach(e -> identities.add(identity(e)));
    }
    return taken;
  }

  private static boolean disjoint(Set<String> identities, RawWrite write) {
    for (TransactionEvent event : write.events()) {
      if (identities.contains(identity(event))) {
        return false;
      }
    }
    return true;
  }

  private static String identity(TransactionEvent event) {
    return event.source() + '\u0000' + event.eventId();
  }
}
