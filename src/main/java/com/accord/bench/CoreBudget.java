package com.accord.bench;

import java.util.Collection;
import java.util.Optional;

/**
 * The most events per second this machine's cores can carry if every event costs at least the CPU
 * the two ceilings spent on it: the PostgreSQL ceiling's per event (its server processes and its
 * own writer) and the Redis ceiling's per {@code accord_record} call (Redis and its caller), every
 * process counted, the JIT compiler aside. Those are the rows Accord must write and the call it must
 * make per event, so no pipeline doing that work goes faster here, whatever its own code costs:
 * divided by the slower ceiling, it is the highest ratio this machine allows.
 *
 * <p>The same bound with a measured phase's other work added (everything but PostgreSQL, Redis and
 * the JIT: Accord's JVM, the broker, the load generator) is what Accord would reach with its
 * PostgreSQL and Redis work cut to the ceilings' and the rest as measured. With only the cost of
 * delivering the events added (the broker and the Kafka clients, or the sources' HTTP client), it
 * is the most any pipeline fed the way the phase was fed can carry here.
 *
 * @param postgresMicros CPU µs per event of the PostgreSQL ceiling, JIT aside
 * @param redisMicros CPU µs per call of the Redis ceiling, JIT aside
 */
record CoreBudget(double postgresMicros, double redisMicros, int cores) {

  CoreBudget {
    if (postgresMicros <= 0 || redisMicros <= 0 || cores < 1) {
      throw new IllegalArgumentException("positive costs and at least one core needed, got " + postgresMicros + " µs, "
          + redisMicros + " µs, " + cores + " cores");
    }
  }

  /** From the two ceilings' profiles; empty if either is missing or measured nothing. */
  static Optional<CoreBudget> of(Optional<CpuProfile.Usage> postgres, Optional<CpuProfile.Usage> redis) {
    if (postgres.isEmpty() || redis.isEmpty()) {
      return Optional.empty();
    }
    double pg = withoutJit(postgres.get());
    double rd = withoutJit(redis.get());
    return pg > 0 && rd > 0 ? Optional.of(new CoreBudget(pg, rd, postgres.get().cores())) : Optional.empty();
  }

  /** The ceilings' CPU per event together. */
  double micros() {
    return postgresMicros + redisMicros;
  }

  /** The cores divided by the ceilings' cost per event. */
  double eventsPerSecond() {
    return cores * 1e6 / micros();
  }

  /** A phase's CPU per event outside PostgreSQL, Redis and the JIT compiler. */
  static double otherMicros(CpuProfile.Usage phase) {
    return withoutJit(phase) - phase.microsPerEvent(CpuProfile.POSTGRES) - phase.microsPerEvent(CpuProfile.REDIS);
  }

  /** The cores divided by the ceilings' cost plus the phase's other work per event. */
  double eventsPerSecondWith(CpuProfile.Usage phase) {
    return cores * 1e6 / (micros() + otherMicros(phase));
  }

  /**
   * The cores divided by the ceilings' cost plus the phase's CPU per event in {@code delivery}: the
   * components that bring the events to a pipeline, whatever that pipeline does with them.
   */
  double eventsPerSecondDelivering(CpuProfile.Usage phase, Collection<String> delivery) {
    return cores * 1e6 / (micros() + deliveryMicros(phase, delivery));
  }

  /** A phase's CPU per event in the given components together. */
  static double deliveryMicros(CpuProfile.Usage phase, Collection<String> delivery) {
    return delivery.stream().mapToDouble(phase::microsPerEvent).sum();
  }

  /** The CPU per event that would let the cores carry {@code share} of {@code ceiling} events/s. */
  double microsFor(double share, double ceiling) {
    return cores * 1e6 / (share * ceiling);
  }

  private static double withoutJit(CpuProfile.Usage usage) {
    return usage.microsPerEvent(null) - usage.microsPerEvent(CpuProfile.JIT);
  }
}
