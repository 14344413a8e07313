package com.accord.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CoreBudgetTest {

  private static CpuProfile.Usage usage(long events, Map<String, Duration> used) {
    return new CpuProfile.Usage("phase", events, Duration.ofSeconds(10), 2, used, 0.9, Map.of(), HeapProfile.Pauses.NONE);
  }

  private static Map<String, Duration> cpu(Object... componentAndSeconds) {
    Map<String, Duration> used = new LinkedHashMap<>();
    for (int i = 0; i < componentAndSeconds.length; i += 2) {
      used.put((String) componentAndSeconds[i], Duration.ofMillis(Math.round((Double) componentAndSeconds[i + 1] * 1000)));
    }
    return used;
  }

  private static final CpuProfile.Usage POSTGRES_CEILING = usage(1_000_000, cpu(CpuProfile.POSTGRES, 60.0,
      "this JVM: Vert.x event loops", 20.0, CpuProfile.JIT, 10.0));
  private static final CpuProfile.Usage REDIS_CEILING = usage(100_000, cpu(CpuProfile.REDIS, 3.0,
      "this JVM: Vert.x event loops", 1.0, CpuProfile.JIT, 5.0));

  @Test
  void theCeilingsCostPerEventEveryProcessButTheJitBoundWhatTheCoresCarry() {
    CoreBudget budget = CoreBudget.of(Optional.of(POSTGRES_CEILING), Optional.of(REDIS_CEILING)).orElseThrow();

    assertThat(budget.postgresMicros()).as("(60 s + 20 s) ÷ 1,000,000 events").isCloseTo(80, within(1e-9));
    assertThat(budget.redisMicros()).as("(3 s + 1 s) ÷ 100,000 calls").isCloseTo(40, within(1e-9));
    assertThat(budget.micros()).isCloseTo(120, within(1e-9));
    assertThat(budget.eventsPerSecond()).as("2 cores ÷ 120 µs").isCloseTo(16_666.67, within(0.01));
    assertThat(budget.microsFor(0.7, 20_000)).as("2 cores ÷ 14,000 events/s").isCloseTo(142.86, within(0.01));
  }

  @Test
  void aPhasesOtherWorkIsEverythingButPostgresRedisAndTheJit() {
    CoreBudget budget = CoreBudget.of(Optional.of(POSTGRES_CEILING), Optional.of(REDIS_CEILING)).orElseThrow();
    CpuProfile.Usage drain = usage(10_000, cpu(CpuProfile.POSTGRES, 2.0, CpuProfile.REDIS, 0.5,
        "this JVM: Vert.x event loops", 0.4, CpuProfile.BROKER, 0.1, CpuProfile.JIT, 1.0));

    assertThat(CoreBudget.otherMicros(drain)).as("event loops 40 µs + broker 10 µs").isCloseTo(50, within(1e-9));
    assertThat(budget.eventsPerSecondWith(drain)).as("2 cores ÷ (120 + 50) µs").isCloseTo(11_764.71, within(0.01));
  }

  @Test
  void deliveringTheEventsAddsOnlyTheNamedComponents() {
    CoreBudget budget = CoreBudget.of(Optional.of(POSTGRES_CEILING), Optional.of(REDIS_CEILING)).orElseThrow();
    CpuProfile.Usage drain = usage(10_000, cpu(CpuProfile.POSTGRES, 2.0, CpuProfile.REDIS, 0.5,
        "this JVM: Vert.x event loops", 0.4, CpuProfile.BROKER, 0.1, CpuProfile.KAFKA_CLIENTS, 0.05, CpuProfile.JIT, 1.0));

    assertThat(CoreBudget.deliveryMicros(drain, List.of(CpuProfile.BROKER, CpuProfile.KAFKA_CLIENTS)))
        .as("broker 10 µs + clients 5 µs").isCloseTo(15, within(1e-9));
    assertThat(budget.eventsPerSecondDelivering(drain, List.of(CpuProfile.BROKER, CpuProfile.KAFKA_CLIENTS)))
        .as("2 cores ÷ (120 + 15) µs").isCloseTo(14_814.81, within(0.01));
    assertThat(budget.eventsPerSecondDelivering(drain, List.of(CpuProfile.HTTP_CLIENT)))
        .as("a component the phase did not use costs nothing").isCloseTo(budget.eventsPerSecond(), within(1e-9));
  }

  @Test
  void noBudgetWithoutBothProfiles() {
    assertThat(CoreBudget.of(Optional.empty(), Optional.of(REDIS_CEILING))).isEmpty();
    assertThat(CoreBudget.of(Optional.of(POSTGRES_CEILING), Optional.empty())).isEmpty();
    assertThat(CoreBudget.of(Optional.of(POSTGRES_CEILING), Optional.of(usage(100_000, cpu(CpuProfile.JIT, 5.0)))))
        .as("a ceiling that measured no CPU but the JIT's").isEmpty();
  }
}
