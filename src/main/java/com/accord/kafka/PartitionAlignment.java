package com.accord.kafka;

import io.vertx.kafka.client.common.TopicPartition;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Keeps the source topics' partitions level in record time while a backlog drains.
 *
 * <p>The events of one transaction sit in the same partition of each source topic (keyed by txn
 * id) and were written at about the same time. Read live, they arrive together and meet in one
 * batch. Read from a backlog, each partition's fetch covers a different stretch of time (records
 * differ in size from topic to topic, and fetches are counted in bytes), the topics drift apart,
 * and a transaction's events land in different batches: it is stored once per batch. A
 * 1,000,000-transaction drain stored 3.6 result versions per transaction where a live run stored
 * 1.1. So while the consumer is more than a poll behind, a partition that has read more than
 * {@code slack} (in record time) past the slowest partition still delivering is paused until that
 * one catches up.
 *
 * <p>Live — no partition more than {@code backlogRecords} behind its end — nothing is paused,
 * so record timestamps written by clocks that disagree cannot delay anything. A partition stays
 * paused for at most {@value #PAUSE_POLLS_MAX} polls, and one that has not delivered for
 * {@value #ACTIVE_POLLS} polls (caught up, or idle) holds no one back. Not thread-safe: the
 * consumer's verticle calls it from its own context.
 */
final class PartitionAlignment {

  static final int ACTIVE_POLLS = 3;
  static final int PAUSE_POLLS_MAX = 20;

  /** The newest record of a partition in one poll. */
  record Newest(long offset, long timestamp) {
    Newest later(long otherOffset, long otherTimestamp) {
      return new Newest(Math.max(offset, otherOffset), Math.max(timestamp, otherTimestamp));
    }
  }

  /** What to pause and resume before the next poll. */
  record Moves(Set<TopicPartition> pause, Set<TopicPartition> resume) {
    boolean isEmpty() {
      return pause.isEmpty() && resume.isEmpty();
    }
  }

  private final long slackMillis;
  private final long backlogRecords;
  private final Map<TopicPartition, Long> newestTimestamp = new HashMap<>();
  private final Map<TopicPartition, Long> nextOffset = new HashMap<>();
  private final Map<TopicPartition, Long> deliveredAtPoll = new HashMap<>();
  private final Map<TopicPartition, Long> pausedAtPoll = new HashMap<>();
  private boolean draining;
  private long lag;
  private long poll;

  PartitionAlignment(Duration slack, long backlogRecords) {
    this.slackMillis = slack.toMillis();
    this.backlogRecords = backlogRecords;
  }

  boolean draining() {
    return draining;
  }

  Set<TopicPartition> paused() {
    return Set.copyOf(pausedAtPoll.keySet());
  }

  /** The partitions that have delivered records and are still owned: those whose end offsets {@link #endOffsets} weighs. */
  Set<TopicPartition> delivering() {
    return Set.copyOf(nextOffset.keySet());
  }

  /** The records this consumer was behind the partitions' ends at the last {@link #endOffsets}, summed over its partitions. */
  long lag() {
    return lag;
  }

  /** The broker's end offsets: the consumer is draining while a partition is more than a backlog behind its end. */
  void endOffsets(Map<TopicPartition, Long> ends) {
    long behind = 0;
    boolean backlog = false;
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      Long next = nextOffset.get(end.getKey());
      if (next != null) {
        behind += Math.max(0, end.getValue() - next);
        backlog |= end.getValue() - next > backlogRecords;
      }
    }
    lag = behind;
    draining = backlog;
  }

  /** Takes one poll's newest record per partition; says what to pause and resume before the next. */
  Moves afterPoll(Map<TopicPartition, Newest> delivered) {
    poll++;
    delivered.forEach((partition, newest) -> {
      newestTimestamp.merge(partition, newest.timestamp(), Math::max);
      nextOffset.merge(partition, newest.offset() + 1, Math::max);
      deliveredAtPoll.put(partition, poll);
    });
    OptionalLong frontier = deliveredAtPoll.entrySet().stream()
        .filter(e -> poll - e.getValue() < ACTIVE_POLLS && !pausedAtPoll.containsKey(e.getKey()))
        .mapToLong(e -> newestTimestamp.get(e.getKey()))
        .min();
    Set<TopicPartition> pause = new HashSet<>();
    Set<TopicPartition> resume = new HashSet<>();
    if (!draining || frontier.isEmpty()) {
      resume.addAll(pausedAtPoll.keySet());
    } else {
      long limit = frontier.getAsLong() + slackMillis;
      pausedAtPoll.forEach((partition, since) -> {
        if (newestTimestamp.get(partition) <= limit || poll - since >= PAUSE_POLLS_MAX) {
          resume.add(partition);
        }
      });
      for (TopicPartition partition : delivered.keySet()) {
        if (!pausedAtPoll.containsKey(partition) && newestTimestamp.get(partition) > limit) {
          pause.add(partition);
        }
      }
    }
    resume.forEach(pausedAtPoll::remove);
    pause.forEach(partition -> pausedAtPoll.put(partition, poll));
    return new Moves(pause, resume);
  }

  /** Partitions this consumer no longer owns: forgotten (Kafka resumes them for their next owner). */
  void revoked(Collection<TopicPartition> partitions) {
    for (TopicPartition partition : partitions) {
      newestTimestamp.remove(partition);
      nextOffset.remove(partition);
      deliveredAtPoll.remove(partition);
      pausedAtPoll.remove(partition);
    }
  }
}
