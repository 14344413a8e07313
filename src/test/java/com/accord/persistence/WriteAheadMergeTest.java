package com.accord.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.bus.Messages.RawWrite;
import com.accord.bus.Messages.Via;
import com.accord.domain.TransactionEvent;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The rule for which waiting write-aheads share one statement. */
class WriteAheadMergeTest {

  private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

  private static TransactionEvent event(String source, String eventId) {
    return new TransactionEvent(eventId, source, "T-" + eventId, new BigDecimal("1.00"), "EUR", "POSTED", "ACC-1", T0,
        null, null, null, Map.of());
  }

  private static RawWrite write(Via via, TransactionEvent... events) {
    return new RawWrite(via, T0, List.of(events), List.of(), List.of());
  }

  private static RawWrite writeOf(int events, String prefix) {
    return new RawWrite(Via.HTTP, T0, IntStream.range(0, events).mapToObj(i -> event("core", prefix + i)).toList(),
        List.of(), List.of());
  }

  private static List<RawWrite> take(Queue<RawWrite> waiting) {
    return WriteAheadMerge.take(waiting, Function.identity());
  }

  @Test
  void writesWithDisjointIdentitiesThroughOneChannelShareAStatement() {
    RawWrite a = write(Via.HTTP, event("core", "e1"), event("gateway", "e1"));
    RawWrite b = write(Via.HTTP, event("mobile", "e1"));
    RawWrite c = write(Via.HTTP, event("core", "e2"));
    Queue<RawWrite> waiting = new ArrayDeque<>(List.of(a, b, c));

    assertThat(take(waiting)).containsExactly(a, b, c);
    assertThat(waiting).isEmpty();
  }

  @Test
  void aWriteRepeatingAnIdentityTakenWaitsAndSoDoesEveryWriteBehindIt() {
    RawWrite a = write(Via.HTTP, event("core", "e1"));
    RawWrite b = write(Via.HTTP, event("gateway", "e9"));
    RawWrite repeat = write(Via.HTTP, event("core", "e1"));
    RawWrite behind = write(Via.HTTP, event("mobile", "e7"));
    Queue<RawWrite> waiting = new ArrayDeque<>(List.of(a, b, repeat, behind));

    assertThat(take(waiting)).containsExactly(a, b);
    assertThat(take(waiting)).as("the next statement, in order").containsExactly(repeat, behind);
  }

  @Test
  void theSameEventIdFromAnotherSourceIsAnotherIdentity() {
    RawWrite a = write(Via.HTTP, event("core", "e1"));
    RawWrite b = write(Via.HTTP, event("gateway", "e1"));
    Queue<RawWrite> waiting = new ArrayDeque<>(List.of(a, b));

    assertThat(take(waiting)).containsExactly(a, b);
  }

  @Test
  void writesOfAnotherChannelWaitForAStatementOfTheirOwn() {
    RawWrite http = write(Via.HTTP, event("core", "e1"));
    RawWrite kafka = write(Via.KAFKA, event("core", "e2"));
    RawWrite http2 = write(Via.HTTP, event("core", "e3"));
    Queue<RawWrite> waiting = new ArrayDeque<>(List.of(http, kafka, http2));

    assertThat(take(waiting)).containsExactly(http);
    assertThat(take(waiting)).containsExactly(kafka);
    assertThat(take(waiting)).containsExactly(http2);
  }

  @Test
  void aStatementStaysWithinTheEventLimitButAlwaysTakesOneWrite() {
    int max = WriteAheadMerge.EVENTS_PER_STATEMENT_MAX;
    RawWrite big = writeOf(max - 10, "a");
    RawWrite fits = writeOf(10, "b");
    RawWrite over = writeOf(1, "c");
    RawWrite huge = writeOf(max + 1, "d");
    Queue<RawWrite> waiting = new ArrayDeque<>(List.of(big, fits, over, huge));

    assertThat(take(waiting)).containsExactly(big, fits);
    assertThat(take(waiting)).containsExactly(over);
    assertThat(take(waiting)).as("a write over the limit alone").containsExactly(huge);
    assertThat(take(waiting)).isEmpty();
  }

  @Test
  void rejectionOnlyWritesJoinFreely() {
    RawWrite a = write(Via.HTTP, event("core", "e1"));
    RawWrite none = write(Via.HTTP);
    RawWrite b = write(Via.HTTP, event("core", "e2"));
    Queue<RawWrite> waiting = new ArrayDeque<>(List.of(a, none, b));

    assertThat(take(waiting)).containsExactly(a, none, b);
  }
}
