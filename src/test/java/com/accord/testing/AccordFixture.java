package com.accord.testing;

import com.accord.Accord;
import com.accord.config.AccordConfig;
import com.accord.domain.EventJson;
import com.accord.domain.TransactionEvent;
import com.accord.persistence.Database;
import com.accord.simulation.AccessToken;
import com.accord.simulation.Verifier;
import com.accord.infra.PgPools;
import com.accord.infra.RedisClients;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A running Accord for one test class, on real PostgreSQL and Redis, in a database and under a
 * Redis key prefix of its own so runs never see each other's data. Blocking helpers: call them
 * from the test thread, never from an event loop.
 */
public final class AccordFixture implements AutoCloseable {

  private final Vertx vertx;
  private final AccordConfig config;
  private final Pool pool;
  private final Redis redis;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final Map<String, String> passwords;
  private final Map<String, AccessToken> tokens;
  private Accord accord;
  private String baseUrl;
  private String role = "admin";

  private AccordFixture(Vertx vertx, AccordConfig config, Map<String, String> passwords) {
    this.vertx = vertx;
    this.config = config;
    this.passwords = passwords;
    this.tokens = new java.util.concurrent.ConcurrentHashMap<>();
    this.pool = PgPools.create(vertx, config.postgres().asAdmin(), "test");
    this.redis = Redis.createClient(vertx, config.redis().uri());
  }

  /** Test defaults: a free port, a one-second window, fast sweeps; {@code overrides} are ACCORD_* variables. */
  public static AccordFixture start(Vertx vertx, Map<String, String> overrides) {
    String id = UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    Map<String, String> env = new HashMap<>(Infra.get().environment());
    env.put("ACCORD_HTTP_PORT", "0");
    env.put("ACCORD_METRICS_PORT", "0");
    env.put("ACCORD_POSTGRES_DATABASE", "accord_test_" + id);
    env.put("ACCORD_REDIS_KEY_PREFIX", "accord-test-" + id + ":");
    env.put("ACCORD_RULES_WINDOW", "PT1S");
    env.put("ACCORD_CORRELATION_SWEEP_INTERVAL", "PT0.05S");
    env.put("ACCORD_KAFKA_ENABLED", "false");
    Map<String, String> passwords = new java.util.LinkedHashMap<>();
    for (String r : AccordConfig.ROLES) {
      passwords.put(r, "pw-" + r + "-" + UUID.randomUUID());
    }
    env.put("ACCORD_SECURITY_BOOTSTRAP_USERS", String.join(",", passwords.entrySet().stream()
        .map(e -> e.getKey() + ":" + e.getValue() + ":" + e.getKey()).toList()));
    env.put("ACCORD_SECURITY_BCRYPT_STRENGTH", "4");
    env.put("ACCORD_SECURITY_RATE_LIMIT_PRINCIPAL_PER_SECOND", "100000");
    env.put("ACCORD_SECURITY_RATE_LIMIT_PRINCIPAL_BURST", "100000");
    env.put("ACCORD_SECURITY_RATE_LIMIT_ADDRESS_PER_SECOND", "100000");
    env.put("ACCORD_SECURITY_RATE_LIMIT_ADDRESS_BURST", "100000");
    env.putAll(overrides);
    AccordFixture fixture = new AccordFixture(vertx, AccordConfig.load(null, env), passwords);
    fixture.startAccord();
    return fixture;
  }

  public static AccordFixture start(Vertx vertx) {
    return start(vertx, Map.of());
  }

  /**
   * Environment entries that make an Accord consume the shared test broker, on topics, a consumer
   * group and a dead-letter topic named after {@code id} so test classes never share them.
   */
  public static Map<String, String> kafkaEnvironment(String id) {
    return Map.of(
        "ACCORD_KAFKA_ENABLED", "true",
        "ACCORD_KAFKA_BOOTSTRAP_SERVERS", Infra.kafkaBootstrap(),
        "ACCORD_KAFKA_TOPICS", "{" + id + "_core: core, " + id + "_gateway: gateway, " + id + "_mobile: mobile}",
        "ACCORD_KAFKA_GROUP_ID", "accord-" + id,
        "ACCORD_KAFKA_DEAD_LETTER_TOPIC", id + "_dead_letter",
        "ACCORD_KAFKA_PARTITIONS", "3");
  }

  public AccordConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The running Accord (its ports, its configuration in force). */
  public Accord accord() {
    return accord;
  }

  public String baseUrl() {
    return baseUrl;
  }

  /** The password of the bootstrap user named after a role (admin, operator, auditor, ingestor). */
  public String password(String user) {
    return passwords.get(user);
  }

  /** A signed-in token source for a bootstrap user. */
  public AccessToken token(String user) {
    return tokens.computeIfAbsent(user, u -> new AccessToken(baseUrl, u, passwords.get(u)));
  }

  /** A verifier signed in as admin. */
  public Verifier verifier() {
    return new Verifier(baseUrl, token("admin"));
  }

  /** This fixture's HTTP helpers acting as another user (a role name), or anonymously with null. */
  public AccordFixture as(String user) {
    AccordFixture view = new AccordFixture(this);
    view.role = user;
    return view;
  }

  private AccordFixture(AccordFixture other) {
    this.vertx = other.vertx;
    this.config = other.config;
    this.pool = other.pool;
    this.redis = other.redis;
    this.passwords = other.passwords;
    this.tokens = other.tokens;
    this.accord = other.accord;
    this.baseUrl = other.baseUrl;
  }

  /** Starts Accord (again) on the same database and key prefix. */
  public void startAccord() {
    accord = Accord.start(vertx, config).await();
    baseUrl = "http://127.0.0.1:" + accord.httpPort();
    tokens.clear();
  }

  public void stopAccord() {
    if (accord != null) {
      accord.stop().await();
      accord = null;
    }
  }

  @Override
  public void close() {
    stopAccord();
    deleteRedisKeys();
    redis.close().await();
    pool.close().await();
    Database.drop(config.postgres());
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  public record HttpResult(int status, Map<String, List<String>> headers, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }

    public String header(String name) {
      return headers.getOrDefault(name.toLowerCase(), List.of()).stream().findFirst().orElse(null);
    }
  }

  public HttpResult post(List<TransactionEvent> events) {
    return post("/api/v1/events", events.stream().map(EventJson::toJson).collect(Collectors.joining(",", "[", "]")), "application/json");
  }

  public HttpResult post(String path, String body, String contentType) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    authorize(request);
    return send(request.build());
  }

  public HttpResult get(String pathAndQuery) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + pathAndQuery)).timeout(Duration.ofSeconds(30)).GET();
    authorize(request);
    return send(request.build());
  }

  /** Any method, with a JSON body or none, as this view's user. */
  public HttpResult request(String method, String path, String jsonBody) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
        .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody));
    if (jsonBody != null) {
      request.header("Content-Type", "application/json");
    }
    authorize(request);
    return send(request.build());
  }

  private void authorize(HttpRequest.Builder request) {
    if (role != null) {
      request.header("Authorization", token(role).get());
    }
  }

  private HttpResult send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new HttpResult(response.statusCode(), response.headers().map(), response.body());
    } catch (java.io.IOException e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Polls the transaction until {@code condition} holds; fails with the last answer seen after {@code timeout}. */
  public JsonObject awaitTransaction(String txnId, Predicate<JsonObject> condition, Duration timeout) {
    Instant deadline = Instant.now().plus(timeout);
    HttpResult last = null;
    while (Instant.now().isBefore(deadline)) {
      last = get("/api/v1/transactions/" + txnId);
      if (last.status() == 200 && condition.test(last.json())) {
        return last.json();
      }
      sleep(50);
    }
    throw new AssertionError("transaction " + txnId + " did not reach the expected state within " + timeout
        + "; last answer: " + (last == null ? "none" : last.status() + " " + last.body()));
  }

  public JsonObject awaitStatus(String txnId, String status) {
    return awaitTransaction(txnId, t -> status.equals(t.getJsonObject("result").getString("status")), Duration.ofSeconds(20));
  }

  // ---- PostgreSQL and Redis ------------------------------------------------------------------------

  public List<Row> sql(String query, Object... params) {
    List<Row> rows = new ArrayList<>();
    pool.preparedQuery(query).execute(Tuple.from(params)).await().forEach(rows::add);
    return rows;
  }

  public long count(String query, Object... params) {
    return sql(query, params).get(0).getLong(0);
  }

  public Response redis(Request request) {
    return redis.send(request).await();
  }

  /** Deletes every key of this fixture's prefix: Redis losing Accord's state, as after a flush or restart. */
  public int deleteRedisKeys() {
    return RedisClients.deleteKeysWithPrefix(redis, config.redis().keyPrefix()).await();
  }

  /** Accord's Prometheus text, scraped over HTTP/1.1 as Prometheus does; a hang fails after 10 s. */
  public String scrapeMetrics() {
    try {
      HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + accord.metricsPort().getAsInt() + "/metrics"))
              .timeout(Duration.ofSeconds(10)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("GET /metrics answered " + response.statusCode());
      }
      return response.body();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The value of a series in Prometheus text, by name and one of its labels; 0 when it is not there yet. */
  public static double series(String prometheusText, String name, String label) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(name) + "\\{[^}]*"
        + java.util.regex.Pattern.quote(label) + "[^}]*} (\\S+)$").matcher(prometheusText);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  public static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
