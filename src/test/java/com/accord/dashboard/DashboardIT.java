package com.accord.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.accord.testing.AccordFixture;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The dashboard end to end in headless Chromium (Debian's, driven by playwright-core) against a
 * real running Accord with simulated traffic flowing: sign-in per role, the live feed growing
 * without a reload, filters and paging, drill-down, an operator resolving a break, an auditor
 * refused, the audit entry. The script (webroot/e2e/run.mjs) takes the screenshots under docs/.
 */
@ExtendWith(VertxExtension.class)
class DashboardIT {

  private static AccordFixture accord;

  @BeforeAll
  static void start(Vertx vertx) {
    accord = AccordFixture.start(vertx, Map.of("ACCORD_RULES_WINDOW", "PT3S"));
  }

  @AfterAll
  static void stop() {
    if (accord != null) {
      accord.close();
    }
  }

  @Test
  void operatorsAndAuditorsWorkTheBreaksInTheBrowser() throws Exception {
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    assertThat(Files.isExecutable(chromium)).as("Chromium at %s (apt-get install chromium)", chromium).isTrue();
    Path screenshots = Path.of("docs/screenshots").toAbsolutePath();
    Files.createDirectories(screenshots);
    Path log = Path.of("target/dashboard-e2e.log").toAbsolutePath();
    ProcessBuilder e2e = new ProcessBuilder(List.of("node", "e2e/run.mjs"))
        .directory(Path.of("webroot").toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    Map<String, String> env = e2e.environment();
    env.put("BASE_URL", accord.baseUrl());
    env.put("ADMIN_PASSWORD", accord.password("admin"));
    env.put("OPERATOR_PASSWORD", accord.password("operator"));
    env.put("AUDITOR_PASSWORD", accord.password("auditor"));
    env.put("SCREENSHOT_DIR", screenshots.toString());
    env.put("CHROMIUM", chromium.toString());
    Process process = e2e.start();
    boolean finished = process.waitFor(5, TimeUnit.MINUTES);
    if (!finished) {
      process.destroyForcibly();
    }
    String output = Files.readString(log);
    assertThat(finished).as("the end-to-end script finished within 5 minutes:\n%s", output).isTrue();
    assertThat(process.exitValue()).as("the end-to-end script's verdict:\n%s", output).isZero();
    for (String shot : List.of("overview", "results", "drilldown", "analytics", "audit", "admin", "overview-phone")) {
      assertThat(screenshots.resolve(shot + ".png")).as("screenshot " + shot).isNotEmptyFile();
    }
  }
}
