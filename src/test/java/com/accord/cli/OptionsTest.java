package com.accord.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.accord.config.ConfigException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class OptionsTest {

  private static final List<String> BENCH = List.of("quick", "transactions", "latency-phase", "config");

  @Test
  void readsTheOptionsACommandTakes() {
    Options options = Options.parse(List.of("--transactions", "60000", "--quick", "--latency-phase", "PT30S"), BENCH);

    assertEquals(60_000, options.integer("transactions"));
    assertTrue(options.has("quick"));
    assertEquals(Duration.ofSeconds(30), options.duration("latency-phase", Duration.ZERO));
    assertFalse(options.has("config"));
  }

  @Test
  void refusesAnOptionTheCommandDoesNotTakeAndNamesIt() {
    ConfigException refused = assertThrows(ConfigException.class,
        () -> Options.parse(List.of("--quick", "--transaction", "1000"), BENCH));

    assertTrue(refused.getMessage().contains("'--transaction'"), refused.getMessage());
    assertTrue(refused.getMessage().contains("--config, --latency-phase, --quick, --transactions"), refused.getMessage());
  }

  @Test
  void refusesAValueWithoutAnOption() {
    ConfigException refused = assertThrows(ConfigException.class, () -> Options.parse(List.of("60000"), BENCH));

    assertTrue(refused.getMessage().contains("unexpected argument '60000'"), refused.getMessage());
  }

  @Test
  void namesTheOptionWhoseValueIsMalformed() {
    Options options = Options.parse(List.of("--transactions", "lots"), BENCH);

    ConfigException refused = assertThrows(ConfigException.class, () -> options.integer("transactions"));
    assertTrue(refused.getMessage().contains("--transactions"), refused.getMessage());
  }
}
