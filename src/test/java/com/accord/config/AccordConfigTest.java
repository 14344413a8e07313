package com.accord.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.accord.domain.CanonicalStatus;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration: defaults, file and environment overrides, and bad values that name their key. */
class AccordConfigTest {

  @Test
  void defaultsAreSensible() {
    AccordConfig config = AccordConfig.load(null, Map.of());
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.rules().sources()).containsExactly("core", "gateway", "mobile");
    assertThat(config.rules().window()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.rules().canonicalStatus("gateway", "settled")).contains(CanonicalStatus.COMPLETED);
    assertThat(config.redis().keyPrefix()).isEqualTo("accord:");
    assertThat(config.correlation().shards()).isEqualTo(16);
  }

  @Test
  void environmentOverridesEveryKindOfValue() {
    AccordConfig config = AccordConfig.load(null, Map.of(
        "ACCORD_HTTP_PORT", "9090",
        "ACCORD_RULES_WINDOW", "PT2M",
        "ACCORD_RULES_EXPECTED_SOURCES", "core, gateway",
        "ACCORD_RULES_AMOUNT_TOLERANCE_ABSOLUTE", "0.01",
        "ACCORD_RULES_STATUS_VOCABULARIES", "{core: {DONE: COMPLETED}}",
        "ACCORD_POSTGRES_CREATE_DATABASE", "false"));
    assertThat(config.http().port()).isEqualTo(9090);
    assertThat(config.rules().window()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.rules().expectedSources()).containsExactlyInAnyOrder("core", "gateway");
    assertThat(config.rules().amountToleranceAbsolute()).isEqualByComparingTo(new BigDecimal("0.01"));
    assertThat(config.rules().canonicalStatus("core", "DONE")).contains(CanonicalStatus.COMPLETED);
    assertThat(config.rules().canonicalStatus("gateway", "SETTLED")).isEmpty();
    assertThat(config.postgres().createDatabase()).isFalse();
  }

  @Test
  void fileOverridesDefaultsAndEnvironmentOverridesTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("accord.yaml");
    Files.writeString(file, "http:\n  port: 7000\nrules:\n  window: PT10S\n");
    AccordConfig config = AccordConfig.load(file, Map.of("ACCORD_RULES_WINDOW", "PT20S"));
    assertThat(config.http().port()).isEqualTo(7000);
    assertThat(config.rules().window()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.http().host()).isEqualTo("127.0.0.1");
  }

  @Test
  void unknownKeyInTheFileIsNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("accord.yaml");
    Files.writeString(file, "rules:\n  windw: PT10S\n");
    assertThatThrownBy(() -> AccordConfig.load(file, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'rules.windw'").hasMessageContaining("unknown key");
  }

  @Test
  void badValuesStopStartUpNamingTheirKey() {
    expectBad("ACCORD_HTTP_PORT", "eighty", "'http.port'", "whole number");
    expectBad("ACCORD_HTTP_PORT", "70000", "'http.port'", "between 0 and 65535");
    expectBad("ACCORD_RULES_WINDOW", "30 seconds", "'rules.window'", "ISO-8601 duration");
    expectBad("ACCORD_RULES_WINDOW", "PT0S", "'rules.window'", "positive");
    expectBad("ACCORD_RULES_AMOUNT_TOLERANCE_RELATIVE", "1.5", "'rules.amountToleranceRelative'", "between 0 and 1");
    expectBad("ACCORD_RULES_AMOUNT_TOLERANCE_ABSOLUTE", "-1", "'rules.amountToleranceAbsolute'", "negative");
    expectBad("ACCORD_RULES_EXPECTED_SOURCES", "core,atm", "'rules.expectedSources'", "'atm' is not among");
    expectBad("ACCORD_RULES_STATUS_VOCABULARIES", "{core: {DONE: FINISHED}}", "'rules.statusVocabularies.core.DONE'", "must be one of");
    expectBad("ACCORD_RULES_SOURCES", "core,core", "'rules.sources'", "each once");
    expectBad("ACCORD_REDIS_KEY_PREFIX", "a{b}", "'redis.keyPrefix'", "braces");
    expectBad("ACCORD_REDIS_URI", "http://localhost", "'redis.uri'", "redis://");
    expectBad("ACCORD_POSTGRES_DATABASE", "accord; drop", "'postgres.database'", "plain SQL identifier");
    expectBad("ACCORD_POSTGRES_CREATE_DATABASE", "yes", "'postgres.createDatabase'", "true or false");
    expectBad("ACCORD_CORRELATION_SHARDS", "0", "'correlation.shards'", "between 1 and 1024");
  }

  @Test
  void environmentNamesFollowTheKeyPath() {
    assertThat(ConfigTree.environmentName("rules.amountToleranceAbsolute")).isEqualTo("ACCORD_RULES_AMOUNT_TOLERANCE_ABSOLUTE");
    assertThat(ConfigTree.environmentName("http.port")).isEqualTo("ACCORD_HTTP_PORT");
  }

  private static void expectBad(String variable, String value, String key, String problem) {
    assertThatThrownBy(() -> AccordConfig.load(null, Map.of(variable, value)))
        .as("%s=%s", variable, value)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining(problem);
  }

  @Test
  void sourceNamesMustBeSimpleNames() {
    assertThatThrownBy(() -> AccordConfig.load(null, Map.of("ACCORD_RULES_SOURCES", "core,gate way",
            "ACCORD_RULES_EXPECTED_SOURCES", "core", "ACCORD_RULES_STATUS_VOCABULARIES", "{}")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'rules.sources'");
  }
}
