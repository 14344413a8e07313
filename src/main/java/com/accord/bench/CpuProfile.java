package com.accord.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Where this machine's CPU went during a phase, read from Linux's {@code /proc} before and after
 * it: PostgreSQL's server processes, Redis, the Kafka broker (a child JVM of this one), and this
 * JVM by thread group — Accord's event loops and workers, the Kafka clients, the garbage collector,
 * the JIT compiler, the load generator. Divided by the events of the phase, it is the CPU cost of
 * one event, and two cores divided by that cost is the most this machine could carry with the
 * same work: the bound a throughput target meets before any waiting is counted. Beside it, the heap
 * this JVM allocated per event and the garbage collector's pauses ({@link HeapProfile}).
 *
 * <p>Times are in clock ticks of {@code USER_HZ}, which Linux fixes at 100 per second for user
 * space on every mainstream architecture. A backend that exited during the phase is counted
 * through its postmaster's reaped-children times. A named thread of this JVM counts what it used
 * since the first reading; one that ended before the second is counted in "other threads", which
 * is the process total less the named threads' shares.
 */
final class CpuProfile {

  private static final Path PROC = Path.of("/proc");
  private static final long NANOS_PER_TICK = 10_000_000L;

  static final String POSTGRES = "PostgreSQL (server processes)";
  static final String REDIS = "Redis";
  static final String BROKER = "Kafka broker (child JVM)";
  static final String OTHER_THREADS = "this JVM: other threads";
  static final String JIT = "this JVM: JIT compiler";
  static final String KAFKA_CLIENTS = "this JVM: Kafka clients";
  static final String HTTP_CLIENT = "this JVM: bench HTTP client";
  static final String EVENT_LOOPS = "this JVM: Vert.x event loops";

  /** This JVM's thread groups, by the thread name's start as {@code /proc} shows it (15 characters at most). */
  private static final List<Map.Entry<String, Predicate<String>>> THREAD_GROUPS = List.of(
      Map.entry(EVENT_LOOPS, name -> name.startsWith("vert.x-eventloo")),
      Map.entry("this JVM: Vert.x workers", name -> name.startsWith("vert.x-worker") || name.startsWith("vert.x-internal")),
      Map.entry(KAFKA_CLIENTS, name -> name.startsWith("kafka-") || name.startsWith("vert.x-kafka")),
      Map.entry(HTTP_CLIENT, name -> name.startsWith("http-sink") || name.startsWith("HttpClient")),
      Map.entry("this JVM: garbage collector", name -> name.startsWith("GC ") || name.startsWith("G1 ")),
      Map.entry(JIT, name -> name.contains("CompilerThre") || name.startsWith("Sweeper thread")),
      Map.entry("this JVM: bench load generator (main thread)", name -> name.equals("main") || name.equals("java")));

  static final String HEAP_LOAD_GENERATOR = "the benchmark: load generator, its Kafka producer and HTTP client, samplers";
  static final String HEAP_OTHER_THREADS = "Accord: other threads";

  /**
   * This JVM's thread groups for the heap, by full thread name. The load generator's threads are
   * told apart from Accord's here: its garbage is collected in pauses that stop Accord too.
   */
  private static final List<Map.Entry<String, Predicate<String>>> HEAP_GROUPS = List.of(
      Map.entry(HEAP_LOAD_GENERATOR, name -> name.equals("main") || name.startsWith("http-sink") || name.startsWith("HttpClient")
          || name.startsWith("bench-") || name.contains("accord-simulator")),
      Map.entry("Accord: Vert.x event loops", name -> name.startsWith("vert.x-eventloop")),
      Map.entry("Accord: Vert.x workers", name -> name.startsWith("vert.x-worker") || name.startsWith("vert.x-internal")),
      Map.entry("Accord: Kafka consumer and dead-letter producer", name -> name.startsWith("kafka-") || name.startsWith("vert.x-kafka")));

  private CpuProfile() {}

  /**
   * CPU ticks at one moment: of the other processes by component, of this whole JVM, and of each
   * of its named threads by thread id; the machine's busy and total ticks; and the heap each of
   * this JVM's threads had allocated.
   */
  record Reading(long nanoTime, Map<String, Long> ticks, long selfTicks, Map<Long, ThreadTicks> threads, long machineBusy,
      long machineTotal, Map<Long, HeapProfile.ThreadBytes> allocated) {}

  /** A thread of this JVM in a named group, and the CPU ticks it had used. */
  record ThreadTicks(String group, long ticks) {}

  /**
   * @param byComponent CPU time per component, largest first
   * @param machineBusy the share of all cores' time that was busy, whoever used it
   * @param allocatedByGroup heap bytes this JVM's threads allocated, by group, largest first
   * @param pauses the garbage collector's pauses that began in the phase
   */
  record Usage(String phase, long events, Duration elapsed, int cores, Map<String, Duration> byComponent, double machineBusy,
      Map<String, Long> allocatedByGroup, HeapProfile.Pauses pauses) {

    /** The same usage under another name: the column it heads in the report. */
    Usage withPhase(String name) {
      return new Usage(name, events, elapsed, cores, byComponent, machineBusy, allocatedByGroup, pauses);
    }

    /** Heap kilobytes allocated per event, by one group or (null) by all of this JVM. */
    double kilobytesPerEvent(String group) {
      long bytes = group == null ? allocatedByGroup.values().stream().mapToLong(Long::longValue).sum()
          : allocatedByGroup.getOrDefault(group, 0L);
      return events == 0 ? 0 : bytes / 1e3 / events;
    }

    Duration total() {
      return byComponent.values().stream().reduce(Duration.ZERO, Duration::plus);
    }

    /** CPU microseconds per event, of one component or (null) of all. */
    double microsPerEvent(String component) {
      Duration cpu = component == null ? total() : byComponent.getOrDefault(component, Duration.ZERO);
      return events == 0 ? 0 : cpu.toNanos() / 1e3 / events;
    }

    double eventsPerSecond() {
      return elapsed.isZero() ? 0 : events * 1e9 / elapsed.toNanos();
    }

    /** The events per second all cores could carry at this CPU cost per event. */
    double cpuBoundEventsPerSecond() {
      double micros = microsPerEvent(null);
      return micros == 0 ? 0 : cores * 1e6 / micros;
    }
  }

  /** The group of a thread of this JVM by its name as {@code /proc} shows it; empty for "other threads". */
  static Optional<String> groupOf(String procThreadName) {
    return THREAD_GROUPS.stream().filter(group -> group.getValue().test(procThreadName)).map(Map.Entry::getKey).findFirst();
  }

  /** A reading, or empty where there is no {@code /proc} to read (not Linux). */
  static Optional<Reading> read() {
    if (!Files.isReadable(PROC.resolve("stat"))) {
      return Optional.empty();
    }
    try {
      Map<String, Long> ticks = new LinkedHashMap<>();
      ProcessHandle self = ProcessHandle.current();
      List<Long> children = self.descendants().map(ProcessHandle::pid).toList();
      long selfTotal = 0;
      try (Stream<Path> processes = Files.list(PROC)) {
        for (Path dir : processes.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
          long pid = Long.parseLong(dir.getFileName().toString());
          Optional<Stat> stat = Stat.of(dir.resolve("stat"));
          if (stat.isEmpty()) {
            continue; // ended between the listing and the read
          }
          Stat s = stat.get();
          if (pid == self.pid()) {
            selfTotal = s.own();
          } else if (children.contains(pid)) {
            ticks.merge(BROKER, s.own(), Long::sum);
          } else if (s.name().equals("postgres")) {
            // the postmaster's reaped-children times hold the backends that exited
            ticks.merge(POSTGRES, s.own() + s.reapedChildren(), Long::sum);
          } else if (s.name().equals("redis-server")) {
            ticks.merge(REDIS, s.own(), Long::sum);
          }
        }
      }
      Map<Long, ThreadTicks> threads = new LinkedHashMap<>();
      try (Stream<Path> tasks = Files.list(PROC.resolve(Long.toString(self.pid())).resolve("task"))) {
        for (Path thread : tasks.toList()) {
          Optional<Stat> stat = Stat.of(thread.resolve("stat"));
          if (stat.isEmpty()) {
            continue;
          }
          long tid = Long.parseLong(thread.getFileName().toString());
          groupOf(stat.get().name()).ifPresent(group -> threads.put(tid, new ThreadTicks(group, stat.get().own())));
        }
      }
      long[] machine = machineTicks();
      return Optional.of(new Reading(System.nanoTime(), ticks, selfTotal, threads, machine[0], machine[1],
          HeapProfile.allocatedBytes(HEAP_GROUPS, HEAP_OTHER_THREADS)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Reads every half second, so that a phase whose end is known only afterwards (the last result
   * of a throughput run, found after a quiet period) is profiled up to that end and no further.
   */
  static final class Sampler implements AutoCloseable {
    private static final long PERIOD_MILLIS = 500;
    private final ConcurrentLinkedDeque<Reading> readings = new ConcurrentLinkedDeque<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "bench-cpu-sampler");
      thread.setDaemon(true);
      return thread;
    });

    Sampler() {
      read().ifPresent(readings::add);
      timer.scheduleAtFixedRate(() -> read().ifPresent(readings::add), PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The usage from the sampler's start to the first reading at or after {@code endNanoTime}; empty off Linux. */
    Optional<Usage> usage(String phase, long endNanoTime, long events) {
      Reading first = readings.peekFirst();
      if (first == null) {
        return Optional.empty();
      }
      return firstAtOrAfter(endNanoTime).map(last -> between(phase, first, last, events));
    }

    /**
     * The usage over a window of a load offered at a fixed rate, between the first readings at or
     * after its start and its end; the events are the rate times the time between those readings.
     */
    Optional<Usage> usage(String phase, long startNanoTime, long endNanoTime, double eventsPerSecond) {
      return firstAtOrAfter(startNanoTime).flatMap(first -> firstAtOrAfter(endNanoTime).map(last ->
          between(phase, first, last, Math.round(eventsPerSecond * (last.nanoTime() - first.nanoTime()) / 1e9))));
    }

    private Optional<Reading> firstAtOrAfter(long nanoTime) {
      return readings.stream().filter(r -> r.nanoTime() >= nanoTime).findFirst().or(CpuProfile::read);
    }

    @Override
    public void close() {
      timer.shutdownNow();
    }
  }

  /** The CPU used from {@code before} until now, for {@code events} events; empty without a reading. */
  static Optional<Usage> since(Optional<Reading> before, String phase, long events) {
    return before.flatMap(start -> read().map(now -> between(phase, start, now, events)));
  }

  /**
   * The CPU used between two readings, for {@code events} events. A thread's share is what it used
   * since the first reading, or since it started; a thread that ended in between is counted in
   * "other threads", which is this JVM's total less the named threads' shares.
   */
  static Usage between(String phase, Reading before, Reading after, long events) {
    Map<String, Long> deltas = new LinkedHashMap<>();
    after.ticks().forEach((component, ticks) -> deltas.put(component, ticks - before.ticks().getOrDefault(component, 0L)));
    long named = 0;
    for (Map.Entry<Long, ThreadTicks> thread : after.threads().entrySet()) {
      ThreadTicks now = thread.getValue();
      ThreadTicks then = before.threads().get(thread.getKey());
      // a thread id the kernel reused for a new thread starts from nothing
      long delta = then != null && then.group().equals(now.group()) && then.ticks() <= now.ticks()
          ? now.ticks() - then.ticks() : now.ticks();
      deltas.merge(now.group(), delta, Long::sum);
      named += delta;
    }
    deltas.put(OTHER_THREADS, after.selfTicks() - before.selfTicks() - named);
    Map<String, Duration> used = new LinkedHashMap<>();
    deltas.forEach((component, delta) -> {
      if (delta > 0) {
        used.put(component, Duration.ofNanos(delta * NANOS_PER_TICK));
      }
    });
    long total = after.machineTotal() - before.machineTotal();
    double busy = total <= 0 ? 0 : (double) (after.machineBusy() - before.machineBusy()) / total;
    return new Usage(phase, events, Duration.ofNanos(after.nanoTime() - before.nanoTime()),
        Runtime.getRuntime().availableProcessors(), largestFirst(used), busy, HeapProfile.allocatedBetween(before.allocated(), after.allocated()),
        HeapProfile.pausesBetween(before.nanoTime(), after.nanoTime()));
  }

  /** The same entries, the largest value first. */
  static <V extends Comparable<? super V>> Map<String, V> largestFirst(Map<String, V> values) {
    Map<String, V> sorted = new LinkedHashMap<>();
    values.entrySet().stream().sorted(Map.Entry.<String, V>comparingByValue().reversed())
        .forEach(e -> sorted.put(e.getKey(), e.getValue()));
    return sorted;
  }

  /** Busy and total ticks of all cores: the first line of /proc/stat. */
  private static long[] machineTicks() throws IOException {
    String[] fields = Files.readAllLines(PROC.resolve("stat")).get(0).trim().split("\\s+");
    long total = 0;
    long idle = 0;
    // user nice system idle iowait irq softirq steal (guest time is already inside user)
    for (int i = 1; i <= Math.min(8, fields.length - 1); i++) {
      long value = Long.parseLong(fields[i]);
      total += value;
      if (i == 4 || i == 5) {
        idle += value;
      }
    }
    return new long[] {total - idle, total};
  }

  /** The fields of a {@code stat} file this profile uses. */
  record Stat(String name, long utime, long stime, long cutime, long cstime) {

    long own() {
      return utime + stime;
    }

    long reapedChildren() {
      return cutime + cstime;
    }

    static Optional<Stat> of(Path file) {
      try {
        return parse(Files.readString(file));
      } catch (IOException e) {
        return Optional.empty(); // the process or thread ended
      }
    }

    static Optional<Stat> parse(String text) {
      // the name is in parentheses and may itself hold spaces and parentheses: split after the last ')'
      int open = text.indexOf('(');
      int close = text.lastIndexOf(')');
      if (open < 0 || close < open) {
        return Optional.empty();
      }
      String[] rest = text.substring(close + 2).split(" ");
      // rest[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17
      return Optional.of(new Stat(text.substring(open + 1, close), Long.parseLong(rest[11]), Long.parseLong(rest[12]),
          Long.parseLong(rest[13]), Long.parseLong(rest[14])));
    }
  }
}
