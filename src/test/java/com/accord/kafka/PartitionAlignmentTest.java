package com.accord.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.kafka.client.common.TopicPartition;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PartitionAlignmentTest {

  private static final TopicPartition CORE = new TopicPartition("core_txns", 0);
  private static final TopicPartition GATEWAY = new TopicPartition("gateway_txns", 0);
  private static final TopicPartition MOBILE = new TopicPartition("mobile_txns", 0);
  private static final long BACKLOG = 1000;

  private final PartitionAlignment alignment = new PartitionAlignment(Duration.ofMillis(20), BACKLOG);

  /** One poll in which each partition delivered up to the given offset and record time. */
  private PartitionAlignment.Moves poll(Object... partitionOffsetTime) {
    Map<TopicPartition, PartitionAlignment.Newest> delivered = new HashMap<>();
    for (int i = 0; i < partitionOffsetTime.length; i += 3) {
      delivered.put((TopicPartition) partitionOffsetTime[i],
          new PartitionAlignment.Newest((Integer) partitionOffsetTime[i + 1], (Integer) partitionOffsetTime[i + 2]));
    }
    return alignment.afterPoll(delivered);
  }

  private void endsFarAhead() {
    alignment.endOffsets(Map.of(CORE, 100_000L, GATEWAY, 100_000L, MOBILE, 100_000L));
  }

  @Test
  void liveNothingIsPausedHoweverFarApartTheRecordTimes() {
    poll(CORE, 10, 1_000, GATEWAY, 10, 9_000, MOBILE, 10, 5_000);
    alignment.endOffsets(Map.of(CORE, 11L, GATEWAY, 11L + BACKLOG, MOBILE, 11L));
    assertThat(alignment.draining()).as("no partition more than a backlog behind its end").isFalse();

    PartitionAlignment.Moves moves = poll(CORE, 20, 2_000, GATEWAY, 20, 10_000, MOBILE, 20, 6_000);

    assertThat(moves.isEmpty()).isTrue();
    assertThat(alignment.paused()).isEmpty();
  }

  @Test
  void theLagIsWhatTheDeliveringPartitionsAreBehindTheirEnds() {
    poll(CORE, 99, 1_000, GATEWAY, 49, 1_000);
    assertThat(alignment.delivering()).containsExactlyInAnyOrder(CORE, GATEWAY);

    // mobile has delivered nothing, so its end is not this consumer's lag; an end short of the next offset counts as none
    alignment.endOffsets(Map.of(CORE, 400L, GATEWAY, 40L, MOBILE, 9_000L));

    assertThat(alignment.lag()).as("core: 400 - 100").isEqualTo(300);
    assertThat(alignment.draining()).isFalse();

    alignment.revoked(List.of(CORE));
    alignment.endOffsets(Map.of(CORE, 400L, GATEWAY, 50L + BACKLOG + 1));
    assertThat(alignment.delivering()).containsExactly(GATEWAY);
    assertThat(alignment.lag()).as("gateway only, once core is revoked").isEqualTo(BACKLOG + 1);
    assertThat(alignment.draining()).isTrue();
  }

  @Test
  void drainingAPartitionAheadOfTheSlowestWaitsUntilItCatchesUp() {
    poll(CORE, 100, 1_000, GATEWAY, 100, 1_000, MOBILE, 100, 1_000);
    endsFarAhead();
    assertThat(alignment.draining()).isTrue();

    PartitionAlignment.Moves moves = poll(CORE, 300, 1_100, GATEWAY, 160, 1_030, MOBILE, 250, 1_019);
    assertThat(moves.pause()).as("more than 20 ms past the slowest (gateway at 1,030)").containsExactly(CORE);
    assertThat(moves.resume()).isEmpty();

    moves = poll(GATEWAY, 200, 1_070, MOBILE, 300, 1_060);
    assertThat(moves.resume()).as("gateway still 30 ms behind core").isEmpty();
    assertThat(moves.pause()).isEmpty();

    moves = poll(GATEWAY, 240, 1_085, MOBILE, 330, 1_090);
    assertThat(moves.resume()).as("core within 20 ms of the slowest again").containsExactly(CORE);
    assertThat(alignment.paused()).isEmpty();
  }

  @Test
  void aPartitionThatStopsDeliveringHoldsNoOneBack() {
    poll(CORE, 100, 1_000, GATEWAY, 100, 1_000, MOBILE, 100, 1_000);
    endsFarAhead();
    assertThat(poll(CORE, 200, 2_000, GATEWAY, 200, 2_000, MOBILE, 101, 1_001).pause()).containsExactlyInAnyOrder(CORE, GATEWAY);

    // mobile has nothing more (its producer stopped): after a few empty polls it is no longer the slowest
    List<PartitionAlignment.Moves> moves = List.of(poll(), poll(), poll());
    assertThat(moves.get(0).resume()).isEmpty();
    assertThat(moves.stream().flatMap(m -> m.resume().stream())).containsExactlyInAnyOrder(CORE, GATEWAY);
    assertThat(alignment.paused()).isEmpty();
  }

  @Test
  void aPausedPartitionIsResumedAfterTheLongestPause() {
    poll(CORE, 100, 1_000, GATEWAY, 100, 1_000);
    endsFarAhead();
    assertThat(poll(CORE, 200, 5_000, GATEWAY, 101, 1_001).pause()).containsExactly(CORE);
    int polls = 0;
    while (alignment.paused().contains(CORE)) {
      polls++;
      poll(GATEWAY, 101 + polls, 1_001 + polls); // the slowest creeps on, far behind
    }
    assertThat(polls).isEqualTo(PartitionAlignment.PAUSE_POLLS_MAX);
  }

  @Test
  void caughtUpEverythingPausedIsResumed() {
    poll(CORE, 100, 1_000, GATEWAY, 100, 1_000);
    endsFarAhead();
    assertThat(poll(CORE, 200, 5_000, GATEWAY, 101, 1_001).pause()).containsExactly(CORE);

    alignment.endOffsets(Map.of(CORE, 201L, GATEWAY, 102L));
    assertThat(poll(GATEWAY, 101, 1_001).resume()).containsExactly(CORE);
  }

  @Test
  void aRevokedPartitionIsForgotten() {
    poll(CORE, 100, 1_000, GATEWAY, 100, 1_000);
    endsFarAhead();
    assertThat(poll(CORE, 200, 5_000, GATEWAY, 101, 1_001).pause()).containsExactly(CORE);

    alignment.revoked(List.of(CORE));

    assertThat(alignment.paused()).isEmpty();
    assertThat(poll(GATEWAY, 102, 1_002).isEmpty()).isTrue();
    alignment.endOffsets(Map.of(CORE, 100_000L));
    assertThat(alignment.draining()).as("an offset it no longer knows says nothing about lag").isFalse();
  }
}
