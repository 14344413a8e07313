package com.accord.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.accord.cli.Options;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchPlanTest {

  private static final List<String> ACCEPTED = List.of("quick", "latency-loads", "latency-rate");

  private static Bench.Plan plan(String... arguments) {
    return Bench.Plan.of(Options.parse(List.of(arguments), ACCEPTED));
  }

  @Test
  void latencyRunsAtHalfAndAQuarterOfTheMeasuredMaximaUnlessQuick() {
    assertThat(plan().latencyLoads()).containsExactly(0.5, 0.25);
    assertThat(plan("--quick").latencyLoads()).containsExactly(0.5);
    assertThat(plan("--latency-loads", "0.5,0.1").latencyLoads()).containsExactly(0.5, 0.1);
  }

  @Test
  void aLoadOutsideOneShareOfTheMaximumIsRefusedByName() {
    for (String bad : List.of("0", "1.5", "-0.5", "half", "0.5,,0.25")) {
      assertThatThrownBy(() -> plan("--latency-loads", bad)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--latency-loads").hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void sharesAreNamedInWords() {
    assertThat(Bench.fraction(0.5) + " the measured maximum").isEqualTo("half the measured maximum");
    assertThat(Bench.fraction(0.25) + " the measured maximum").isEqualTo("a quarter of the measured maximum");
    assertThat(Bench.fraction(0.1) + " the measured maximum").isEqualTo("10 % of the measured maximum");
  }
}
