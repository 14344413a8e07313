package com.accord.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;

/**
 * Where this JVM's heap went during a phase: bytes allocated by each thread group (HotSpot counts
 * them per thread), and the garbage collector's pauses, which stop every thread of the JVM — Accord's
 * event loops as much as the load generator whose garbage caused them. The benchmark's load
 * generator shares Accord's JVM, so its allocation is Accord's pause time; this profile tells the two
 * apart.
 *
 * <p>A thread that ended during the phase takes its count with it: only live threads are counted.
 */
final class HeapProfile {

  /** Pauses kept for the windows still to be asked about: at one a second, well over an hour. */
  private static final int PAUSES_KEPT = 10_000;
  /** Oldest first; guarded by itself (a pause is added about once a second, read once a phase). */
  private static final ArrayDeque<Pause> PAUSES = new ArrayDeque<>();

  static {
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      if (collector instanceof NotificationEmitter emitter) {
        emitter.addNotificationListener((notification, handback) -> {
          if (GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            record(GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData()));
          }
        }, null, null);
      }
    }
  }

  private HeapProfile() {}

  /** One stop-the-world collection: when it began (this JVM's {@link System#nanoTime}) and how long it took. */
  record Pause(long startNanoTime, Duration duration) {}

  /** The pauses that began in a window. */
  record Pauses(int count, Duration total, Duration longest) {
    static final Pauses NONE = new Pauses(0, Duration.ZERO, Duration.ZERO);
  }

  private static void record(GarbageCollectionNotificationInfo info) {
    // ZGC and Shenandoah report their concurrent collections as "Cycles" beside their pauses;
    // G1 Young and G1 Old (a full GC) stop the world for their whole duration
    if (info.getGcName().contains("Cycles")) {
      return;
    }
    // the collection's own start time counts from an origin of the JVM's that is not the uptime's
    // (tens of ms apart): the notice comes right after the pause ends, so the start is its arrival
    // less the pause
    Duration duration = Duration.ofMillis(info.getGcInfo().getDuration());
    synchronized (PAUSES) {
      PAUSES.addLast(new Pause(System.nanoTime() - duration.toNanos(), duration));
      if (PAUSES.size() > PAUSES_KEPT) {
        PAUSES.pollFirst();
      }
    }
  }

  /** The pauses that began at or after {@code fromNanoTime} and before {@code toNanoTime}. */
  static Pauses pausesBetween(long fromNanoTime, long toNanoTime) {
    int count = 0;
    Duration total = Duration.ZERO;
    Duration longest = Duration.ZERO;
    List<Pause> pauses;
    synchronized (PAUSES) {
      pauses = List.copyOf(PAUSES);
    }
    for (Pause pause : pauses) {
      if (pause.startNanoTime() >= fromNanoTime && pause.startNanoTime() < toNanoTime) {
        count++;
        total = total.plus(pause.duration());
        longest = pause.duration().compareTo(longest) > 0 ? pause.duration() : longest;
      }
    }
    return count == 0 ? Pauses.NONE : new Pauses(count, total, longest);
  }

  /** The bytes a live thread had allocated at one moment, and its group. */
  record ThreadBytes(String group, long bytes) {}

  /**
   * Bytes allocated so far by each of this JVM's live threads (by thread id, which the JVM never
   * reuses), in the first group whose test takes the thread's name, else in {@code others}. Reading
   * it also starts listening for pauses: a pause before the first reading is not seen.
   */
  static Map<Long, ThreadBytes> allocatedBytes(List<Map.Entry<String, Predicate<String>>> groups, String others) {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Map<Long, ThreadBytes> bytes = new HashMap<>();
    if (!threads.isThreadAllocatedMemorySupported() || !threads.isThreadAllocatedMemoryEnabled()) {
      return bytes;
    }
    long[] ids = threads.getAllThreadIds();
    long[] allocated = threads.getThreadAllocatedBytes(ids);
    ThreadInfo[] infos = threads.getThreadInfo(ids, 0);
    for (int i = 0; i < ids.length; i++) {
      if (infos[i] == null || allocated[i] < 0) {
        continue; // ended since the listing
      }
      String name = infos[i].getThreadName();
      String group = groups.stream().filter(g -> g.getValue().test(name)).map(Map.Entry::getKey).findFirst().orElse(others);
      bytes.put(ids[i], new ThreadBytes(group, allocated[i]));
    }
    return bytes;
  }

  /** Bytes allocated between two readings by group, largest first; a thread started between them counts from zero. */
  static Map<String, Long> allocatedBetween(Map<Long, ThreadBytes> before, Map<Long, ThreadBytes> after) {
    Map<String, Long> byGroup = new HashMap<>();
    after.forEach((id, now) -> {
      ThreadBytes then = before.get(id);
      byGroup.merge(now.group(), now.bytes() - (then == null ? 0 : then.bytes()), Long::sum);
    });
    byGroup.values().removeIf(bytes -> bytes <= 0);
    return CpuProfile.largestFirst(byGroup);
  }
}
