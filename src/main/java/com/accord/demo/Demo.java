package com.accord.demo;

import com.accord.Accord;
import com.accord.cli.Options;
import com.accord.cli.SimulateCommand;
import com.accord.config.AccordConfig;
import com.accord.config.ConfigException;
import com.accord.persistence.Database;
import com.accord.simulation.AccessToken;
import com.accord.simulation.EventSink;
import com.accord.simulation.GroundTruth;
import com.accord.simulation.HttpSink;
import com.accord.simulation.KafkaSink;
import com.accord.simulation.Scenario;
import com.accord.simulation.Simulator;
import com.accord.simulation.Verifier;
import com.accord.infra.RedisClients;
import com.accord.metrics.Metrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The main job of the README: start Accord on a database of its own with its own Kafka broker,
 * drive the {@code seed} scenario's three-source traffic through Kafka (or HTTP with
 * {@code --via http}), and end with the verify report against the injected ground truth.
 */
public final class Demo {

  private static final PrintStream out = System.out;

  private Demo() {}

  public static int run(Options options) throws Exception {
    Scenario scenario = SimulateCommand.scenario(options);
    String via = options.get("via", "kafka");
    if (!via.equals("kafka") && !via.equals("http")) {
      throw new ConfigException("--via", "must be kafka or http, got '" + via + "'");
    }
    Map<String, String> env = new HashMap<>(System.getenv());
    env.putIfAbsent("ACCORD_POSTGRES_DATABASE", "accord_demo");
    env.putIfAbsent("ACCORD_REDIS_KEY_PREFIX", "accord-demo:");
    env.putIfAbsent("ACCORD_RULES_WINDOW", "PT3S");
    env.putIfAbsent("ACCORD_KAFKA_ENABLED", Boolean.toString(via.equals("kafka")));
    Map<String, String> passwords = demoPasswords();
    env.put("ACCORD_SECURITY_BOOTSTRAP_USERS", String.join(",", passwords.entrySet().stream()
        .map(e -> e.getKey() + ":" + e.getValue() + ":" + e.getKey()).toList()));
    AccordConfig configured = AccordConfig.load(options.configFile(), env);

    out.printf("Accord demo: scenario %s (%,d transactions, seed %d) through %s; database %s, Redis prefix %s%n",
        scenario.name(), scenario.transactions(), scenario.seed(), via, configured.postgres().database(),
        configured.redis().keyPrefix());
    Database.drop(configured.postgres());
    PrometheusMeterRegistry registry = Metrics.newRegistry();
    Vertx vertx = Metrics.vertx(registry, configured.metrics().enabled());
    RedisClients.clearPrefix(vertx, configured.redis()).await();
    if (via.equals("kafka") && configured.kafka().embedded()) {
      out.println("starting a single-node Kafka broker (KRaft) of Accord's own …");
    }
    Accord accord = Accord.start(vertx, configured, registry).await();
    AccordConfig config = accord.config();
    String api = "http://" + config.http().host() + ":" + accord.httpPort();
    out.printf("Accord is up: API at %s%s%s%n", api,
        via.equals("kafka") ? ", Kafka at " + config.kafka().bootstrapServers() : "",
        accord.metricsPort().isPresent()
            ? ", Prometheus metrics at http://" + config.metrics().host() + ":" + accord.metricsPort().getAsInt() + "/metrics" : "");
    out.println("DEMO MODE: users of the embedded issuer, with passwords generated for this run:");
    passwords.forEach((user, password) -> out.printf("  %-9s %s%n", user, password));
    AccessToken admin = new AccessToken(api, "admin", passwords.get("admin"));

    int exit;
    try (EventSink sink = via.equals("kafka")
        ? new KafkaSink(config.kafka().bootstrapServers(), config.kafka().topics(), config.kafka().properties())
        : new HttpSink(api, new AccessToken(api, "ingestor", passwords.get("ingestor")))) {
      Simulator.Run run = new Simulator(scenario, SimulateCommand.defaultPrefix(scenario), out).run(sink);
      Path truthFile = Files.createTempFile("accord-demo-" + scenario.name() + "-", ".truth.jsonl");
      run.truth().write(truthFile);
      out.printf("sent %,d events in %.1f s (%,.0f events/s); ground truth written to %s%n",
          run.events(), run.elapsed().toMillis() / 1000.0, run.eventsPerSecond(), truthFile);
      out.printf("injected: %s%n", Verifier.defectCounts(run.truth()));
      Verifier.Report report = new Verifier(api, admin).verify(run.truth(), config.rules().window().plusMinutes(2));
      double settledSeconds = java.time.Duration.between(run.truth().startedAt(), java.time.Instant.now()).toMillis() / 1000.0;
      out.printf("end to end: %,d events produced, reconciled and verified settled %.1f s after the first was sent: %,.0f events/s "
          + "(an upper bound on time: it includes verify's two confirming polls, 0.5 s apart)%n",
          run.events(), settledSeconds, run.events() / settledSeconds);
      report.print(out);
      boolean chainIntact = printAuditChain(api, admin);
      exit = report.passed() && chainIntact ? 0 : 1;
      printTryIt(api, run.truth(), report, passwords.get("auditor"));
    }
    if (options.has("keep-running")) {
      accord.stopAtExit(); // before "keeps running": a Ctrl-C from then on stops it in order
      out.printf("%nDashboard: %s/  (sign in as admin, operator or auditor with the passwords above)%n", api);
      out.println("Inject a mismatch and watch it arrive in the overview's live feed, no reload needed:");
      out.printf("  TOKEN=$(curl -s %s/api/v1/auth/token -H 'Content-Type: application/json' \\%n"
          + "      -d '{\"grant_type\":\"password\",\"username\":\"ingestor\",\"password\":\"%s\"}' | jq -r .access_token)%n",
          api, passwords.get("ingestor"));
      out.printf("  curl -s %s/api/v1/events -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' -d \"[%n"
          + "    {\\\"event_id\\\":\\\"c-$$\\\",\\\"source\\\":\\\"core\\\",\\\"txn_id\\\":\\\"LIVE-$$\\\",\\\"amount\\\":\\\"100.00\\\",\\\"currency\\\":\\\"EUR\\\",\\\"status\\\":\\\"POSTED\\\",\\\"account\\\":\\\"DE89370400440532013000\\\",\\\"timestamp\\\":\\\"$(date -u +%%FT%%TZ)\\\"},%n"
          + "    {\\\"event_id\\\":\\\"g-$$\\\",\\\"source\\\":\\\"gateway\\\",\\\"txn_id\\\":\\\"LIVE-$$\\\",\\\"amount\\\":\\\"105.00\\\",\\\"currency\\\":\\\"EUR\\\",\\\"status\\\":\\\"SETTLED\\\",\\\"account\\\":\\\"DE89370400440532013000\\\",\\\"timestamp\\\":\\\"$(date -u +%%FT%%TZ)\\\"}]\"%n", api);
      out.println("Accord keeps running (Ctrl-C stops it).");
      Thread.currentThread().join();
    }
    accord.stop().eventually(vertx::close).await();
    return exit;
  }

  /** Asks Accord to recompute its audit hash chain after the run, as an auditor would. */
  private static boolean printAuditChain(String api, AccessToken token) throws Exception {
    var http = java.net.http.HttpClient.newHttpClient();
    var response = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api + "/api/v1/audit/verify"))
        .header("Authorization", token.get()).GET().build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    io.vertx.core.json.JsonObject verdict = new io.vertx.core.json.JsonObject(response.body());
    boolean intact = response.statusCode() == 200 && verdict.getBoolean("intact", false);
    out.printf("audit trail: %s (%,d rows checked)%s%n", intact ? "hash chain intact" : "CHAIN BROKEN",
        verdict.getLong("rows_checked", 0L), intact ? "" : ": " + verdict.getJsonObject("first_broken"));
    return intact;
  }

  /** Fresh random passwords for admin, operator, auditor and ingestor, for this run only. */
  private static Map<String, String> demoPasswords() {
    java.security.SecureRandom random = new java.security.SecureRandom();
    Map<String, String> passwords = new java.util.LinkedHashMap<>();
    for (String role : AccordConfig.ROLES) {
      byte[] bytes = new byte[12];
      random.nextBytes(bytes);
      passwords.put(role, java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }
    return passwords;
  }

  private static void printTryIt(String api, GroundTruth truth, Verifier.Report report, String auditorPassword) {
    String mismatched = truth.transactions().stream()
        .filter(e -> report.found().containsKey(e.txnId()) && !e.types().isEmpty())
        .map(GroundTruth.Expected::txnId).findFirst().orElse(truth.transactions().get(0).txnId());
    out.println();
    out.println("Explore the results (add --keep-running to keep Accord up):");
    out.printf("  TOKEN=$(curl -s %s/api/v1/auth/token -H 'Content-Type: application/json' \\%n"
        + "      -d '{\"grant_type\":\"password\",\"username\":\"auditor\",\"password\":\"%s\"}' | jq -r .access_token)%n", api, auditorPassword);
    out.printf("  curl -s -H \"Authorization: Bearer $TOKEN\" %s/api/v1/stats%n", api);
    out.printf("  curl -s -H \"Authorization: Bearer $TOKEN\" '%s/api/v1/results?status=MISMATCHED&discrepancyType=AMOUNT&limit=5'%n", api);
    out.printf("  curl -s -H \"Authorization: Bearer $TOKEN\" %s/api/v1/transactions/%s%n", api, mismatched);
    out.printf("  curl -s -H \"Authorization: Bearer $TOKEN\" %s/api/v1/audit/verify%n", api);
  }

}
