package com.accord.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CpuProfileTest {

  @Test
  void aThreadsCpuTimeLandsInItsGroup() throws Exception {
    assertSpinningThreadLandsIn("vert.x-eventloop-thread-test", "this JVM: Vert.x event loops");
  }

  /** By name rather than by spinning a thread of each. */
  @Test
  void threadsAreGroupedByTheirNamesAsProcShowsThem() {
    assertThat(CpuProfile.groupOf("http-sink-sende")).as("HttpSink's sender").contains(CpuProfile.HTTP_CLIENT);
    assertThat(CpuProfile.groupOf("HttpClient-1-Wo")).as("a JDK HttpClient worker").contains(CpuProfile.HTTP_CLIENT);
    assertThat(CpuProfile.groupOf("kafka-producer-")).contains(CpuProfile.KAFKA_CLIENTS);
    assertThat(CpuProfile.groupOf("vert.x-kafka-co")).contains(CpuProfile.KAFKA_CLIENTS);
    assertThat(CpuProfile.groupOf("vert.x-eventloo")).contains("this JVM: Vert.x event loops");
    assertThat(CpuProfile.groupOf("C2 CompilerThre")).contains(CpuProfile.JIT);
    assertThat(CpuProfile.groupOf("pool-1-thread-1")).as("other threads").isEmpty();
  }

  /**
   * A load generator's sink of one phase whose threads end during the next: the ticks they used
   * before the first reading must not be taken out of the threads of the same group that run.
   */
  @Test
  void aThreadThatEndsBetweenTheReadingsTakesNothingFromItsGroup() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/stat")), "Linux /proc");
    CpuProfile.Reading before = spinThenRead("http-sink-sender-earlier", Duration.ofMillis(400)).reading();
    Spun later = spinThenRead("http-sink-sender-later", Duration.ofMillis(150));

    CpuProfile.Usage usage = CpuProfile.between("test", before, later.reading(), 1000);
    assertThat(usage.byComponent().get(CpuProfile.HTTP_CLIENT)).as("the later thread's 150 ms, not less the earlier one's 400")
        .isNotNull().isGreaterThanOrEqualTo(Duration.ofMillis(later.millis() - 20));
  }

  private static void assertSpinningThreadLandsIn(String threadName, String group) throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/stat")), "Linux /proc");
    CpuProfile.Reading before = CpuProfile.read().orElseThrow();
    Spun busy = spinThenRead(threadName, Duration.ofMillis(300));

    CpuProfile.Usage usage = CpuProfile.between("test", before, busy.reading(), 1000);
    Duration inGroup = usage.byComponent().get(group);
    // /proc counts in 10 ms ticks
    assertThat(inGroup).as(threadName).isNotNull().isGreaterThanOrEqualTo(Duration.ofMillis(busy.millis() - 20));
    assertThat(usage.microsPerEvent(group)).isGreaterThanOrEqualTo(280.0);
    assertThat(usage.machineBusy()).isBetween(0.0, 1.0);
    assertThat(usage.total()).isGreaterThanOrEqualTo(inGroup);
  }

  /** A reading taken while a thread that spun still lives, and the CPU milliseconds it spun. */
  private record Spun(CpuProfile.Reading reading, long millis) {}

  /**
   * Spins a thread of that name for {@code cpu}, takes a reading while it lives (a thread is counted
   * in its group only while it lives), then lets it end.
   */
  private static Spun spinThenRead(String threadName, Duration cpu) throws InterruptedException {
    AtomicLong spun = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    CountDownLatch read = new CountDownLatch(1);
    Thread busy = new Thread(() -> {
      spun.set(spinFor(cpu));
      done.countDown();
      awaitQuietly(read);
    }, threadName);
    busy.start();
    done.await();
    CpuProfile.Reading reading = CpuProfile.read().orElseThrow();
    read.countDown();
    busy.join();
    return new Spun(reading, spun.get() / 1_000_000);
  }

  @Test
  void heapAllocatedByTheLoadGeneratorIsToldApartFromAccordsAndGcPausesAreCounted() throws Exception {
    CpuProfile.Reading before = CpuProfile.read().orElseThrow();
    CountDownLatch read = new CountDownLatch(1);
    AtomicLong kept = new AtomicLong();
    Thread generator = new Thread(() -> {
      // 64 MB in 64 KiB arrays, as a Kafka producer's compression buffers come
      for (int i = 0; i < 1024; i++) {
        byte[] buffer = new byte[64 * 1024];
        buffer[i] = 1;
        kept.addAndGet(buffer[i]);
      }
      awaitQuietly(read);
    }, "http-sink-sender-test");
    generator.start();
    while (kept.get() < 1024) {
      Thread.sleep(5);
    }
    long gcFrom = System.nanoTime();
    System.gc();
    CpuProfile.Reading after = CpuProfile.read().orElseThrow();
    read.countDown();
    generator.join();

    CpuProfile.Usage usage = CpuProfile.between("test", before, after, 1000);
    assertThat(usage.allocatedByGroup().get(CpuProfile.HEAP_LOAD_GENERATOR)).isBetween(64L * 1024 * 1024, 80L * 1024 * 1024);
    assertThat(usage.kilobytesPerEvent(CpuProfile.HEAP_LOAD_GENERATOR)).isGreaterThan(67.0);
    assertThat(usage.allocatedByGroup()).doesNotContainKey("Accord: Vert.x event loops");
    // the notification of a collection comes on a JMX thread after it ends
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (HeapProfile.pausesBetween(gcFrom, System.nanoTime()).count() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(HeapProfile.pausesBetween(gcFrom, System.nanoTime()).count()).isPositive();
    assertThat(HeapProfile.pausesBetween(System.nanoTime(), Long.MAX_VALUE)).isEqualTo(HeapProfile.Pauses.NONE);
  }

  @Test
  void aProcessNameWithSpacesAndParenthesesIsRead() {
    String line = "4242 (odd (name) x) S 1 4242 4242 0 -1 4194560 500 0 0 0 1234 567 89 10 20 0 1 0 100 1000 10 "
        + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
    CpuProfile.Stat stat = CpuProfile.Stat.parse(line).orElseThrow();
    assertThat(stat.name()).isEqualTo("odd (name) x");
    assertThat(stat.own()).isEqualTo(1234 + 567);
    assertThat(stat.reapedChildren()).isEqualTo(89 + 10);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Spins until this thread has used {@code cpu} of CPU time; returns the nanoseconds it used. */
  private static long spinFor(Duration cpu) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long start = threads.getCurrentThreadCpuTime();
    long x = 0;
    while (threads.getCurrentThreadCpuTime() - start < cpu.toNanos()) {
      for (int i = 0; i < 100_000; i++) {
        x += i ^ (x << 1);
      }
    }
    return threads.getCurrentThreadCpuTime() - start + (x == 42 ? 1 : 0);
  }
}
